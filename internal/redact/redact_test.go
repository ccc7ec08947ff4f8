package redact

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

type redactCase struct {
	name, in, want string
}

// runCases redacts each input with a fresh Redactor.
func runCases(t *testing.T, tests []redactCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New()
			got := r.String(tc.in)
			if got != tc.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if again := r.String(got); again != got {
				t.Errorf("String(String(%q))\n got %q\nwant %q", tc.in, again, got)
			}
		})
	}
}

const (
	hawkID = "eyJ1aWQiOiA5ODc2NTQzMjEsICJub2RlIjogImh0dHBzOi8vc3luYy0xLXVzLXdlc3QxLWcuc3luYy5zZXJ2aWNlcy5tb3ppbGxhLmNvbSIsICJleHBpcmVzIjogMTc1NjEwOTYwMSwgInNhbHQiOiAiYzRuNHJ5In0Q0FOQVJZLXRva2VubGliLXNpZ25hdHVyZS0zMmJ5dGU"
	token  = "ca11ab1eca11ab1eca11ab1eca11ab1eca11ab1eca11ab1eca11ab1eca11ab1e"
	tsKey  = "Q0FOQVJZLXRva2Vuc2VydmVyLWtleS1kby1ub3QtbGVhaw"
	node   = "https://sync-1-us-west1-g.sync.services.mozilla.com"
	node11 = "https://scl2-sync405.services.mozilla.com"
	user11 = "c6o7dvmr2c4ud2fyv6woz2u4zi22bcyd"
)

func TestUnchanged(t *testing.T) {
	tests := []string{
		"",
		"0",
		"14",
		"255",
		`"server issue: pool exhausted"`,
		`"\"server issue: database not in pool\""`,
		"1756106630515\tSync.ErrorHandler\tDEBUG\tGot Retry-After: 600",
		"2009-11-03 14:22:06\tNet.Resource         \tDEBUG\tbookmarks failed: 255 No traceback available",
		"Sync completed at 2025-08-25 07:13:43 after 0.36 secs.",
		"GET https://token.services.mozilla.com/1.0/sync/1.5 503",
		"https://auth.services.mozilla.com/misc/1.0/captcha_html",
		"cluster value = https://sj-weave03.services.mozilla.com/",
		`Parse fail: Response body starts: "<html><head><title>502 Bad Gateway</title>".`,
		`{"status": "invalid-credentials", "errors": [{"location": "body", "name": "", "description": "Unauthorized"}]}`,
		`{"now":"2025-08-25T07:13:43.250Z","message":"Unknown error.","response_body":"\"server issue: database is not healthy\"","response_headers":{},"response_status":503}`,
		`"application error: crash id 0123456789abcdef0123456789abcdef"`,
		`{"id":"Ab3dE5fG7hJ9","modified":1573300000.11}`,
		`{"access_token":null,"token_type":"bearer","expires_in":21600}`,
		"Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.9.1.5) Gecko/20091102 Firefox/3.5.5",
		"User-Agent: Firefox/142.0 (Windows NT 10.0; Win64; x64) FxSync/1.144.0.20250818090224.desktop",
		"Firefox/3.6.28.1 and 1.2.3.4.5",
		`[Exception... "NS_ERROR_CONNECTION_REFUSED"  nsresult: "0x804b000d (NS_ERROR_CONNECTION_REFUSED)"  location: "JS frame :: resource://services-sync/resource.sys.mjs :: _doRequest :: line 148"  data: no]`,
		"_applyRecord@resource://services-sync/engines/history.sys.mjs:412:25",
		"http://127.0.0.1:8000/1.0/sync/1.5 and [::1]:8000 and 0.0.0.0 and ::",
		"Status.login: success.login => error.sync.reason.serverMaintenance",
		"HTTP 401 Authorization Required",
		"Hn3pW0qZ-7Lc ümlaut …",
		"user-1 email-2 ip-3 [redacted]",
	}
	for _, in := range tests {
		if got := New().String(in); got != in {
			t.Errorf("String(%q) = %q; want it unchanged", in, got)
		}
	}
}

