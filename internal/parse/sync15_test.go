package parse

import (
	"testing"
)

func TestLogcatSync15(t *testing.T) {
	const r = "/1.5/N/storage/bookmarks"
	ft := "11-24 07:20:01.001 10503 10557 "
	tests := []eventCase{
		{
			name: "domain example: a 503 and its repeat, a token 401",
			log: ft + `I sync15::client: Request "` + r + `" was an error (status=503)` + "\n" +
				ft + `W sync15::sync_multiple: Sync of bookmarks failed! Error(HTTP storage error: ServerError { route: "` + r + `", status: 503 })` + "\n" +
				ft + "W sync15::token: Non-success status when fetching token: 401\n",
			want: []string{"resp 1  503 " + r, "resp 3  401 "},
		},
		{
			name: "token repeats",
			log: ft + "W sync15::token: Non-success status when fetching token: 401\n" +
				ft + "W sync15::sync_multiple: sync failed: HTTP status 401 when requesting a token from the tokenserver\n" +
				ft + "W sync15::sync_multiple: Sync of tabs failed! Error(TokenserverHttpError(401))\n",
			want: []string{"resp 1  401 "},
		},
		{
			name: "a repeat with no response just logged is counted once",
			log: ft + `W sync15::sync_multiple: Sync of bookmarks failed! Error(HTTP storage error: ServerError { route: "` + r + `", status: 503 })` + "\n" +
				ft + `W sync15::sync_multiple: Sync of history failed! Error(HTTP storage error: NotFound { route: "/1.5/N/storage/history" })` + "\n" +
				ft + "W sync15::sync_multiple: sync failed: HTTP status 503 when requesting a token from the tokenserver\n",
			want: []string{"resp 1  503 " + r, "resp 2  404 /1.5/N/storage/history", "resp 3  503 "},
		},
		{
			name: "a repeat of another route or status is another response; a second repeat is one too",
			log: ft + `I sync15::client: Request "` + r + `" was an error (status=503)` + "\n" +
				ft + `W sync15::sync_multiple: Sync of x failed! Error(ServerError { route: "/1.5/N/storage/tabs", status: 503 })` + "\n" +
				ft + `I sync15::client: Request "` + r + `" was an error (status=500)` + "\n" +
				ft + `W sync15::sync_multiple: Sync of x failed! Error(ServerError { route: "` + r + `", status: 503 })` + "\n" +
				ft + `I sync15::client: Request "` + r + `" was an error (status=412)` + "\n" +
				ft + `W sync15::sync_multiple: Sync of x failed! Error(PreconditionFailed { route: "` + r + `" })` + "\n" +
				ft + `W sync15::sync_multiple: Sync of x failed! Error(PreconditionFailed { route: "` + r + `" })` + "\n",
			want: []string{
				"resp 1  503 " + r, "resp 2  503 /1.5/N/storage/tabs", "resp 3  500 " + r,
				"resp 4  503 " + r, "resp 5  412 " + r, "resp 7  412 " + r,
			},
		},
		{
			name: "a storage repeat does not repeat a token response",
			log: ft + "W sync15::token: Non-success status when fetching token: 503\n" +
				ft + `W sync15::sync_multiple: Sync of x failed! Error(ServerError { route: "` + r + `", status: 503 })` + "\n",
			want: []string{"resp 1  503 ", "resp 2  503 " + r},
		},
		{
			name: "not counted: success, bad statuses, other crates",
			log: ft + `D sync15::client: Successful request to "` + r + `", incoming x-last-modified=Some(1)` + "\n" +
				ft + `I sync15::client: Request "` + r + `" was an error (status=5034)` + "\n" +
				ft + `I sync15::client: Request "` + r + `" was an error (status=)` + "\n" +
				ft + "W sync15::token: Non-success status when fetching token: 4O1\n" +
				ft + "W sync15::token: Non-success status when fetching token: 999\n" +
				ft + `I places::storage: Request "` + r + `" was an error (status=503)` + "\n" +
				ft + "I sync_manager::manager: sync failed: HTTP status 401 when requesting a token\n",
			want: nil,
		},
	}
	runEvents(t, tests)
}
