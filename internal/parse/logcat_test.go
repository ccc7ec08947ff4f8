package parse

import (
	"strings"
	"testing"
	"time"
)

func TestParseLogcat(t *testing.T) {
	at := func(mo time.Month, d, hh, mm, ss, ms int) time.Time {
		return time.Date(2025, mo, d, hh, mm, ss, ms*int(time.Millisecond), time.UTC)
	}
	tests := []struct {
		name, line string
		ok         bool
		logger     string
		level      Level
		message    string
		when       time.Time
	}{
		{"threadtime", "11-24 07:13:20.298  4123  4187 D FxSync  : SSResourceDelegate :: HTTP request failed.",
			true, "FxSync", LevelDebug, "SSResourceDelegate :: HTTP request failed.", at(11, 24, 7, 13, 20, 298)},
		{"threadtime long tag", "01-02 23:59:59.001 12345 12346 W FxAccounts: firefox :: x",
			true, "FxAccounts", LevelWarn, "firefox :: x", at(1, 2, 23, 59, 59, 1)},
		{"threadtime rust module path", `11-24 07:20:01.001 10503 10557 I sync15::client: Request "/1.5/N/storage/bookmarks" was an error (status=503)`,
			true, "sync15::client", LevelInfo, `Request "/1.5/N/storage/bookmarks" was an error (status=503)`, at(11, 24, 7, 20, 1, 1)},
		{"threadtime empty message", "11-24 07:13:20.298  4123  4187 V FxSync  :",
			true, "FxSync", LevelTrace, "", at(11, 24, 7, 13, 20, 298)},
		{"time", "11-24 07:13:20.298 E/FxSync  ( 4123): BaseResource :: Response: HTTP/1.1 503",
			true, "FxSync", LevelError, "BaseResource :: Response: HTTP/1.1 503", at(11, 24, 7, 13, 20, 298)},
		{"brief", "D/FxAccounts( 4123): firefox :: BaseResource :: HTTP GET https://token.services.mozilla.com/1.0/sync/1.5",
			true, "FxAccounts", LevelDebug, "firefox :: BaseResource :: HTTP GET https://token.services.mozilla.com/1.0/sync/1.5", time.Time{}},
		{"brief padded tag and pid", "F/FxSync  (   12): boom", true, "FxSync", LevelFatal, "boom", time.Time{}},

		{"desktop", "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 https://x/", false, "", 0, "", time.Time{}},
		{"weave", "2009-11-24 07:13:20\tService.Main\tDEBUG\tx", false, "", 0, "", time.Time{}},
		{"ios", "2025-11-24 07:20:01.001 [Debug] [StorageClient.swift:42] failFromResponse(_:) > Status code: 503.", false, "", 0, "", time.Time{}},
		{"access", `203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "GET /1.5/N/storage/bookmarks HTTP/1.1" 503 38 "-" "-"`, false, "", 0, "", time.Time{}},
		{"mozlog", `{"Timestamp":1,"Type":"x","Logger":"syncserver","Severity":3,"Fields":{}}`, false, "", 0, "", time.Time{}},
		{"bad level", "11-24 07:13:20.298  4123  4187 X FxSync  : x", false, "", 0, "", time.Time{}},
		{"bad month", "13-24 07:13:20.298  4123  4187 D FxSync  : x", false, "", 0, "", time.Time{}},
		{"no tid", "11-24 07:13:20.298  4123 D FxSync  : x", false, "", 0, "", time.Time{}},
		{"no colon", "11-24 07:13:20.298  4123  4187 D FxSync  x", false, "", 0, "", time.Time{}},
		{"brief no pid", "D/FxSync(): x", false, "", 0, "", time.Time{}},
		{"brief no paren", "D/FxSync: x", false, "", 0, "", time.Time{}},
		{"brief lower level", "d/FxSync( 1): x", false, "", 0, "", time.Time{}},
		{"path", "a/b/c( 1)", false, "", 0, "", time.Time{}},
		{"stack frame", "\tat org.mozilla.gecko.sync.net.BaseResource.execute(BaseResource.java:283)", false, "", 0, "", time.Time{}},
		{"beginning of", "--------- beginning of main", false, "", 0, "", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h header
			ok := parseLogcat([]byte(tc.line), &h, 2025)
			if ok != tc.ok {
				t.Fatalf("parseLogcat(%q) = %v, want %v", tc.line, ok, tc.ok)
			}
			if !ok {
				return
			}
			if string(h.logger) != tc.logger || h.level != tc.level || string(h.message) != tc.message {
				t.Errorf("got %q %d %q, want %q %d %q", h.logger, h.level, h.message, tc.logger, tc.level, tc.message)
			}
			if got := h.when(); !got.Equal(tc.when) {
				t.Errorf("when() = %v, want %v", got, tc.when)
			}
		})
	}
}