func TestAccountPaths(t *testing.T) {
	runCases(t, []redactCase{
		{"1.1", "mesg: GET success 200 " + node11 + "/1.1/" + user11 + "/info/collections",
			"mesg: GET success 200 " + node11 + "/1.1/user-1/info/collections"},
		{"1.5", "GET fail 503 " + node + "/1.5/987654321/storage/bookmarks?full=1&newer=1756000000.12&limit=1000",
			"GET fail 503 " + node + "/1.5/user-1/storage/bookmarks?full=1&newer=1756000000.12&limit=1000"},
		{"1.5 at end", "Fetched a new token; storage node is now https://sync-702-us-west1-g.sync.services.mozilla.com/1.5/987654321",
			"Fetched a new token; storage node is now https://sync-702-us-west1-g.sync.services.mozilla.com/1.5/user-1"},
		{"weave 1.0", "POST fail 503 https://sj-weave03.services.mozilla.com/1.0/canaryweaveuser/storage/bookmarks",
			"POST fail 503 https://sj-weave03.services.mozilla.com/1.0/user-1/storage/bookmarks"},
		{"weave base", "Caching URLs under storage user base: https://sj-weave03.services.mozilla.com/1.0/canaryweaveuser/",
			"Caching URLs under storage user base: https://sj-weave03.services.mozilla.com/1.0/user-1/"},
		{"auth user/1", "GET success 200 https://auth.services.mozilla.com/user/1/canaryweaveuser/node/weave",
			"GET success 200 https://auth.services.mozilla.com/user/1/user-1/node/weave"},
		{"auth user/1.0", "https://auth.services.mozilla.com/user/1.0/canaryweaveuser/password",
			"https://auth.services.mozilla.com/user/1.0/user-1/password"},
		{"path prefix", "GET request to https://mysyncserver/index.php/1.1/user/info/collections failed",
			"GET request to https://mysyncserver/index.php/1.1/user-1/info/collections failed"},
		{"cut id", "GET fail 502 " + node11 + "/1.1/c6o7dvmr2c…",
			"GET fail 502 " + node11 + "/1.1/user-1…"},
		{"cut query", "GET fail 502 " + node11 + "/1.1/" + user11 + "/storage/history?ids=Ab3dE5fG7hJ9,Bc6dE8fG1h…",
			"GET fail 502 " + node11 + "/1.1/user-1/storage/history?ids=Ab3dE5fG7hJ9,Bc6dE8fG1h…"},
		{"sentence end", "stored under /1.0/bob.", "stored under /1.0/user-1."},
		{"two users", node + "/1.5/111/info/collections " + node + "/1.5/222/info/collections " + node + "/1.5/111/storage/tabs",
			node + "/1.5/user-1/info/collections " + node + "/1.5/user-2/info/collections " + node + "/1.5/user-1/storage/tabs"},
		{"empty id", "https://h/1.1//info", "https://h/1.1//info"},
		{"adjacent markers", "https://h/1.1//1.5/42/info", "https://h/1.1//1.5/user-1/info"},
		{"cut with dots", "https://h/1.1/c6o7dv...", "https://h/1.1/user-1..."},
	})
}

func TestCutIDSharesStandIn(t *testing.T) {
	r := New()
	full := r.URL(node11 + "/1.1/" + user11 + "/info/collections")
	cut := r.URL(node11 + "/1.1/c6o7dvmr2c4ud2…")
	if want := node11 + "/1.1/user-1/info/collections"; full != want {
		t.Errorf("full URL: got %q, want %q", full, want)
	}
	if want := node11 + "/1.1/user-1…"; cut != want {
		t.Errorf("cut URL: got %q, want %q", cut, want)
	}
}

func TestQuery(t *testing.T) {
	runCases(t, []redactCase{
		{"access_token", "https://token.example/x?access_token=" + token + "&limit=10",
			"https://token.example/x?access_token=[redacted]&limit=10"},
		{"key and sig", "https://h/p?a=1&key=abcdef&sig=0123&full=1", "https://h/p?a=1&key=[redacted]&sig=[redacted]&full=1"},
		{"token cut", "https://h/p?token=abc…", "https://h/p?token=[redacted]…"},
		{"auth", "https://h/p?auth=Zm9vOmJhcg==#frag", "https://h/p?auth=[redacted]#frag"},
		{"hawk name", "https://h/p?hawk-session-token=0a1b&x=2", "https://h/p?hawk-session-token=[redacted]&x=2"},
		{"html entity", "a href=\"/p?x=1&amp;key=zzz\"", "a href=\"/p?x=1&amp;key=[redacted]\""},
		{"form body", "grant_type=fxa-credentials&client_secret=s3cr3t&refresh_token=r1", "grant_type=fxa-credentials&client_secret=[redacted]&refresh_token=[redacted]"},
		{"uid param", "https://h/p?uid=987654321&x=1", "https://h/p?uid=user-1&x=1"},
		{"record ids kept", "https://h/1.5/1/storage/history?ids=Ab3dE5fG7hJ9,Kl2mN4pQ6rS8&full=1&newer=1.5",
			"https://h/1.5/user-1/storage/history?ids=Ab3dE5fG7hJ9,Kl2mN4pQ6rS8&full=1&newer=1.5"},
	})
}

