package classify

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unsafe"
)

// classifyCase is one body and the Class expected from the default table.
type classifyCase struct {
	name string
	body string
	kind Kind
	key  string
	text string // want Text; "=" means the whole body
}

// html503 is a 503 page as nginx-style proxies send it, with the leading
// whitespace a log copy adds.
const html503 = "\r\n  <html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n" +
	"<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n"

// cornice is a tokenserver (cornice) error object.
const cornice = `{"status": "error", "errors": [{"location": "body", "name": "", "description": "Unauthorized"}]}`

// classifyCases returns the bodies shared by the table test, the
// allocation test, the benchmark and the fuzz seeds.
func classifyCases() []classifyCase {
	crash := "application error: crash id 0123456789abcdef0123456789abcdef"
	return []classifyCase{
		// Server codes.
		{"code", "14", ServerCode, "14", "14"},
		{"code quoted", `"14"`, ServerCode, "14", "14"},
		{"code spaces", " 14\n", ServerCode, "14", "14"},
		{"code CRLF", "14\r\n", ServerCode, "14", "14"},
		{"code doubly encoded", `"\"14\""`, ServerCode, "14", "14"},
		{"code spaces in quotes", `" 14 "`, ServerCode, "14", "14"},
		{"code unicode escape", `"\u0031\u0034"`, ServerCode, "14", `\u0031\u0034`},
		{"code 1", "1", ServerCode, "1", "1"},
		{"code 16", "16", ServerCode, "16", "16"},
		{"code 17", "17", ServerCode, "17", "17"},
		{"code leading zero", "014", Unknown, "", "014"},
		{"code decimal", "14.0", Unknown, "", "14.0"},
		{"code 18", "18", Unknown, "", "18"},
		{"status-like number", "503", Unknown, "", "503"},
		{"negative", "-1", Unknown, "", "-1"},
		{"code with trailer", "14 No traceback available", Unknown, "", "="},

		// Unknown table values.
		{"zero", "0", Unknown, "0", "0"},
		{"zero quoted", `"0"`, Unknown, "0", "0"},

		// Infra strings and variants.
		{"infra quoted", `"server issue: database not in pool"`, Infra, "server issue: database not in pool", "server issue: database not in pool"},
		{"infra doubly encoded", `"\"server issue: database not in pool\""`, Infra, "server issue: database not in pool", "server issue: database not in pool"},
		{"infra lone escaped quotes", `\"server issue: database not in pool\"`, Infra, "server issue: database not in pool", "server issue: database not in pool"},
		{"infra double plain quotes", `""server issue: database not in pool""`, Infra, "server issue: database not in pool", "server issue: database not in pool"},
		{"infra unquoted", "server issue: database not in pool", Infra, "server issue: database not in pool", "="},
		{"infra upper", `"SERVER ISSUE: DATABASE NOT IN POOL"`, Infra, "server issue: database not in pool", "SERVER ISSUE: DATABASE NOT IN POOL"},
		{"infra mixed case key", "server issue: getvs failed", Infra, "server issue: getVS failed", "="},
		{"infra pool exhausted", `"server issue: pool exhausted"`, Infra, "server issue: pool exhausted", "server issue: pool exhausted"},
		{"infra whitespace in quotes", "\" server issue: pool exhausted\t\"\n", Infra, "server issue: pool exhausted", "server issue: pool exhausted"},
		{"infra 255", "255", Infra, "255", "255"},
		// Infra-shaped values the table does not list: escalated as seen.
		{"unlisted infra", `"server issue: shard unreachable"`, Infra, "", "server issue: shard unreachable"},
		{"unlisted infra upper, doubly encoded", `"\"SERVER ISSUE: new thing\""`, Infra, "", "SERVER ISSUE: new thing"},
		{"unlisted infra bare", "server issue:", Infra, "", "="},
		{"not infra-shaped", "server issues: many", Unknown, "", "="},
		{"infra node reassignment", "server issue: node reassignment", Infra, "server issue: node reassignment", "="},
		{"infra node reassignment quoted", `"server issue: node reassignment"`, Infra, "server issue: node reassignment", "server issue: node reassignment"},
		{"infra escaped quote not closing", `"server issue: pool exhausted\"`, Unknown, "", "="},

		// Android-described forms (SyncStorageResponse.SERVER_ERROR_MESSAGES).
		{"android 1", "Illegal method/protocol", ServerCode, "1", "="},
		{"android 1 escaped slash", `"Illegal method\/protocol"`, ServerCode, "1", `Illegal method\/protocol`},
		{"android 1 doubly escaped slash", `"\"Illegal method\\\/protocol\""`, ServerCode, "1", `Illegal method\\\/protocol`},
		{"android 4", "Attempt to overwrite data that can't be overwritten (such as creating a user ID that already exists)", ServerCode, "4", "="},
		{"android 8", "Invalid Weave Basic Object", ServerCode, "8", "="},
		{"android 14", "User over quota", ServerCode, "14", "="},
		{"android 16", "Client upgrade required", ServerCode, "16", "="},
		{"android 255", "An unexpected server error occurred: pool is empty.", Infra, "255", "="},

		// Old Python server crash.
		{"crash id", `"` + crash + `"`, Unknown, "application error: crash id", crash},
		{"crash id doubly encoded", `"\"` + crash + `\""`, Unknown, "application error: crash id", crash},
		{"crash id upper", "Application Error: Crash ID 0123456789ABCDEF0123456789ABCDEF", Unknown, "application error: crash id", "="},

		// Fixed unknown keys.
		{"html 503", html503, Unknown, KeyHTML, strings.TrimSpace(html503)},
		{"html doctype", "<!DOCTYPE html><html><body>503</body></html>", Unknown, KeyHTML, "="},
		{"html upper", "<HTML><BODY>Service Unavailable</BODY></HTML>", Unknown, KeyHTML, "="},
		{"xml", `<?xml version="1.0"?><error/>`, Unknown, KeyHTML, "="},
		{"less than not html", "<3", Unknown, "", "="},
		{"cornice json", cornice, Unknown, KeyJSON, "="},
		{"json quoted", `"{\"status\": \"error\"}"`, Unknown, KeyJSON, `{\"status\": \"error\"}`},
		{"json array", `[{"id": 1}]`, Unknown, KeyJSONArray, "="},
		{"empty", "", Unknown, KeyEmpty, ""},
		{"whitespace", " \t\r\n", Unknown, KeyEmpty, ""},
		{"empty string", `""`, Unknown, KeyEmpty, ""},
		{"empty string doubly encoded", `"\"\""`, Unknown, KeyEmpty, ""},
		{"escaped whitespace only", `"\n\t"`, Unknown, KeyEmpty, `\n\t`},
		{"lone quote", `"`, Unknown, "", `"`},
		{"lone escaped quote", `\"`, Unknown, "", `\"`},
		{"quote backslash quote", `"\"`, Unknown, "", `"\"`},

		// Free text and garbage.
		{"free text", "Service Unavailable", Unknown, "", "="},
		{"nul", "\x00", Unknown, "", "="},
		{"nul in code", "1\x004", Unknown, "", "="},
		{"invalid utf-8", "\xc3\x28\xff\xfe", Unknown, "", "="},
		{"invalid utf-8 quoted", "\"\xff14\"", Unknown, "", "\xff14"},
		{"lone surrogate", `"\ud800"`, Unknown, "", `\ud800`},
		{"bad escapes", `"\x\u12\"`, Unknown, "", "="},
		{"trailing backslash", `"\\\`, Unknown, "", "="},
		{"non-ascii", "serveur indisponible é", Unknown, "", "="},
	}
}

// bigBodies returns bodies of about 1 MB.
func bigBodies() []classifyCase {
	const mb = 1 << 20
	plain := strings.Repeat("a", mb)
	crash := "application error: crash id " + strings.Repeat("f", mb)
	html := "<html>" + strings.Repeat("x", mb) + "</html>"
	quoted := `"` + strings.Repeat(`\"`, mb/2) + `"`
	return []classifyCase{
		{"1MB text", plain, Unknown, "", "="},
		{"1MB crash id", crash, Unknown, "application error: crash id", "="},
		{"1MB html", html, Unknown, KeyHTML, "="},
		{"1MB escaped quotes", quoted, Unknown, "", quoted[3 : len(quoted)-3]},
		{"1MB padded code", strings.Repeat(" ", mb) + "14" + strings.Repeat("\n", mb), ServerCode, "14", "14"},
	}
}

// newDefault returns a Classifier for the built-in table.
func newDefault(tb testing.TB) *Classifier {
	tb.Helper()
	c, err := New(DefaultEntries())
	if err != nil {
		tb.Fatalf("New(DefaultEntries()): %v", err)
	}
	return c
}

// within reports whether sub lies inside buf's memory (an empty sub always
// does).
func within(sub, buf []byte) bool {
	if len(sub) == 0 {
		return true
	}
	if len(buf) == 0 {
		return false
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	hi := lo + uintptr(len(buf))
	s := uintptr(unsafe.Pointer(unsafe.SliceData(sub)))
	return lo <= s && s+uintptr(len(sub)) <= hi
}

func TestClassify(t *testing.T) {
	c := newDefault(t)
	for _, tc := range append(classifyCases(), bigBodies()...) {
		t.Run(tc.name, func(t *testing.T) {
			body := []byte(tc.body)
			got := c.Classify(body)
			if got.Kind != tc.kind || got.Key != tc.key {
				t.Errorf("Classify(%.60q) = %v %q, want %v %q", tc.body, got.Kind, got.Key, tc.kind, tc.key)
			}
			want := tc.text
			if want == "=" {
				want = tc.body
			}
			if string(got.Text) != want {
				t.Errorf("Classify(%.60q).Text = %.60q, want %.60q", tc.body, got.Text, want)
			}
			if !within(got.Text, body) {
				t.Errorf("Classify(%.60q).Text is not a sub-slice of the body", tc.body)
			}
		})
	}
}

func TestClassifyDescription(t *testing.T) {
	c := newDefault(t)
	tests := []struct {
		body, want string
	}{
		{"14", "User over quota"},
		{"17", "Size limit exceeded"},
		{"0", "generic unknown error of the storage servers"},
		{"255", "An unexpected server error occurred: pool is empty."},
		{"", descEmpty},
		{"<html>", descHTML},
		{"{}", descJSON},
		{"[]", descJSONArray},
		{"free text", ""},
	}
	for _, tc := range tests {
		if got := c.Classify([]byte(tc.body)).Description; got != tc.want {
			t.Errorf("Classify(%q).Description = %q, want %q", tc.body, got, tc.want)
		}
	}
}

// TestAndroidMessages checks that every body the android-sync client logs
// after its own mapping classifies as the raw body would. The table is
// SyncStorageResponse.SERVER_ERROR_MESSAGES from mozilla-services/android-sync
// (src/main/java/org/mozilla/gecko/sync/net/SyncStorageResponse.java).
func TestAndroidMessages(t *testing.T) {
	c := newDefault(t)
	android := map[string]string{
		"1":                              "Illegal method/protocol",
		"2":                              "Incorrect/missing CAPTCHA",
		"3":                              "Invalid/missing username",
		"4":                              "Attempt to overwrite data that can't be overwritten (such as creating a user ID that already exists)",
		"5":                              "User ID does not match account in path",
		"6":                              "JSON parse failure",
		"7":                              "Missing password field",
		"8":                              "Invalid Weave Basic Object",
		"9":                              "Requested password not strong enough",
		"10":                             "Invalid/missing password reset code",
		"11":                             "Unsupported function",
		"12":                             "No email address on file",
		"13":                             "Invalid collection",
		"14":                             "User over quota",
		"15":                             "The email does not match the username",
		"16":                             "Client upgrade required",
		"255":                            "An unexpected server error occurred: pool is empty.",
		`"server issue: getVS failed"`:   "server issue: getVS failed",
		`"server issue: prefix not set"`: "server issue: prefix not set",
		`"server issue: host header not received from client"`: "server issue: host header not received from client",
		`"server issue: database lookup failed"`:               "server issue: database lookup failed",
		`"server issue: database is not healthy"`:              "server issue: database is not healthy",
		`"server issue: database not in pool"`:                 "server issue: database not in pool",
		`"server issue: database marked as down"`:              "server issue: database marked as down",
	}
	for raw, mapped := range android {
		want := c.Classify([]byte(raw))
		got := c.Classify([]byte(mapped))
		if want.Kind == Unknown {
			t.Errorf("raw body %q is Unknown", raw)
		}
		if got.Kind != want.Kind || got.Key != want.Key {
			t.Errorf("Classify(%q) = %v %q, want %v %q (as raw %q)", mapped, got.Kind, got.Key, want.Kind, want.Key, raw)
		}
	}
}

func TestClassifyDefaultKeys(t *testing.T) {
	c := newDefault(t)
	for _, e := range DefaultEntries() {
		for _, body := range append([]string{e.Key, `"` + e.Key + `"`, strings.ToUpper(e.Key)}, e.Match...) {
			got := c.Classify([]byte(body))
			if got.Key != e.Key || got.Kind.String() != e.Class || got.Description != e.Description {
				t.Errorf("Classify(%q) = %v %q %q, want %s %q %q", body, got.Kind, got.Key, got.Description, e.Class, e.Key, e.Description)
			}
		}
	}
}

func TestNew(t *testing.T) {
	type check struct {
		body, key, desc string
		kind            Kind
	}
	tests := []struct {
		name   string
		user   []Entry
		checks []check
	}{
		{
			name: "override description",
			user: []Entry{{Key: "14", Class: "server_code", Description: "Quota exceeded"}},
			checks: []check{
				{"14", "14", "Quota exceeded", ServerCode},
				{"User over quota", "14", "Quota exceeded", ServerCode}, // aliases kept
				{"13", "13", "Invalid collection", ServerCode},
			},
		},
		{
			name: "add infra string",
			user: []Entry{{Key: "server issue: something new", Class: "infra", Description: "New LB error"}},
			checks: []check{
				{`"server issue: something new"`, "server issue: something new", "New LB error", Infra},
				{`"\"Server Issue: Something New\""`, "server issue: something new", "New LB error", Infra},
				{`"server issue: pool exhausted"`, "server issue: pool exhausted", "An unexpected server error occurred: pool is empty.", Infra},
			},
		},
		{
			name: "reclassify",
			user: []Entry{
				{Key: "server issue: database not in pool", Class: "unknown"},
				{Key: "0", Class: "infra", Description: "self-hosted proxy says 0"},
			},
			checks: []check{
				{`"server issue: database not in pool"`, "server issue: database not in pool", "Infrastructure error from the load balancer", Unknown},
				{"0", "0", "self-hosted proxy says 0", Infra},
			},
		},
		{
			name: "override by quoted key",
			user: []Entry{{Key: `"\"14\""`, Class: "infra", Description: "odd"}},
			checks: []check{
				{"14", `"\"14\""`, "odd", Infra},
			},
		},
		{
			name: "alias conflict later wins",
			user: []Entry{{Key: "quota", Class: "server_code", Description: "q", Match: []string{"User over quota"}}},
			checks: []check{
				{"user over quota", "quota", "q", ServerCode},
				{"quota", "quota", "q", ServerCode},
				{"14", "14", "User over quota", ServerCode},
			},
		},
		{
			name: "new alias for existing key",
			user: []Entry{{Key: "14", Class: "server_code", Match: []string{"quota full"}}},
			checks: []check{
				{"Quota full", "14", "User over quota", ServerCode},
				{"user over quota", "14", "User over quota", ServerCode},
			},
		},
		{
			name: "prefixes longest first and later wins",
			user: []Entry{
				{Key: "application error", Class: "unknown", Prefix: []string{"application error"}},
				{Key: "crash", Class: "infra", Prefix: []string{"Application error: crash id"}},
			},
			checks: []check{
				{"application error: crash id 00", "crash", "", Infra},
				{"application error: out of memory", "application error", "", Unknown},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(DefaultEntries(), tc.user)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			for _, ck := range tc.checks {
				got := c.Classify([]byte(ck.body))
				if got.Kind != ck.kind || got.Key != ck.key || got.Description != ck.desc {
					t.Errorf("Classify(%q) = %v %q %q, want %v %q %q", ck.body, got.Kind, got.Key, got.Description, ck.kind, ck.key, ck.desc)
				}
			}
		})
	}
}

func TestNewEmpty(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatalf("New(): %v", err)
	}
	tests := []struct{ body, key string }{
		{"14", ""},
		{"", KeyEmpty},
		{"<html>", KeyHTML},
	}
	for _, tc := range tests {
		if got := c.Classify([]byte(tc.body)); got.Kind != Unknown || got.Key != tc.key {
			t.Errorf("Classify(%q) = %v %q, want unknown %q", tc.body, got.Kind, got.Key, tc.key)
		}
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name   string
		tables [][]Entry
		want   string
	}{
		{"bad class", [][]Entry{nil, {{Key: "1", Class: "server_code"}, {Key: "x", Class: "bogus"}}},
			`classify: table 1: entries[1] (key "x"): class "bogus" is not one of`},
		{"empty key", [][]Entry{{{Key: " ", Class: "infra"}}},
			`classify: table 0: entries[0] (key " "): key is empty`},
		{"empty prefix", [][]Entry{{{Key: "a", Class: "infra", Prefix: []string{""}}}},
			`classify: table 0: entries[0] (key "a"): prefix is empty`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.tables...)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("New() = %v, %v; want error starting %q", c, err, tc.want)
			}
		})
	}
}

// TestClassifyConcurrent runs many goroutines over one shared Classifier and
// checks that each gets, for every body, the Class that a sequential run
// gets: Kind, Key, Description, and Text with the same bytes at the same
// offset, inside that goroutine's own copy of the body. Run under -race it
// also checks that Classify only reads the Classifier.
func TestClassifyConcurrent(t *testing.T) {
	const (
		workers = 16 // well above GOMAXPROCS on CI's 2 cores
		rounds  = 50
	)
	c := newDefault(t)
	cases := classifyCases()
	small := len(cases)
	cases = append(cases, bigBodies()...)
	bodies := make([][]byte, len(cases))
	want := make([]Class, len(cases))
	for i, tc := range cases {
		bodies[i] = []byte(tc.body)
		want[i] = c.Classify(bodies[i])
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			own := make([][]byte, len(bodies))
			for i, b := range bodies {
				own[i] = bytes.Clone(b)
			}
			<-start
			for r := range rounds {
				// The 1 MB bodies only in the first round, which keeps
				// the test fast under -race.
				n := len(own)
				if r > 0 {
					n = small
				}
				// Each worker starts at its own case, so different bodies
				// are classified at the same time.
				for j := range n {
					i := (w*7 + r + j) % n
					got := c.Classify(own[i])
					if err := sameClass(got, own[i], want[i], bodies[i]); err != "" {
						t.Errorf("worker %d, round %d, %s: %s", w, r, cases[i].name, err)
						return
					}
				}
			}
		})
	}
	close(start)
	wg.Wait()
}

// sameClass compares got, the Class of gotBody, with want, the Class of
// wantBody (a body with the same bytes), and describes the first difference,
// or returns "".
func sameClass(got Class, gotBody []byte, want Class, wantBody []byte) string {
	switch {
	case got.Kind != want.Kind || got.Key != want.Key:
		return fmt.Sprintf("got %v %q, want %v %q", got.Kind, got.Key, want.Kind, want.Key)
	case got.Description != want.Description:
		return fmt.Sprintf("got Description %q, want %q", got.Description, want.Description)
	case !bytes.Equal(got.Text, want.Text):
		return fmt.Sprintf("got Text %.60q, want %.60q", got.Text, want.Text)
	case !within(got.Text, gotBody):
		return "Text is not a sub-slice of this worker's body"
	case offset(got.Text, gotBody) != offset(want.Text, wantBody):
		return fmt.Sprintf("got Text at offset %d, want %d", offset(got.Text, gotBody), offset(want.Text, wantBody))
	}
	return ""
}

// offset returns where sub starts in buf, which must hold it (see within);
// an empty sub is at 0.
func offset(sub, buf []byte) int {
	if len(sub) == 0 {
		return 0
	}
	return int(uintptr(unsafe.Pointer(unsafe.SliceData(sub))) - uintptr(unsafe.Pointer(unsafe.SliceData(buf))))
}

func TestClassifyAllocs(t *testing.T) {
	c := newDefault(t)
	var bodies [][]byte
	for _, tc := range append(classifyCases(), bigBodies()...) {
		bodies = append(bodies, []byte(tc.body))
	}
	allocs := testing.AllocsPerRun(100, func() {
		for _, b := range bodies {
			sink = c.Classify(b)
		}
	})
	if allocs != 0 {
		t.Errorf("Classify allocates: %v allocs per run over %d bodies, want 0", allocs, len(bodies))
	}
}

// sink keeps benchmark results alive.
var sink Class

func BenchmarkClassify(b *testing.B) {
	c := newDefault(b)
	bodies := []struct{ name, body string }{
		{"code", "14"},
		{"zero", "0"},
		{"infra-quoted", `"server issue: database not in pool"`},
		{"infra-double-encoded", `"\"server issue: database not in pool\""`},
		{"escaped", `"\"Illegal method\\\/protocol\""`},
		{"infra-upper", "SERVER ISSUE: DATABASE MARKED AS DOWN"},
		{"android", "Attempt to overwrite data that can't be overwritten (such as creating a user ID that already exists)"},
		{"crash-id", `"application error: crash id 0123456789abcdef0123456789abcdef"`},
		{"html", html503},
		{"json", cornice},
		{"free-text", "Service Unavailable: the backend is down for maintenance"},
		{"1MB", strings.Repeat("a", 1<<20)},
	}
	for _, bb := range bodies {
		body := []byte(bb.body)
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				sink = c.Classify(body)
			}
		})
	}
}

func FuzzClassify(f *testing.F) {
	for _, tc := range classifyCases() {
		f.Add([]byte(tc.body))
	}
	f.Add([]byte(`"\"\\u0031\\u0034\""`))
	f.Add([]byte(`\"\\\"\"`))
	c := newDefault(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		got := c.Classify(in)
		if got.Kind > Infra {
			t.Fatalf("Classify(%q).Kind = %d, not a valid Kind", in, got.Kind)
		}
		if !within(got.Text, in) {
			t.Fatalf("Classify(%q).Text = %q is not a sub-slice of the input", in, got.Text)
		}
		if got.Key == "" && (got.Kind == ServerCode || len(got.Text) == 0) {
			t.Fatalf("Classify(%q) = %v %q with Text %q: free text must be Unknown or unlisted Infra, with Text", in, got.Kind, got.Key, got.Text)
		}
		if got.Unlisted() != (got.Kind == Infra && got.Description == DescUnlisted) {
			t.Fatalf("Classify(%q) = %v %q %q: unlisted infra has no key and DescUnlisted", in, got.Kind, got.Key, got.Description)
		}
		if n := len(got.Text); n > 0 && (isSpace(got.Text[0]) || isSpace(got.Text[n-1])) {
			t.Fatalf("Classify(%q).Text = %q is not trimmed", in, got.Text)
		}
		text, levels := normalise(in)
		checkDecodeJSON(t, text, levels)
		// Surrounding whitespace never changes the result.
		padded := append(append([]byte(" \r\n"), in...), '\t', '\n')
		again := c.Classify(padded)
		if again.Kind != got.Kind || again.Key != got.Key || !bytes.Equal(again.Text, got.Text) {
			t.Fatalf("Classify(%q) = %v %q %q, but padded %v %q %q", in, got.Kind, got.Key, got.Text, again.Kind, again.Key, again.Text)
		}
	})
}
