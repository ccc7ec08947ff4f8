package redact

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// canaries are the personal data planted in testdata/logs (listed in its
// README.md). None may survive redaction.
var canaries = []string{
	"987654321",                        // 1.5 uid
	"c6o7dvmr2c4ud2fyv6woz2u4zi22bcyd", // 1.1 user name
	"canaryweaveuser",                  // Weave user name
	"canary.user@example.org",
	"weave.user@example.org",
	"f6a2b4c8d0e1f3a5b7c9d1e3f5a7b9c1",               // FxA uid (e-mail and hashed_fxa_uid)
	"eyJ1aWQiOiA5ODc2NTQzMjEs",                       // Hawk id / tokenserver id
	"Q0FOQVJZLWhhd2stbWFj",                           // Hawk mac
	"ca11ab1eca11ab1e",                               // access_token
	"Q0FOQVJZLXRva2Vuc2VydmVyLWtleS1kby1ub3QtbGVhaw", // tokenserver key
	"Q0FOQVJZ",                                       // base64 "CANARY": also the X-KeyID and the token signature
	"203.0.113.77",                                   // client address (access.log)
	"2001:db8::42",                                   // IPv6 client address (access.log)
}

// survivors are strings operators need; redaction must keep them.
var survivors = []string{
	"https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/user-1/storage/bookmarks?full=1&newer=1756000000.12&limit=1000",
	"https://scl2-sync405.services.mozilla.com/1.1/user-",
	"https://sj-weave03.services.mozilla.com/1.0/user-",
	"https://token.services.mozilla.com/1.0/sync/1.5 503",
	`"server issue: database not in pool"`,
	"server issue: getVS failed",
	"Uploading records failed: 14",
	"Got Retry-After: 600",
	"rv:1.9.1.5",
}

func TestCanaries(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "logs", "*.log"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures in ../../testdata/logs")
	}
	var in, out strings.Builder
	r := New()
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			got := r.String(line)
			in.WriteString(line + "\n")
			out.WriteString(got + "\n")
			for _, c := range canaries {
				if strings.Contains(got, c) {
					t.Errorf("%s:%d: canary %q survives: %q", filepath.Base(name), i+1, c, got)
				}
			}
		}
	}
	for _, c := range canaries {
		if !strings.Contains(in.String(), c) {
			t.Errorf("canary %q is not in the fixtures; the test proves nothing for it", c)
		}
	}
	for _, s := range survivors {
		if !strings.Contains(out.String(), s) {
			t.Errorf("redacted fixtures lost %q", s)
		}
	}
	if s := strings.ToLower(out.String()); strings.Contains(s, "canary") {
		i := strings.Index(s, "canary")
		t.Errorf("a canary survives near %q", out.String()[max(0, i-40):min(len(s), i+40)])
	}
}