func TestParseLogcatCurrentYear(t *testing.T) {
	var h header
	if !parseLogcat([]byte("02-28 10:00:00.000  1  2 I FxSync  : x"), &h, 0) {
		t.Fatal("not parsed")
	}
	if got, want := h.when().Year(), time.Now().Year(); got != want {
		t.Errorf("year = %d, want %d", got, want)
	}
}

const (
	tt    = "11-24 07:13:20.298  4123  4187 "
	storU = "https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/storage/bookmarks"
	tokU  = "https://token.services.mozilla.com/1.0/sync/1.5"
)

func TestLogcatFennec(t *testing.T) {
	tests := []eventCase{
		{
			name: "domain example: one 503 with its raw body, one token 401",
			log: tt + "D FxSync  : SSResourceDelegate :: SyncStorageResourceDelegate handling response: HTTP/1.1 503 Service Unavailable.\n" +
				tt + "W FxSync  : SSResourceDelegate :: HTTP request failed.\n" +
				tt + "D FxSync  : SyncStorageResponse :: Looking up message for body \"\"server issue: pool exhausted\"\"\n" +
				tt + "W FxSync  : SSResourceDelegate :: HTTP response body: server issue: pool exhausted\n" +
				tt + "D FxAccounts: firefox :: BaseResource :: HTTP GET " + tokU + "\n" +
				tt + "D FxAccounts: firefox :: BaseResource :: Response: HTTP/1.1 401 Unauthorized\n",
			want: []string{
				`resp 1  503  body="\"server issue: pool exhausted\""`,
				"resp 6 GET 401 " + tokU,
			},
		},
		{
			name: "brief: URL, both status lines, mapped body then raw body: the raw one is kept",
			log: "D/FxSync  ( 4123): BaseResource :: HTTP POST " + storU + "\n" +
				"D/FxSync  ( 4123): BaseResource :: Response: HTTP/1.1 400 Bad Request\n" +
				"D/FxSync  ( 4123): SSResourceDelegate :: SyncStorageResourceDelegate handling response: HTTP/1.1 400 Bad Request.\n" +
				"W/FxSync  ( 4123): SSResourceDelegate :: HTTP response body: User over quota\n" +
				"D/FxSync  ( 4123): SyncStorageResponse :: Looking up message for body \"14\"\n",
			want: []string{`resp 2 POST 400 ` + storU + ` body="14"`},
		},
		{
			name: "the accounts client's response then a storage response of the same status: two exchanges",
			log: tt + "D FxAccounts: firefox :: BaseResource :: Response: HTTP/1.1 200 OK\n" +
				tt + "D FxSync  : SSResourceDelegate :: SyncStorageResourceDelegate handling response: HTTP/1.1 200 OK.\n",
			want: []string{"resp 1  200 ", "resp 2  200 "},
		},
		{
			name: "only the mapped body is logged",
			log: tt + "D FxSync  : SSResourceDelegate :: SyncStorageResourceDelegate handling response: HTTP/1.1 400 Bad Request.\n" +
				tt + "W FxSync  : SSResourceDelegate :: HTTP response body: User over quota\n",
			want: []string{`resp 1  400  body="User over quota"`},
		},
		{
			name: "a 503 without body, then another request: two responses, the URL goes to the second only",
			log: tt + "D FxSync  : SSResourceDelegate :: SyncStorageResourceDelegate handling response: HTTP/1.1 503 Service Unavailable.\n" +
				tt + "D FxSync  : BaseResource :: HTTP GET " + storU + "\n" +
				tt + "D FxSync  : SSResourceDelegate :: SyncStorageResourceDelegate handling response: HTTP/1.1 503 Service Unavailable.\n",
			want: []string{"resp 1  503 ", "resp 3 GET 503 " + storU},
		},
		{
			name: "the same status line twice is two exchanges",
			log: tt + "D FxSync  : BaseResource :: Response: HTTP/1.1 503 Service Unavailable\n" +
				tt + "D FxSync  : BaseResource :: Response: HTTP/1.1 503 Service Unavailable\n",
			want: []string{"resp 1  503 ", "resp 2  503 "},
		},
		{
			name: "a body with no status line before it is a response of unknown status",
			log:  tt + "D FxSync  : SyncStorageResponse :: Looking up message for body \"0\"\n",
			want: []string{`resp 1  0  body="0"`},
		},
		{
			name: "not counted: other tags, other texts, non-HTTP statuses, request lines alone",
			log: tt + "D GeckoConsole: Response: HTTP/1.1 503 Service Unavailable\n" +
				tt + "D FxSyncX : BaseResource :: Response: HTTP/1.1 503\n" +
				tt + "I FxSync  : GlobalSession :: Response: HTTP/1.1 999 Weird\n" +
				tt + "I FxSync  : GlobalSession :: Response: HTTP/1.1 5034\n" +
				tt + "I FxSync  : GlobalSession :: Response: 503\n" +
				tt + "D FxSync  : BaseResource :: HTTP GET " + storU + "\n" +
				tt + "D FxSync  : BaseResource :: HTTP request failed.\n" +
				"--------- beginning of main\n",
			want: nil,
		},
	}
	runEvents(t, tests)
}

