package parse

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const ua = `"Firefox/145.0 (Windows NT 10.0; Win64; x64) FxSync/1.147.0.20251120.desktop"`

func TestAccess(t *testing.T) {
	tests := []struct {
		name string
		log  string
		want []string
	}{
		{
			name: "combined: each line one response, no body",
			log: `203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "GET /1.5/42/info/collections HTTP/1.1" 200 312 "-" ` + ua + "\n" +
				`203.0.113.7 - - [24/Nov/2025:07:13:21 +0000] "GET /1.5/42/storage/bookmarks?full=1 HTTP/1.1" 503 38 "-" ` + ua + "\n" +
				`203.0.113.7 - - [24/Nov/2025:07:13:21 +0000] "GET /1.5/42/storage/bookmarks?full=1 HTTP/1.1" 503 38 "-" ` + ua + "\n",
			want: []string{
				"resp 1 GET 200 /1.5/42/info/collections",
				"resp 2 GET 503 /1.5/42/storage/bookmarks?full=1",
				"resp 3 GET 503 /1.5/42/storage/bookmarks?full=1", // a retry is another response
			},
		},
		{
			name: "common format, IPv6 client, user, size -",
			log: `2001:db8::7 - alice [24/Nov/2025:07:13:20 -0500] "POST /1.5/42/storage/tabs HTTP/2.0" 401 -` + "\n" +
				`::1 - - [24/Nov/2025:07:13:20 +0100] "DELETE /1.5/42/storage HTTP/1.0" 204 0` + "\n",
			want: []string{"resp 1 POST 401 /1.5/42/storage/tabs", "resp 2 DELETE 204 /1.5/42/storage"},
		},
		{
			name: "bad requests: status with no method or URL",
			log: `198.51.100.2 - - [24/Nov/2025:07:13:20 +0000] "-" 400 0 "-" "-"` + "\n" +
				`198.51.100.2 - - [24/Nov/2025:07:13:20 +0000] "" 400 0 "-" "-"` + "\n" +
				`198.51.100.2 - - [24/Nov/2025:07:13:20 +0000] "\x16\x03\x01\x02\x00" 400 157 "-" "-"` + "\n" +
				`198.51.100.2 - - [24/Nov/2025:07:13:20 +0000] "GET" 400 0` + "\n",
			want: []string{"resp 1  400 ", "resp 2  400 ", "resp 3  400 ", "resp 4  400 "},
		},
		{
			name: "quotes inside the request and the user agent",
			log: `203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "GET /a\"b HTTP/1.1" 404 9 "-" "x\" 200 1"` + "\n" +
				`www.example.org:443 203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "HEAD /__heartbeat__ HTTP/1.1" 200 0 "-" "curl" 0.001` + "\n",
			want: []string{`resp 1 GET 404 /a\"b`, "resp 2 HEAD 200 /__heartbeat__"},
		},
		{
			name: "lines of other layouts are not access lines",
			log: "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 https://x/1.5/1/storage\n" +
				`11-24 07:13:20.298  4123  4187 D FxSync  : SSResourceDelegate :: handling response: HTTP/1.1 503 Service Unavailable.` + "\n" +
				"2025-11-24 07:20:01.001 [Debug] [StorageClient.swift:12] failFromResponse(_:) > Status code: 503.\n" +
				`{"Timestamp":1764000000000000000,"Logger":"syncserver-0.18.3","Fields":{"code":503}}` + "\n",
			want: nil,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "lines of other layouts are not access lines" {
				for _, line := range strings.Split(strings.TrimSuffix(tc.log, "\n"), "\n") {
					var h header
					if parseAccess([]byte(line), &h) {
						t.Errorf("parseAccess(%q) = true", line)
					}
				}
				return
			}
			got := events(t, tc.log, Options{})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAccessRejects(t *testing.T) {
	for _, line := range []string{
		``,
		`203.0.113.7 - - [24/Nov/2025:07:13:20 +0000]`,
		`203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "GET / HTTP/1.1" 200`,
		`203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "GET / HTTP/1.1" 200 12x`,
		`203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "GET / HTTP/1.1" 999 12`,
		`203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "GET / HTTP/1.1 200 12`,
		`203.0.113.7 - - [24/Foo/2025:07:13:20 +0000] "GET / HTTP/1.1" 200 12`,
		`203.0.113.7 - - [24/Nov/2025:25:13:20 +0000] "GET / HTTP/1.1" 200 12`,
		`203.0.113.7 - - [24/Nov/2025:07:13:20 0000] "GET / HTTP/1.1" 200 12`,
		`203.0.113.7 - [24/Nov/2025:07:13:20 +0000] "GET / HTTP/1.1" 200 12`,
		`a b c d e [24/Nov/2025:07:13:20 +0000] "GET / HTTP/1.1" 200 12`,
		"203.0.113.7\t-\t- [24/Nov/2025:07:13:20 +0000] \"GET / HTTP/1.1\" 200 12",
		`203.0.113.7  - - [24/Nov/2025:07:13:20 +0000] "GET / HTTP/1.1" 200 12`,
	} {
		var h header
		if parseAccess([]byte(line), &h) {
			t.Errorf("parseAccess(%q) = true, want false", line)
		}
	}
}

func TestAccessTime(t *testing.T) {
	tests := []struct {
		line string
		want time.Time
	}{
		{`h - - [24/Nov/2025:07:13:20 +0000] "GET / HTTP/1.1" 200 1`, time.Date(2025, 11, 24, 7, 13, 20, 0, time.UTC)},
		{`h - - [24/Nov/2025:07:13:20 -0500] "GET / HTTP/1.1" 200 1`, time.Date(2025, 11, 24, 12, 13, 20, 0, time.UTC)},
		{`h - - [01/Jan/2026:00:30:00 +0530] "GET / HTTP/1.1" 200 1`, time.Date(2025, 12, 31, 19, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		var h header
		if !parseAccess([]byte(tc.line), &h) {
			t.Fatalf("parseAccess(%q) = false", tc.line)
		}
		if got := h.when(); !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("%q: time = %v, want %v", tc.line, got, tc.want)
		}
	}
}

// The client's address is personal data: no field of an access log Event
// holds it.
func TestAccessKeepsNoClientIP(t *testing.T) {
	log := `203.0.113.7 - bob [24/Nov/2025:07:13:20 +0000] "GET /1.5/42/storage/bookmarks HTTP/1.1" 503 38 "https://ref.example/" ` + ua + "\n" +
		`2001:db8::7 - - [24/Nov/2025:07:13:20 +0000] "-" 400 0` + "\n"
	e := NewExtractor(strings.NewReader(log), "access.log", Options{})
	n := 0
	for e.Next() {
		ev := e.Event()
		n++
		for _, f := range [][]byte{ev.Method, ev.URL, ev.Body, ev.Detail} {
			for _, bad := range []string{"203.0.113.7", "2001:db8::7", "bob", "ref.example", "Firefox"} {
				if strings.Contains(string(f), bad) {
					t.Errorf("event on line %d holds %q: %q", ev.Line, bad, f)
				}
			}
		}
	}
	if n != 2 {
		t.Errorf("%d events, want 2", n)
	}
}
