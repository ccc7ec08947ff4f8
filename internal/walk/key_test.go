package walk

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKeyOf(t *testing.T) {
	tests := []struct {
		name string
		want sortKey
	}{
		{"error-sync-1700000000000.txt", sortKey{"", kindWeave, 1700000000000, "error-sync-1700000000000.txt"}},
		{"success-sync-1700000005000.txt", sortKey{"", kindWeave, 1700000005000, "success-sync-1700000005000.txt"}},
		{"error-sync-1700000010000.txt.gz", sortKey{"", kindWeave, 1700000010000, "error-sync-1700000010000.txt.gz"}},
		{"success-sync-1700000010000.txt.zst", sortKey{"", kindWeave, 1700000010000, "success-sync-1700000010000.txt.zst"}},
		{"error-sync-1700000010000.txt.bz2", sortKey{"", kindWeave, 1700000010000, "error-sync-1700000010000.txt.bz2"}},
		{"sync.log", sortKey{"sync.log", kindPlain, 0, "sync.log"}},
		{"sync.log.1", sortKey{"sync.log", kindNumbered, 1, "sync.log.1"}},
		{"sync.log.2.zst", sortKey{"sync.log", kindNumbered, 2, "sync.log.2.zst"}},
		{"sync.log.3.gz", sortKey{"sync.log", kindNumbered, 3, "sync.log.3.gz"}},
		{"sync.log.12.bz2", sortKey{"sync.log", kindNumbered, 12, "sync.log.12.bz2"}},
		{"messages-20251124", sortKey{"messages", kindDated, 20251124, "messages-20251124"}},
		{"sync.log-20251124.gz", sortKey{"sync.log", kindDated, 20251124, "sync.log-20251124.gz"}},
		// Not weave logs: wrong extension, no digits, other prefix.
		{"error-sync-1700000000000.log", sortKey{"error-sync-1700000000000.log", kindPlain, 0, "error-sync-1700000000000.log"}},
		{"error-sync-.txt", sortKey{"error-sync-.txt", kindPlain, 0, "error-sync-.txt"}},
		{"warn-sync-1700000000000.txt", sortKey{"warn-sync-1700000000000.txt", kindPlain, 0, "warn-sync-1700000000000.txt"}},
		// Not rotations: no base, no number, compression only, wrong date width.
		{".1", sortKey{".1", kindPlain, 0, ".1"}},
		{"1", sortKey{"1", kindPlain, 0, "1"}},
		{"sync.log.gz", sortKey{"sync.log.gz", kindPlain, 0, "sync.log.gz"}},
		{"sync.log.1a", sortKey{"sync.log.1a", kindPlain, 0, "sync.log.1a"}},
		{"sync.log-2025112", sortKey{"sync.log-2025112", kindPlain, 0, "sync.log-2025112"}},
		{"sync.log-2025-11-24", sortKey{"sync.log-2025-11-24", kindPlain, 0, "sync.log-2025-11-24"}},
		{".gz", sortKey{".gz", kindPlain, 0, ".gz"}},
		{"sync.log.99999999999999999999", sortKey{"sync.log.99999999999999999999", kindPlain, 0, "sync.log.99999999999999999999"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := keyOf(tc.name)
			if got != tc.want {
				t.Errorf("keyOf(%q) = %+v, want %+v", tc.name, got, tc.want)
			}
		})
	}
}

func TestKeyOrder(t *testing.T) {
	tests := []struct {
		name string
		want []string // in order; the test shuffles them first
	}{
		{"weave by epoch whatever the prefix", []string{
			"error-sync-1700000000000.txt",
			"success-sync-1700000005000.txt",
			"error-sync-1700000010000.txt.gz",
			"success-sync-1700000010001.txt.zst",
			"error-sync-10000000000000.txt",
		}},
		{"rotations highest number first, live last", []string{
			"sync.log.10",
			"sync.log.3.gz",
			"sync.log.2.zst",
			"sync.log.1",
			"sync.log",
		}},
		{"dated rotations by date, live last", []string{
			"messages-20251123",
			"messages-20251124.gz",
			"messages-20251201.zst",
			"messages",
		}},
		{"numbered before dated in one set", []string{
			"app.log.2",
			"app.log.1",
			"app.log-20251124",
			"app.log",
		}},
		{"lexical fallback", []string{
			"a.txt",
			"b.log",
			"b.log.gz",
			"notes",
		}},
		{"natural order of numbers in names", []string{
			"sync-2.log",
			"sync-02.log",
			"sync-10.log.1",
			"sync-10.log",
			"sync-19.log",
			"sync-19a.log",
			"sync-100.log",
			"sync.log",
		}},
		{"groups: weave first, then sets by name", []string{
			"success-sync-1700000000000.txt",
			"error-sync-1700000001000.txt",
			"a.txt",
			"sync.log.2.gz",
			"sync.log.1",
			"sync.log",
			"sync.log.gz",
			"zeta",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for seed := range uint64(5) {
				got := slices.Clone(tc.want)
				rand.New(rand.NewPCG(seed, 1)).Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
				slices.SortFunc(got, func(a, b string) int { return keyOf(a).compare(keyOf(b)) })
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Fatalf("order mismatch (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestNaturalCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"sync-2", "sync-19", -1},
		{"sync-19", "sync-2", 1},
		{"sync-2", "sync-2", 0},
		{"sync-2", "sync-02", -1},
		{"a", "a1", -1},
		{"a9b", "a10a", -1},
		{"x", "1", 1},
		{"", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.a+"|"+tc.b, func(t *testing.T) {
			if got := naturalCompare(tc.a, tc.b); got != tc.want {
				t.Errorf("naturalCompare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
		})
	}
}