func TestEmails(t *testing.T) {
	runCases(t, []redactCase{
		{"plain", "Getting a token for canary.user@example.org", "Getting a token for email-1"},
		{"fxa", "getSignedInUser: canary.user@example.org (f6a2b4c8d0e1f3a5b7c9d1e3f5a7b9c1@api.accounts.firefox.com)",
			"getSignedInUser: email-1 (email-2)"},
		{"case", "Canary.User@Example.ORG and canary.user@example.org", "email-1 and email-1"},
		{"percent", "https://h/p?email=canary.user%40example.org&x=1", "https://h/p?email=email-1&x=1"},
		{"json", `{"email":"weave.user@example.org","verified":true}`, `{"email":"email-1","verified":true}`},
		{"cut", "Account e-mail: canary.user@exam…", "Account e-mail: email-1…"},
		{"userinfo", "https://bob:hunter2@sync.example.org/1.5/5/info", "https://[redacted]@sync.example.org/1.5/user-1/info"},
	})
}

func TestSecrets(t *testing.T) {
	tsJSON := `{"id":"` + hawkID + `","key":"` + tsKey + `","uid":987654321,"api_endpoint":"` + node + `/1.5/987654321","duration":300,"hashed_fxa_uid":"f6a2b4c8d0e1f3a5b7c9d1e3f5a7b9c1"}`
	runCases(t, []redactCase{
		{"hawk header", "HTTP Header authorization: Hawk id=\"" + hawkID + "\", ts=\"1756106000\", nonce=\"Yz7kQ1pXc2FuYXJ5\", mac=\"Q0FOQVJZLWhhd2stbWFjLWRvLW5vdC1sZWFr\"",
			"HTTP Header authorization: [redacted]"},
		{"header line", "Authorization: Hawk id=\"x\", mac=\"y\"\r\nHost: h", "Authorization: [redacted]\r\nHost: h"},
		{"bearer header", "HTTP Header authorization: Bearer " + token, "HTTP Header authorization: [redacted]"},
		{"suppressed header", "HTTP Header authorization: ***** (suppressed)", "HTTP Header authorization: [redacted]"},
		{"keyid header", "HTTP Header x-keyid: 1719000000000-Q0FOQVJZLWtleWlk", "HTTP Header x-keyid: [redacted]"},
		{"bare hawk", "sending Hawk id=\"" + hawkID + "\", mac=\"abc\"", "sending Hawk [redacted]"},
		{"bare bearer", "retry with Bearer " + token + " now", "retry with Bearer [redacted] now"},
		{"access_token json", `getOAuthToken: got a new token {"access_token":"` + token + `","token_type":"bearer","scope":"https://identity.mozilla.com/apps/oldsync","expires_in":21600}`,
			`getOAuthToken: got a new token {"access_token":"[redacted]","token_type":"bearer","scope":"https://identity.mozilla.com/apps/oldsync","expires_in":21600}`},
		{"tokenserver token", "Successfully got a token: " + tsJSON,
			`Successfully got a token: {"id":"[redacted]","key":"[redacted]","uid":user-1,"api_endpoint":"` + node + `/1.5/user-1","duration":300,"hashed_fxa_uid":"[redacted]"}`},
		{"escaped json", `{"response_body":"{\"id\":\"` + hawkID + `\",\"key\":\"` + tsKey + `\",\"uid\":987654321}","response_status":200}`,
			`{"response_body":"{\"id\":\"[redacted]\",\"key\":\"[redacted]\",\"uid\":user-1}","response_status":200}`},
		{"spaced json", `{"sessionToken" : "abc\"def", "kB": "00ff"}`, `{"sessionToken" : "[redacted]", "kB": "[redacted]"}`},
		{"scoped keys", `{"https://identity.mozilla.com/apps/oldsync":{"kid":"1719000000000-Q0FO","k":"secretbits","kty":"oct"}}`,
			`{"https://identity.mozilla.com/apps/oldsync":{"kid":"[redacted]","k":"[redacted]","kty":"oct"}}`},
		{"cut json", `{"key":"` + tsKey[:10] + `…`, `{"key":"[redacted]`},
		// Stand-ins complete the token only after the first round.
		{"late bearer", "Bearer 2001:db8::1/user/1/x", "Bearer [redacted]"},
	})
}

func TestPlainUsernames(t *testing.T) {
	runCases(t, []redactCase{
		{"logging in", "Logging in user canaryweaveuser", "Logging in user user-1"},
		{"cluster", "Finding cluster for user canaryweaveuser", "Finding cluster for user user-1"},
		{"sync started", "Sync started for canaryweaveuser (weave.user@example.org)", "Sync started for user-1 (email-1)"},
		{"base32", "Logging in user " + user11, "Logging in user user-1"},
		{"bare base32", "username=" + user11 + "; sha1 " + user11, "username=user-1; sha1 user-1"},
	})
}

