package redact

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzString(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "logs", "*.log"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			f.Add(line)
		}
	}
	for _, s := range []string{
		`{"id":"eyJhbGciOi","key":"k","uid":1,"api_endpoint":"https://h/1.5/1"}`,
		`\"key\":\\\"x\\\" \"uid\":12`,
		"Authorization: Hawk id=\"a\", mac=\"b\"\r\nx",
		"::ffff:1.2.3.4 [fe80::1%eth0]:80 1.2.3.4.5 :.: ::.",
		"a%40b.example /1.0/sync /user/1/x…",
		"key=[redacted]] user-01 /1.1/user-1/ ip-0",
		"Bearer 2001:db8::1/user/1/Bearer 1\"",
		"in user x.y@z… Sync started for a (b) 1.2.3.4:2001:db8::1 rv:1.2.3.4",
		`id=aaaaaaaaaaaaa/1.1/b@c.de&uid=7…`,
		"HAW\u212a id=\"a\" \u017fet-cookie: x BEARER abcdefgh12",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkPrefilters(t, in)
		r := New()
		out := r.String(in)
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Errorf("String(%q) = %q: not valid UTF-8", in, out)
		}
		if again := r.String(out); again != out {
			t.Errorf("String(%q) = %q, but String of that = %q", in, out, again)
		}
		if fresh := New().String(out); fresh != out {
			t.Errorf("String(%q) = %q, but a fresh Redactor makes it %q", in, out, fresh)
		}
	})
}

// checkPrefilters checks that each guarded expression's guard passes every
// string the expression matches: a guard may let a string through that the
// expression then rejects, never the reverse.
func checkPrefilters(t *testing.T, s string) {
	t.Helper()
	for _, g := range guards {
		if !g.may(s) && g.MatchString(s) {
			t.Errorf("%q matches %v, but its guard turns it away", s, g.Regexp)
		}
	}
}