// logcatSample mixes Fennec and Rust lines with unrelated tags.
var logcatSample = strings.Repeat(
	"11-24 07:13:20.100  4123  4187 I ActivityManager: Start proc 4123:org.mozilla.firefox/u0a123 for service\n"+
		"11-24 07:13:20.200  4123  4187 D GeckoConsole: [JavaScript Warning: \"Unknown property\" {file: \"x.css\" line: 1}]\n"+
		"11-24 07:13:20.297  4123  4187 D FxSync  : BaseResource :: HTTP GET https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/storage/bookmarks\n"+
		"11-24 07:13:20.298  4123  4187 D FxSync  : SSResourceDelegate :: SyncStorageResourceDelegate handling response: HTTP/1.1 503 Service Unavailable.\n"+
		"11-24 07:13:20.299  4123  4187 W FxSync  : SSResourceDelegate :: HTTP request failed.\n"+
		"11-24 07:13:20.299  4123  4187 D FxSync  : SyncStorageResponse :: Looking up message for body \"\"server issue: pool exhausted\"\"\n"+
		"11-24 07:13:20.299  4123  4187 W FxSync  : SSResourceDelegate :: HTTP response body: server issue: pool exhausted\n"+
		"11-24 07:20:01.001 10503 10557 I sync15::client: Request \"/1.5/N/storage/bookmarks\" was an error (status=503)\n"+
		"11-24 07:20:01.003 10503 10557 W sync15::sync_multiple: Sync of bookmarks failed! Error(HTTP storage error: ServerError { route: \"/1.5/N/storage/bookmarks\", status: 503 })\n"+
		"11-24 07:21:00.500 10503 10557 W sync15::token: Non-success status when fetching token: 401\n", 300)

// BenchmarkExtractLogcat is BenchmarkExtract on logcat lines.
func BenchmarkExtractLogcat(b *testing.B) { benchExtract(b, []byte(logcatSample)) }
