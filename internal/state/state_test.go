package state

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// helperEnv tells a re-executed test binary which helper test to run.
const helperEnv = "SYNCLOG_STATE_TEST_HELPER"

var t0 = time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)

// logText returns n bytes of distinct log lines whose first line is first.
func logText(first string, n int, seed string) []byte {
	var b bytes.Buffer
	b.WriteString(first)
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%s 1732788000%04d\tSync.Engine.Tabs\tDEBUG\tline %d\n", seed, i, i)
	}
	return b.Bytes()[:n]
}

func headOf(b []byte) []byte { return b[:min(len(b), FingerprintBytes)] }

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// files lists the names in dir, sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestLoad(t *testing.T) {
	good := sum([]byte("x"))
	tests := []struct {
		name    string
		content *string // nil: no file
		want    *State
		wantErr string // substring; "" means no error
	}{
		{name: "missing", want: &State{Version: 1}},
		{name: "empty object", content: ptr(`{}`), want: &State{Version: 1}},
		{name: "null entries", content: ptr(`{"version":1,"entries":null}`), want: &State{Version: 1}},
		{
			name:    "one entry",
			content: ptr(`{"version":1,"entries":[{"prefix":1,"hash":"` + good + `","offset":7,"lines":2,"name":"sync.log","seen":"2026-11-28T10:00:00Z"}]}`),
			want:    &State{Version: 1, Entries: []Entry{{Prefix: 1, Hash: good, Position: Position{Offset: 7, Lines: 2}, Name: "sync.log", Seen: t0}}},
		},
		{name: "zero bytes", content: ptr(``), wantErr: "corrupt: EOF"},
		{name: "not json", content: ptr(`offset=12`), wantErr: "corrupt"},
		{name: "truncated", content: ptr(`{"version":1,"entries":[{"prefix":`), wantErr: "corrupt"},
		{name: "null", content: ptr(`null`), wantErr: "top level is null"},
		{name: "array", content: ptr(`[]`), wantErr: "corrupt"},
		{name: "trailing data", content: ptr(`{} {}`), wantErr: "unexpected data after"},
		{name: "newer version", content: ptr(`{"version":2}`), wantErr: "unsupported version 2"},
		{name: "prefix too long", content: ptr(`{"entries":[{"prefix":4097,"hash":"` + good + `"}]}`), wantErr: "prefix 4097 outside"},
		{name: "bad hash", content: ptr(`{"entries":[{"prefix":1,"hash":"` + strings.ToUpper(good) + `"}]}`), wantErr: "lowercase hex"},
		{name: "negative offset", content: ptr(`{"entries":[{"prefix":1,"hash":"` + good + `","offset":-1}]}`), wantErr: "offset -1 is negative"},
		{name: "more lines than bytes", content: ptr(`{"entries":[{"prefix":1,"hash":"` + good + `","offset":1,"lines":2}]}`), wantErr: "lines 2 outside"},
		{
			name:    "held and end",
			content: ptr(`{"entries":[{"prefix":1,"hash":"` + good + `","offset":7,"lines":2,"held":2,"end":9,"name":"sync.log","seen":"2026-11-28T10:00:00Z"}]}`),
			want:    &State{Version: 1, Entries: []Entry{{Prefix: 1, Hash: good, Position: Position{Offset: 7, Lines: 2, Held: 2, End: 9}, Name: "sync.log", Seen: t0}}},
		},
		{name: "held past the lines", content: ptr(`{"entries":[{"prefix":1,"hash":"` + good + `","offset":7,"lines":2,"held":3}]}`), wantErr: "held line 3 outside"},
		{name: "negative end", content: ptr(`{"entries":[{"prefix":1,"hash":"` + good + `","offset":7,"lines":2,"end":-6}]}`), wantErr: "end -6 is negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if tc.content != nil {
				if err := os.WriteFile(path, []byte(*tc.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Load(path)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("Load = %+v, nil; want error containing %q", got, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("Load error = %q; want it to contain %q and %q", err, tc.wantErr, path)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Load = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestLoadDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Load(directory) error = %v, want one naming %s", err, dir)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	a := logText("", 10000, "a")
	b := logText("", 100, "b")
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Update(headOf(a), "sync.log.1", Position{Offset: 9000, Lines: 90}, t0.In(time.FixedZone("CET", 3600)))
	s.Update(headOf(b), "sync.log", Position{Offset: 100, Lines: 1}, t0.Add(time.Hour))
	if err := s.Save(path); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.Version != s.Version || !reflect.DeepEqual(got.Entries, s.Entries) {
		t.Errorf("Load after Save = %+v, want %+v", got, s)
	}
	if got, want := files(t, dir), []string{"state.json"}; !slices.Equal(got, want) {
		t.Errorf("folder holds %q, want %q", got, want)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"{\n  \"version\": 1,\n  \"entries\": [\n",
		"\n    {\"prefix\":4096,", // an entry per line
		`"hash":"` + sum(a[:4096]) + `",`,
		`"seen":"2026-11-28T10:00:00Z"`, // stored in UTC
	} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("state file lacks %q:\n%s", want, raw)
		}
	}
	if !bytes.HasSuffix(raw, []byte("}\n")) {
		t.Errorf("state file does not end in a newline:\n%s", raw)
	}

	// A new file gets 0644; an existing file keeps its mode.
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("new state file mode = %v (%v), want 0644", fi.Mode().Perm(), err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := (&State{}).Save(path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after second Save = %v (%v), want 0600", fi.Mode().Perm(), err)
	}
	raw, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"version\": 1,\n  \"entries\": []\n}\n"; string(raw) != want {
		t.Errorf("empty state saved as %q, want %q", raw, want)
	}
}

// TestSaveFailure runs as root too: instead of a read-only folder it makes the
// temporary file or the rename fail. See also TestSaveFileSizeLimit.
func TestSaveFailure(t *testing.T) {
	s := &State{}
	s.Update([]byte("new\n"), "sync.log", Position{Offset: 4, Lines: 1}, t0)
	tests := []struct {
		name string
		// setup prepares dir and returns the path to save to and the files
		// (relative to dir) whose bytes must survive.
		setup func(t *testing.T, dir string) (path string, keep []string)
	}{
		{
			name: "folder does not exist",
			setup: func(t *testing.T, dir string) (string, []string) {
				return filepath.Join(dir, "missing", "state.json"), nil
			},
		},
		{
			name: "folder is a regular file",
			setup: func(t *testing.T, dir string) (string, []string) {
				write(t, filepath.Join(dir, "state"), "not a folder")
				return filepath.Join(dir, "state", "state.json"), []string{"state"}
			},
		},
		{
			name: "rename over a folder",
			setup: func(t *testing.T, dir string) (string, []string) {
				path := filepath.Join(dir, "state.json")
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
				write(t, filepath.Join(path, "old"), "old state")
				write(t, filepath.Join(dir, "other.json"), "{}")
				return path, []string{"state.json/old", "other.json"}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path, keep := tc.setup(t, dir)
			before := snapshot(t, dir)
			err := s.Save(path)
			if err == nil {
				t.Fatal("Save succeeded, want an error")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("Save error %q does not name %s", err, path)
			}
			after := snapshot(t, dir)
			if !reflect.DeepEqual(after, before) {
				t.Errorf("folder changed:\nbefore %q\nafter  %q", before, after)
			}
			for _, k := range keep {
				if _, ok := after[k]; !ok {
					t.Errorf("%s is gone", k)
				}
			}
		})
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot maps every file under dir (relative name) to its contents;
// folders map to "/".
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			m[rel] = "/"
			return nil
		}
		b, err := os.ReadFile(p)
		m[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestFindUpdate(t *testing.T) {
	t.Run("same content under a new name and encoding", func(t *testing.T) {
		log := logText("", 10000, "a")
		s := &State{}
		s.Update(headOf(log), "sync.log", Position{Offset: 8000, Lines: 80}, t0)

		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		if _, err := zw.Write(log); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(&gz)
		if err != nil {
			t.Fatal(err)
		}
		head := make([]byte, FingerprintBytes)
		if _, err := io.ReadFull(zr, head); err != nil {
			t.Fatal(err)
		}
		e := s.Find(head)
		if e == nil || e.Offset != 8000 || e.Lines != 80 {
			t.Fatalf("Find(decoded head of sync.log.1.gz) = %+v, want the sync.log entry", e)
		}
		s.Update(head, "sync.log.1.gz", Position{Offset: 10000, Lines: 100}, t0.Add(time.Hour))
		want := []Entry{{Prefix: 4096, Hash: sum(log[:4096]), Position: Position{Offset: 10000, Lines: 100}, Name: "sync.log.1.gz", Seen: t0.Add(time.Hour)}}
		if !reflect.DeepEqual(s.Entries, want) {
			t.Errorf("Entries = %+v, want %+v", s.Entries, want)
		}
	})

	t.Run("short file grows", func(t *testing.T) {
		log := logText("", 5000, "a")
		s := &State{}
		s.Update(log[:100], "sync.log", Position{Offset: 100, Lines: 1}, t0)
		if got := s.Entries[0].Prefix; got != 100 {
			t.Fatalf("Prefix = %d, want 100", got)
		}
		e := s.Find(headOf(log))
		if e == nil || e.Offset != 100 {
			t.Fatalf("Find(grown file) = %+v, want the 100-byte entry", e)
		}
		s.Update(headOf(log), "sync.log", Position{Offset: 5000, Lines: 50}, t0.Add(time.Hour))
		want := []Entry{{Prefix: 4096, Hash: sum(log[:4096]), Position: Position{Offset: 5000, Lines: 50}, Name: "sync.log", Seen: t0.Add(time.Hour)}}
		if !reflect.DeepEqual(s.Entries, want) {
			t.Errorf("Entries = %+v, want %+v", s.Entries, want)
		}
	})

	t.Run("common first line, different first 4 KiB", func(t *testing.T) {
		first := "1732788000000\tSync.Service\tINFO\tLoading Firefox Sync\n"
		a := logText(first, 6000, "a")
		b := logText(first, 6000, "b")
		s := &State{}
		s.Update(headOf(a), "a.log", Position{Offset: 6000, Lines: 60}, t0)
		s.Update(headOf(b), "b.log", Position{Offset: 3000, Lines: 30}, t0)
		if len(s.Entries) != 2 {
			t.Fatalf("got %d entries, want 2", len(s.Entries))
		}
		if e := s.Find(headOf(a)); e == nil || e.Name != "a.log" {
			t.Errorf("Find(a) = %+v, want a.log", e)
		}
		if e := s.Find(headOf(b)); e == nil || e.Name != "b.log" {
			t.Errorf("Find(b) = %+v, want b.log", e)
		}
		if e := s.Find([]byte(first)); e != nil {
			t.Errorf("Find(first line only) = %+v, want nil", e)
		}
	})

	t.Run("copytruncate is left to the caller", func(t *testing.T) {
		log := logText("", 10000, "a")
		s := &State{}
		s.Update(headOf(log), "sync.log", Position{Offset: 10000, Lines: 100}, t0)
		for _, tc := range []struct {
			name    string
			now     []byte // the truncated file's head
			wantHit bool
		}{
			{"truncated to empty", nil, false},
			{"shorter than the fingerprint", log[:1000], false},
			{"refilled with new lines", logText("", 6000, "z")[:4096], false},
			{"refilled with the same first 4 KiB", log[:4096], true},
		} {
			e := s.Find(tc.now)
			if (e != nil) != tc.wantHit {
				t.Errorf("%s: Find = %+v, want hit %v", tc.name, e, tc.wantHit)
			}
			// On a hit the caller sees Offset 10000 > size and reads from 0.
		}
	})

	t.Run("longest prefix wins, then largest offset", func(t *testing.T) {
		log := logText("", 5000, "a")
		s := &State{Entries: []Entry{
			{Prefix: 100, Hash: sum(log[:100]), Position: Position{Offset: 100}, Name: "short"},
			{Prefix: 4096, Hash: sum(log[:4096]), Position: Position{Offset: 4500}, Name: "long-low"},
			{Prefix: 4096, Hash: sum(log[:4096]), Position: Position{Offset: 4900}, Name: "long-high"},
			{Prefix: 200, Hash: sum(log[:200]), Position: Position{Offset: 200}, Name: "mid"},
			{Prefix: 4096, Hash: sum(logText("", 5000, "b")[:4096]), Position: Position{Offset: 4999}, Name: "other"},
		}}
		if e := s.Find(log); e == nil || e.Name != "long-high" {
			t.Errorf("Find = %+v, want long-high", e)
		}
		if e := s.Find(log[:150]); e == nil || e.Name != "short" {
			t.Errorf("Find(150 bytes) = %+v, want short", e)
		}
		// Update replaces long-high and drops long-low, which now has the
		// same fingerprint; the shorter entries are left to Prune.
		s.Update(log, "sync.log", Position{Offset: 5000, Lines: 50}, t0)
		var names []string
		for _, e := range s.Entries {
			names = append(names, e.Name)
		}
		if want := []string{"short", "sync.log", "mid", "other"}; !slices.Equal(names, want) {
			t.Errorf("entries after Update = %q, want %q", names, want)
		}
	})

	t.Run("empty input", func(t *testing.T) {
		s := &State{}
		if e := s.Find(nil); e != nil {
			t.Fatalf("Find on empty state = %+v, want nil", e)
		}
		s.Update(nil, "sync.log", Position{Offset: 0, Lines: 0}, t0)
		log := logText("", 300, "a")
		e := s.Find(log)
		if e == nil || e.Offset != 0 || e.Prefix != 0 {
			t.Fatalf("Find after empty Update = %+v, want the 0-byte entry", e)
		}
		s.Update(log, "sync.log", Position{Offset: 300, Lines: 3}, t0)
		if len(s.Entries) != 1 || s.Entries[0].Prefix != 300 {
			t.Errorf("Entries = %+v, want one 300-byte entry", s.Entries)
		}
	})

	t.Run("head longer than FingerprintBytes is cut", func(t *testing.T) {
		log := logText("", 9000, "a")
		s := &State{}
		s.Update(log, "sync.log", Position{Offset: 9000, Lines: 90}, t0)
		if e := s.Entries[0]; e.Prefix != FingerprintBytes || e.Hash != sum(log[:FingerprintBytes]) {
			t.Errorf("entry = %+v, want a %d-byte fingerprint", e, FingerprintBytes)
		}
		if e := s.Find(log); e == nil {
			t.Error("Find(long head) = nil")
		}
	})
}

func TestPrune(t *testing.T) {
	s0 := &State{}
	for i, name := range []string{"old", "mid", "new"} {
		s0.Update([]byte(name+"\n"), name, Position{Offset: 0, Lines: 0}, t0.Add(time.Duration(i)*24*time.Hour))
	}
	tests := []struct {
		name   string
		cutoff time.Time
		want   []string
	}{
		{"before all", t0.Add(-time.Hour), []string{"old", "mid", "new"}},
		{"at the oldest", t0, []string{"old", "mid", "new"}},
		{"after the oldest", t0.Add(time.Hour), []string{"mid", "new"}},
		{"after all", t0.Add(72 * time.Hour), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &State{Entries: slices.Clone(s0.Entries)}
			s.Prune(tc.cutoff)
			var got []string
			for _, e := range s.Entries {
				got = append(got, e.Name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("after Prune: %q, want %q", got, tc.want)
			}
		})
	}
}

// linearFind is Find as it was before the index: every entry looked at.
func linearFind(s *State, head []byte) *Entry {
	head = cut(head)
	var best *Entry
	for i := range s.Entries {
		e := &s.Entries[i]
		if e.Prefix > int64(len(head)) || hash(head[:e.Prefix]) != e.Hash {
			continue
		}
		if best == nil || e.Prefix > best.Prefix || e.Prefix == best.Prefix && e.Offset > best.Offset {
			best = e
		}
	}
	return best
}

// TestFindIndexed checks the index against a look at every entry, over
// runs of Updates and Prunes of logs that share beginnings, grow from
// short to long, and are written by hand with twins.
func TestFindIndexed(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	logs := make([][]byte, 40)
	for i := range logs {
		// Two beginnings only, so that prefixes are shared.
		logs[i] = logText(fmt.Sprintf("first %d\n", i%2), 6000, fmt.Sprint(i))
	}
	headAt := func() []byte {
		log := logs[rng.IntN(len(logs))]
		return log[:min(len(log), 1+rng.IntN(5000))]
	}
	s := &State{Entries: []Entry{
		{Prefix: 4096, Hash: sum(logs[0][:4096]), Position: Position{Offset: 10}, Name: "twin-a"},
		{Prefix: 4096, Hash: sum(logs[0][:4096]), Position: Position{Offset: 20}, Name: "twin-b"},
	}}
	for step := range 3000 {
		head := headAt()
		want, got := linearFind(s, head), s.Find(head)
		if (want == nil) != (got == nil) || want != nil && (want.Prefix != got.Prefix || want.Hash != got.Hash || want.Offset != got.Offset) {
			t.Fatalf("step %d: Find = %+v, want %+v", step, got, want)
		}
		switch rng.IntN(10) {
		case 0:
			s.Prune(t0.Add(time.Duration(rng.IntN(100)) * time.Hour))
		default:
			s.Update(head, "log", Position{Offset: int64(len(head))}, t0.Add(time.Duration(rng.IntN(200))*time.Hour))
		}
	}
	seen := make(map[string]bool)
	for _, e := range s.Entries {
		k := fmt.Sprint(e.Prefix, e.Hash)
		if seen[k] && e.Name != "twin-a" && e.Name != "twin-b" {
			t.Errorf("two entries share fingerprint %s", k)
		}
		seen[k] = true
	}
}

// BenchmarkFind measures a look-up in a state of 50,000 inputs, 1 in 10
// of which were short when last read.
func BenchmarkFind(b *testing.B) {
	s := &State{}
	var heads [][]byte
	for i := range 50000 {
		log := logText(fmt.Sprintf("%d\n", i), 4200, "x")
		if i%10 == 0 {
			log = log[:1000+i%3000]
		}
		heads = append(heads, headOf(log))
		s.Update(heads[i], "log", Position{Offset: 1}, t0)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if s.Find(heads[i%len(heads)]) == nil {
			b.Fatal("not found")
		}
		i++
	}
}

// TestAppendEntry checks that appendEntry writes what json.Marshal does,
// for entries with and without each optional field and names that need
// escaping.
func TestAppendEntry(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	names := []string{"sync.log", `a "quoted" name`, "back\\slash", "tab\there", "ünïcødé/日志.log", "bad\xffutf8", "<html>&", "\x00\x1f\x7f"}
	for i := range 2000 {
		e := Entry{Prefix: rng.Int64N(4097), Hash: sum([]byte{byte(i)}), Name: names[i%len(names)],
			Seen: t0.Add(time.Duration(rng.Int64N(1e15)))}
		e.Offset, e.Lines = rng.Int64N(1e12), rng.Int64N(1e9)
		if i%2 == 0 {
			e.Held, e.End = rng.Int64N(100), rng.Int64N(1e12)
		}
		if i%3 == 0 {
			e.Tail, e.Context = sum([]byte("t")), sum([]byte("c"))
		}
		if i%5 == 0 {
			e.File = &File{Dev: rng.Uint64(), Ino: rng.Uint64(), Size: rng.Int64N(1e12), MTime: -rng.Int64N(1e18)}
		}
		if i%7 == 0 {
			e.Member = &Member{Raw: rng.Int64N(1e9), Decoded: rng.Int64N(1e9), Tail: sum([]byte("m"))}
		}
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendEntry(nil, &e)
		if err != nil || string(got) != string(want) {
			t.Fatalf("appendEntry(%+v) = %s, %v\nwant %s", e, got, err, want)
		}
	}
	if _, err := appendEntry(nil, &Entry{Seen: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("appendEntry of a time json.Marshal refuses: no error")
	}
}

// BenchmarkLoadSave measures reading and writing the state of 50,000
// inputs (a folder of small logs), the fixed cost of a --state run.
func BenchmarkLoadSave(b *testing.B) {
	s := &State{}
	for i := range 50000 {
		head := []byte(fmt.Sprintf("%d 1732788000000\tSync.Service\tINFO\tstart\n", i))
		s.Update(head, fmt.Sprintf("/var/log/firefox-sync/part-%04d/sync-%07d.log", i/50, i),
			Position{Offset: 361, Lines: 3, End: 361, File: &File{Dev: 65024, Ino: uint64(10000000 + i), Size: 361, MTime: 1796233680137175366}}, t0)
	}
	path := filepath.Join(b.TempDir(), "state.json")
	if err := s.Save(path); err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	b.Run("load", func(b *testing.B) {
		b.SetBytes(fi.Size())
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Load(path); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("save", func(b *testing.B) {
		b.SetBytes(fi.Size())
		b.ReportAllocs()
		for b.Loop() {
			if err := s.Save(path); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestLoadSaved checks the reading of files laid out as Save writes them
// against encoding/json's reading of the same files: entries of every
// shape (escaped names, optional fields), hand edits that keep the layout
// (an entry reformatted, an unknown field, a leading zero, a corrupt
// line), and edits that do not.
func TestLoadSaved(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := &State{}
	for i := range 300 {
		head := []byte(fmt.Sprintf("log %d\n", i))
		at := Position{Offset: rng.Int64N(1e6) + 10, Lines: 5, Held: rng.Int64N(3), End: rng.Int64N(2e6)}
		if i%3 == 0 {
			at.Tail, at.Context = sum([]byte("t")), sum([]byte("c"))
			at.File = &File{Dev: rng.Uint64(), Ino: rng.Uint64(), Size: rng.Int64N(1e9), MTime: rng.Int64N(2e18)}
		}
		if i%4 == 0 {
			at.Member = &Member{Raw: 3, Decoded: 4, Tail: sum([]byte("m"))}
		}
		s.Update(head, []string{"sync.log", `dir/"q".log`, "ü.log", "a\\b"}[i%4], at, t0.Add(time.Duration(i)*time.Second))
	}
	path := filepath.Join(t.TempDir(), "state.json")
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	slow := func(b []byte) (*State, error) {
		st, err := decode(bytes.NewReader(b))
		if err == nil {
			err = st.checkVersion()
		}
		return st, err
	}
	line1 := bytes.SplitN(raw, []byte("\n"), 5)[3] // the first entry's line
	for _, tc := range []struct {
		name string
		file []byte
	}{
		{"as saved", raw},
		{"an entry reformatted", bytes.Replace(raw, line1, bytes.ReplaceAll(line1, []byte(`":`), []byte(`": `)), 1)},
		{"an unknown field", bytes.Replace(raw, []byte(`{"prefix"`), []byte(`{"x":[1],"prefix"`), 1)},
		{"a leading zero", bytes.Replace(raw, []byte(`"lines":5`), []byte(`"lines":05`), 1)},
		{"a corrupt line", bytes.Replace(raw, line1, line1[:20], 1)},
		{"not the layout", bytes.Replace(raw, []byte("{\n  \"version\""), []byte("{\"version\""), 1)},
	} {
		p := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(p, tc.file, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := Load(p)
		want, wantErr := slow(tc.file)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%s: Load error %v, encoding/json's %v", tc.name, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got.Entries, want.Entries) {
			t.Fatalf("%s: Load and encoding/json disagree", tc.name)
		}
		if err == nil && tc.name == "as saved" && !reflect.DeepEqual(got.Entries, s.Entries) {
			t.Fatalf("as saved: Load gives other entries than were saved")
		}
	}
}

// TestUpdateRef: UpdateRef replaces the entry FindRef found (the entry of
// the file when it was shorter) or the one with the head's own
// fingerprint, never leaves two entries with one fingerprint, and adds an
// entry when the one found has been replaced since.
func TestUpdateRef(t *testing.T) {
	log := logText("", 6000, "a")
	s := &State{}
	short, grown := HeadOf(log[:100]), HeadOf(log)

	e, ref := s.FindRef(short)
	if e != nil || ref.ok {
		t.Fatalf("FindRef in an empty state = %+v, %+v", e, ref)
	}
	s.UpdateRef(short, ref, "sync.log", Position{Offset: 100, Lines: 1}, t0)

	// The file grew: found by its first 100 bytes, and replaced.
	e, ref = s.FindRef(grown)
	if e == nil || e.Offset != 100 {
		t.Fatalf("FindRef(grown) = %+v, want the 100-byte entry", e)
	}
	s.UpdateRef(grown, ref, "sync.log", Position{Offset: 5000, Lines: 50}, t0)
	if len(s.Entries) != 1 || s.Entries[0].Hash != grown.Fingerprint() || s.Entries[0].Offset != 5000 {
		t.Fatalf("entries after the grown file's update = %+v, want its entry alone", s.Entries)
	}

	// A stale Ref (nothing found then) with the head's own entry there
	// now: that entry is replaced, not doubled.
	s.UpdateRef(grown, Ref{}, "sync.log.1", Position{Offset: 6000, Lines: 60}, t0)
	if len(s.Entries) != 1 || s.Entries[0].Offset != 6000 || s.Entries[0].Name != "sync.log.1" {
		t.Fatalf("entries after a second update = %+v, want one at 6000", s.Entries)
	}

	// The entry found was replaced since by another input's: a new one
	// is added, the other input's is kept.
	other := HeadOf(logText("", 6000, "b"))
	_, ref = s.FindRef(grown)
	s.UpdateRef(other, Ref{}, "other.log", Position{Offset: 10, Lines: 1}, t0)
	s.Entries[0].Hash = other.Fingerprint() // stand in for a replaced entry
	s.idx = nil
	tiny := HeadOf(log[:50])
	s.UpdateRef(tiny, ref, "tiny.log", Position{Offset: 50, Lines: 1}, t0)
	if e := s.FindHead(tiny); e == nil || e.Name != "tiny.log" || len(s.Entries) != 3 {
		t.Fatalf("after a stale Ref: Find(tiny) = %+v, %d entries; want tiny.log among 3", e, len(s.Entries))
	}
}
