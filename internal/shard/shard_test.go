package shard

import (
	"fmt"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Spec
		ok   bool
	}{
		{"1/1", Spec{1, 1}, true},
		{"2/3", Spec{2, 3}, true},
		{"3/3", Spec{3, 3}, true},
		{"10/12", Spec{10, 12}, true},
		{"0/3", Spec{}, false},
		{"4/3", Spec{}, false},
		{"1/0", Spec{}, false},
		{"-1/3", Spec{}, false},
		{"+1/3", Spec{}, false},
		{" 1/3", Spec{}, false},
		{"1/3/4", Spec{}, false},
		{"3", Spec{}, false},
		{"", Spec{}, false},
		{"a/b", Spec{}, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Errorf("Parse(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
			}
			if err == nil && got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

func TestIdentity(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"sync.log.1", "sync.log.1"},
		{"sync.log.1.gz", "sync.log.1"},
		{"sync.log.1.zst", "sync.log.1"},
		{"sync.log.1.zstd", "sync.log.1"},
		{"sync.log.1.bz2", "sync.log.1"},
		{"sync.log.1.gz.gz", "sync.log.1.gz"}, // one ending only
		{"./weave/logs/error-sync-1.txt", "weave/logs/error-sync-1.txt"},
		{"/abs/x.log", "abs/x.log"},
		{`sub\x.log`, "sub/x.log"},
		{"sub/.gz", "sub/.gz"}, // nothing left but the ending: kept
		{"logs.tar.gz", "logs.tar"},
	} {
		if got := Identity(tc.in); got != tc.want {
			t.Errorf("Identity(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestShardPartition checks that every input lands in exactly one shard,
// for N from 1 to 7, and that every shard gets some of many inputs.
func TestShardPartition(t *testing.T) {
	var names []string
	for i := range 300 {
		names = append(names, fmt.Sprintf("weave/logs/error-sync-%d.txt", 1756106023249+i))
	}
	for n := 1; n <= 7; n++ {
		per := make([]int, n+1)
		for _, name := range names {
			in := 0
			for k := 1; k <= n; k++ {
				if (Spec{K: k, N: n}).Has(name) {
					in++
					per[k]++
				}
			}
			if in != 1 {
				t.Fatalf("N=%d: %s is in %d shards, want 1", n, name, in)
			}
		}
		for k := 1; k <= n; k++ {
			if per[k] == 0 {
				t.Errorf("N=%d: shard %d got none of %d inputs", n, k, len(names))
			}
		}
	}
}

// TestShardGolden pins the hash: a change would split archives
// differently from one version to the next, and shards scanned by two
// versions would overlap or miss inputs. The values are FNV-1a 64 mod N,
// plus one, computed apart from Go's hash/fnv.
func TestShardGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		want int
	}{
		{"sync.log.1", 3, 1},
		{"weave/logs/error-sync-1756106023249.txt", 3, 3},
		{"access.log", 3, 1},
		{"access.log", 7, 5},
		{"2025-11/host-a/sync.log", 5, 4},
	} {
		if got := Of(Identity(tc.name), tc.n); got != tc.want {
			t.Errorf("Of(%q, %d) = %d, want %d", tc.name, tc.n, got, tc.want)
		}
	}
}

// TestShardTwins checks that a rotated log and its compressed copies,
// which a scan counts once, fall in one shard for every N.
func TestShardTwins(t *testing.T) {
	for n := 1; n <= 7; n++ {
		for _, base := range []string{"sync.log.1", "logs/sync.log-20251124", "a/b/c.txt"} {
			want := Of(Identity(base), n)
			for _, ext := range []string{".gz", ".zst", ".zstd", ".bz2"} {
				if got := Of(Identity(base+ext), n); got != want {
					t.Errorf("N=%d: %s%s in shard %d, %s in %d", n, base, ext, got, base, want)
				}
			}
		}
	}
}