func TestIPs(t *testing.T) {
	runCases(t, []redactCase{
		{"ipv4 url", "GET http://10.8.0.6:8000/1.0/sync/1.5 500", "GET http://ip-1:8000/1.0/sync/1.5 500"},
		{"ipv4 text", "client 203.0.113.7, proxy 198.51.100.2.", "client ip-1, proxy ip-2."},
		{"ipv4 repeated", "203.0.113.7 203.0.113.7", "ip-1 ip-1"},
		{"ipv6", "from 2001:db8::1 via [2001:DB8::1]:443 and fe80::1%eth0", "from ip-1 via [ip-1]:443 and ip-2%eth0"},
		{"ipv6 mapped", "::ffff:203.0.113.7 and 203.0.113.7", "ip-1 and ip-1"},
		{"ipv6 label", "addr:2001:db8::2:1, next", "addr:ip-1, next"},
		{"full ipv6", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "ip-1"},
		{"loopback", "127.0.0.1 127.1.2.3 ::1 ::ffff:127.0.0.1", "127.0.0.1 127.1.2.3 ::1 ::ffff:127.0.0.1"},
		{"not ips", "07:13:42 1.144.0.20250818090224 999.1.1.1 Foo::bad rv:1.9.1.5", "07:13:42 1.144.0.20250818090224 999.1.1.1 Foo::bad rv:1.9.1.5"},
	})
}

func TestStability(t *testing.T) {
	r := New()
	steps := []struct{ in, want string }{
		{node + "/1.5/987654321/info/collections", node + "/1.5/user-1/info/collections"},
		{"canary.user@example.org", "email-1"},
		{`{"uid":987654321}`, `{"uid":user-1}`},
		{node + "/1.5/123456789/info/collections", node + "/1.5/user-2/info/collections"},
		{"a@b.example x@y.example canary.user@example.org", "email-2 email-3 email-1"},
		{"Sync.Resource GET fail 503 " + node + "/1.5/987654321/storage/tabs", "Sync.Resource GET fail 503 " + node + "/1.5/user-1/storage/tabs"},
		{"198.51.100.2 and 198.51.100.3 and 198.51.100.2", "ip-1 and ip-2 and ip-1"},
	}
	for i, st := range steps {
		if got := r.String(st.in); got != st.want {
			t.Errorf("step %d: String(%q) = %q; want %q", i, st.in, got, st.want)
		}
	}
}

// TestMemoKeepsStandIns checks that a string redacted again, from the memo
// or after the memo was emptied for size, gets the same stand-ins as the
// first time, and that new strings still get new ones.
func TestMemoKeepsStandIns(t *testing.T) {
	r := New()
	first := "https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/123456789/storage/tabs"
	want := r.URL(first)
	if !strings.Contains(want, "/user-1/") {
		t.Fatalf("URL(%q) = %q, want user-1", first, want)
	}
	if got := r.URL(first); got != want {
		t.Errorf("again: %q, want %q", got, want)
	}
	// Enough distinct URLs (of 4 KiB, long ids) to pass maxMemoBytes
	// and empty the memo.
	pad := strings.Repeat("7", 4000)
	n := maxMemoBytes/4000 + 10
	var last string
	for i := range n {
		last = r.URL(fmt.Sprintf("https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/%d%s/storage/tabs", 200000000+i, pad))
	}
	if wantLast := fmt.Sprintf("/user-%d/", n+1); !strings.Contains(last, wantLast) {
		t.Errorf("last = %q, want %s", last, wantLast)
	}
	if r.memoBytes > maxMemoBytes {
		t.Errorf("memo holds %d bytes, over %d", r.memoBytes, maxMemoBytes)
	}
	if got := r.URL(first); got != want {
		t.Errorf("after the memo was emptied: %q, want %q", got, want)
	}
}

// BenchmarkURL redacts distinct storage URLs, as the CSV rows of a scan
// do (the memo does not help: the query differs in every row).
func BenchmarkURL(b *testing.B) {
	urls := make([]string, 1024)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://sync-%d-us-west1-g.sync.services.mozilla.com/1.5/%d/storage/bookmarks?full=1&newer=%d.%02d&limit=1000", i%50, 100000000+i*7919, 1756000000+i*37, i%100)
	}
	r := New()
	b.SetBytes(int64(len(urls[0])))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.URL(urls[i%len(urls)] + strconv.Itoa(i))
	}
}
