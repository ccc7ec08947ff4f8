package classify

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDefaultEntries(t *testing.T) {
	es := DefaultEntries()
	byKey := make(map[string]Entry)
	for _, e := range es {
		if _, dup := byKey[e.Key]; dup {
			t.Errorf("duplicate key %q in codes.json", e.Key)
		}
		byKey[e.Key] = e
	}
	want := map[string]string{
		"0":                               "unknown",
		"255":                             "infra",
		"server issue: node reassignment": "infra",
		"application error: crash id":     "unknown",
	}
	for i := 1; i <= 17; i++ {
		want[strconv.Itoa(i)] = "server_code"
	}
	for _, s := range []string{
		"pool exhausted", "getVS failed", "prefix not set",
		"host header not received from client", "database lookup failed",
		"database is not healthy", "database not in pool", "database marked as down",
	} {
		want["server issue: "+s] = "infra"
	}
	for key, class := range want {
		e, ok := byKey[key]
		if !ok {
			t.Errorf("codes.json lacks key %q", key)
			continue
		}
		if e.Class != class {
			t.Errorf("codes.json key %q has class %q, want %q", key, e.Class, class)
		}
		if e.Description == "" {
			t.Errorf("codes.json key %q has no description", key)
		}
	}
	if len(es) != len(want) {
		t.Errorf("codes.json has %d entries, want %d", len(es), len(want))
	}
	if !slices.Equal(byKey["application error: crash id"].Prefix, []string{"application error: crash id"}) {
		t.Errorf("crash id entry prefix = %q", byKey["application error: crash id"].Prefix)
	}
}

func TestDefaultEntriesCopy(t *testing.T) {
	a := DefaultEntries()
	want := DefaultEntries()
	a[0].Key = "changed"
	for i := range a {
		if len(a[i].Match) > 0 {
			a[i].Match[0] = "changed"
		}
	}
	if diff := cmp.Diff(want, DefaultEntries()); diff != "" {
		t.Errorf("DefaultEntries changed after its result was modified (-want +got):\n%s", diff)
	}
}

func TestLoadEntries(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Entry
	}{
		{"empty table", `{"entries": []}`, []Entry{}},
		{"full entry", `{"entries": [{"key": "server issue: x", "class": "infra", "description": "X", "match": ["y"], "prefix": ["server issue: x "]}]}`,
			[]Entry{{Key: "server issue: x", Class: "infra", Description: "X", Match: []string{"y"}, Prefix: []string{"server issue: x "}}}},
		{"minimal entry", "\n{\"entries\":[{\"key\":\"99\",\"class\":\"server_code\"}]}\n",
			[]Entry{{Key: "99", Class: "server_code"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadEntries(strings.NewReader(tc.in))
			if err != nil {
				t.Fatalf("LoadEntries: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("LoadEntries (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadEntriesErrors(t *testing.T) {
	long := strings.Repeat("x", MaxKeyBytes+1)
	tests := []struct {
		name, in, want string
	}{
		{"empty input", ``, `classify: decode codes table: empty input`},
		{"truncated", `{"entries": [`, `classify: decode codes table: unexpected EOF`},
		{"syntax", `{"entries": x}`, `classify: decode codes table: at byte 13: invalid character 'x'`},
		{"top-level array", `[{"key": "1", "class": "infra"}]`, `classify: decode codes table: json: cannot unmarshal array`},
		{"missing entries", `{}`, `classify: decode codes table: missing "entries" array`},
		{"unknown field", `{"entries": [{"key": "1", "class": "infra", "mach": []}]}`, `classify: decode codes table: json: unknown field "mach"`},
		{"trailing data", `{"entries": []} {}`, `classify: decode codes table: unexpected data after the top-level object`},
		{"empty key", `{"entries": [{"key": "1", "class": "infra"}, {"key": "", "class": "infra"}]}`, `classify: entries[1]: key is empty`},
		{"missing class", `{"entries": [{"key": "1"}]}`, `classify: entries[0] (key "1"): class "" is not one of "server_code", "infra", "unknown"`},
		{"bad class", `{"entries": [{"key": "1", "class": "server"}]}`, `classify: entries[0] (key "1"): class "server" is not one of`},
		{"empty after normalisation", `{"entries": [{"key": "\"\"", "class": "infra"}]}`, `classify: entries[0] (key "\"\""): key "\"\"" is empty after normalisation`},
		{"empty match", `{"entries": [{"key": "1", "class": "infra", "match": ["a", " "]}]}`, `classify: entries[0] (key "1"): match is empty`},
		{"empty prefix", `{"entries": [{"key": "1", "class": "infra", "prefix": [""]}]}`, `classify: entries[0] (key "1"): prefix is empty`},
		{"space prefix", `{"entries": [{"key": "1", "class": "infra", "prefix": [" a"]}]}`, `classify: entries[0] (key "1"): prefix " a" starts with whitespace`},
		{"long key", `{"entries": [{"key": "` + long + `", "class": "infra"}]}`, `classify: entries[0] (key "` + long + `"): key "xxxxxxxxxxxxxxxxxxxx"... is longer than 256 bytes`},
		{"long prefix", `{"entries": [{"key": "1", "class": "infra", "prefix": ["` + long + `"]}]}`, `classify: entries[0] (key "1"): prefix "xxxxxxxxxxxxxxxxxxxx"... is longer than 256 bytes`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadEntries(strings.NewReader(tc.in))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("LoadEntries(%.40q) = %v, %v; want error starting %q", tc.in, got, err, tc.want)
			}
		})
	}
}
