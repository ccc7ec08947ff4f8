package parse

import (
	"strings"
	"testing"
	"time"
)

func TestParseIOS(t *testing.T) {
	tests := []struct {
		line   string
		ok     bool
		when   time.Time
		level  Level
		logger string
		msg    string
	}{
		{
			line: "2025-11-24 07:20:01.001 [Debug] [StorageClient.swift:321] failFromResponse(_:) > Status code: 503.",
			ok:   true, when: time.Date(2025, 11, 24, 7, 20, 1, 1e6, time.UTC),
			level: LevelDebug, logger: "StorageClient.swift", msg: "Status code: 503.",
		},
		{
			line: "2025-11-24 07:20:01.123 [Warning] [main] [RustSyncManager.swift:88] log(_:) > [RUST][sync15::token] Non-success status when fetching token: 401",
			ok:   true, when: time.Date(2025, 11, 24, 7, 20, 1, 123e6, time.UTC),
			level: LevelWarn, logger: "RustSyncManager.swift", msg: "[RUST][sync15::token] Non-success status when fetching token: 401",
		},
		{
			line: "2025-11-24 07:20:01 [Info] [AppDelegate.swift:40] > no function, no fraction",
			ok:   true, when: time.Date(2025, 11, 24, 7, 20, 1, 0, time.UTC),
			level: LevelInfo, logger: "AppDelegate.swift", msg: "no function, no fraction",
		},
		{
			line: "2025-11-24 07:20:01.5 [Error] [A.swift:1] f() >",
			ok:   true, when: time.Date(2025, 11, 24, 7, 20, 1, 5e8, time.UTC),
			level: LevelError, logger: "A.swift", msg: "",
		},
		{
			line: "2025-11-24 07:20:01.001 [Severe] [A.swift:1] f() > a > b",
			ok:   true, when: time.Date(2025, 11, 24, 7, 20, 1, 1e6, time.UTC),
			level: LevelFatal, logger: "A.swift", msg: "a > b",
		},
		{line: "2025-11-24 07:20:01.001 [Verbose] [A.swift:1] f() > x", ok: true,
			when: time.Date(2025, 11, 24, 7, 20, 1, 1e6, time.UTC), level: LevelTrace, logger: "A.swift", msg: "x"},
		// Desktop lines, Weave-era ones included, are not iOS records.
		{line: "2009-11-03 14:22:05 Service.Main DEBUG GET fail 503 https://x/1.0/u/storage/bookmarks"},
		{line: "2009-11-03 14:22:05.123\tService.Main\tDEBUG\t[A.swift:1] f() > x"},
		{line: "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 https://x/1.5/1/storage/bookmarks"},
		// The level and the Swift file are both required.
		{line: "2025-11-24 07:20:01.001 [Debug] f() > Status code: 503."},
		{line: "2025-11-24 07:20:01.001 [Chatty] [A.swift:1] f() > x"},
		{line: "2025-11-24 07:20:01.001 [A.swift:1] f() > x"},
		{line: "2025-11-24 07:20:01.001 [Debug] [A.swift] f() > x"},
		{line: "2025-11-24 07:20:01.001 [Debug] [A.swift:] f() > x"},
		{line: "2025-11-24 07:20:01.001 [Debug] [A.m:12] f() > x"},
		{line: "2025-11-24 07:20:01.001 [Debug] [.swift:12] f() > x"},
		{line: "2025-11-24 07:20:01.001 [Debug] [t1] [t2] [A.swift:1] f() > x"},
		{line: "2025-11-24 07:20:01.001 [Debug] [A.swift:1] no arrow"},
		{line: "2025-11-24 07:20:01. [Debug] [A.swift:1] f() > x"},
		{line: "2025-11-24 07:20:01.001 [Debug [A.swift:1] f() > x"},
		{line: "2025-13-24 07:20:01.001 [Debug] [A.swift:1] f() > x"},
		{line: "11-24 07:20:01.001 10503 10557 I sync15::client: Request \"/1.5/N/storage/bookmarks\" was an error (status=503)"},
		{line: ""},
	}
	for _, tc := range tests {
		var h header
		ok := parseIOS([]byte(tc.line), &h)
		if ok != tc.ok {
			t.Errorf("parseIOS(%q) = %v, want %v", tc.line, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		if !h.when().Equal(tc.when) || h.level != tc.level || string(h.logger) != tc.logger || string(h.message) != tc.msg {
			t.Errorf("parseIOS(%q): when %v level %d logger %q message %q; want %v %d %q %q",
				tc.line, h.when(), h.level, h.logger, h.message, tc.when, tc.level, tc.logger, tc.msg)
		}
	}
}

// TestRustLine checks what recordIOS hands to sync15: the target and the
// text of an embedded Rust line.
func TestRustLine(t *testing.T) {
	tests := []struct {
		msg          string
		ok           bool
		target, text string
	}{
		{`[RUST][sync15::client] Request "/1.5/N/storage/bookmarks" was an error (status=503)`, true,
			"sync15::client", `Request "/1.5/N/storage/bookmarks" was an error (status=503)`},
		{"[RUST][sync15::token] Non-success status when fetching token: 401", true,
			"sync15::token", "Non-success status when fetching token: 401"},
		{"[RUST][sync15::sync_multiple]Sync of bookmarks failed!", true, "sync15::sync_multiple", "Sync of bookmarks failed!"},
		{"[RUST][sync15::token] ", true, "sync15::token", ""},
		{"[RUST][] x", false, "", ""},
		{"[RUST][sync15 client] x", false, "", ""},
		{"[RUST][sync15::client x", false, "", ""},
		{"[RUST] sync15::client x", false, "", ""},
		{"Status code: 503.", false, "", ""},
	}
	for _, tc := range tests {
		target, text, ok := rustLine([]byte(tc.msg))
		if ok != tc.ok || string(target) != tc.target || string(text) != tc.text {
			t.Errorf("rustLine(%q) = %q, %q, %v; want %q, %q, %v", tc.msg, target, text, ok, tc.target, tc.text, tc.ok)
		}
	}
}

func TestExtractIOS(t *testing.T) {
	const p = "2025-11-24 07:20:01.001 [Debug] [StorageClient.swift:321] failFromResponse(_:) > "
	tests := []eventCase{
		{
			name: "status code then ServerError is one response without a body",
			log:  p + "Status code: 503.\n" + p + "ServerError.\n",
			want: []string{"resp 1  503 "},
		},
		{
			name: "a second status code line is a retry",
			log:  p + "Status code: 503.\n" + p + "ServerError.\n" + p + "Status code: 503.\n" + p + "ServerError.\n",
			want: []string{"resp 1  503 ", "resp 3  503 "},
		},
		{
			name: "other statuses; non-HTTP numbers and other lines count nowhere",
			log: "2025-11-24 07:20:00.000 [Info] [main] [Profile.swift:12] init() > Starting sync\n" +
				p + "Status code: 401.\n" + p + "BadRequestError.\n" +
				p + "Status code: 0.\n" +
				p + "Status code: 5030.\n" +
				"2025-11-24 07:20:02.000 [Debug] [SyncStateMachine.swift:9] f() > Status: 503\n" +
				"  a continuation line: Status code: 503.\n" +
				p + "Status code: 404\n",
			want: []string{"resp 2  401 ", "resp 8  404 "},
		},
		{
			name: "Rust lines go to sync15, not to the Swift status rule",
			log:  "2025-11-24 07:20:01.001 [Warning] [RustSyncManager.swift:1] f() > [RUST][sync15::client] Status code: 503.\n",
			want: nil,
		},
	}
	runEvents(t, tests)
}

// iosSample is an iOS app log: Swift client lines, a failed response, Rust
// lines and a thread name.
var iosSample = strings.Repeat(
	"2025-11-24 07:20:00.000 [Info] [main] [Profile.swift:120] syncEverything() > Starting sync\n"+
		"2025-11-24 07:20:00.100 [Debug] [StorageClient.swift:321] getInfoCollections() > Requesting info/collections\n"+
		"2025-11-24 07:20:01.001 [Debug] [StorageClient.swift:321] failFromResponse(_:) > Status code: 503.\n"+
		"2025-11-24 07:20:01.002 [Debug] [StorageClient.swift:330] failFromResponse(_:) > ServerError.\n"+
		"2025-11-24 07:20:01.003 [Warning] [RustSyncManager.swift:88] log(_:) > [RUST][sync15::client] Request \"/1.5/987654321/storage/bookmarks\" was an error (status=503)\n"+
		"2025-11-24 07:20:01.004 [Info] [SyncStatusResolver.swift:55] resolveResults() > Sync finished with errors\n", 300)

// BenchmarkExtractIOS measures the record extractor on an iOS app log, for
// comparison with BenchmarkExtract (desktop).
func BenchmarkExtractIOS(b *testing.B) { benchExtract(b, []byte(iosSample)) }

// TestExtractIOSZeroAllocs checks that, once warm, extracting an iOS log
// allocates nothing per line.
func TestExtractIOSZeroAllocs(t *testing.T) {
	if allocs, _ := extractAllocs("a.log", []byte(iosSample)); allocs != 0 {
		t.Errorf("allocs per run = %v, want 0", allocs)
	}
}
