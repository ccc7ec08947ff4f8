package parse

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// eventCase is a log and the events it must give, as events prints them.
type eventCase struct {
	name string
	log  string
	want []string
}

// runEvents checks each case as a subtest.
func runEvents(t *testing.T, tests []eventCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, events(t, tc.log, Options{})); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// events runs an Extractor over log and renders each Event on one line.
func events(t *testing.T, log string, opt Options) []string {
	t.Helper()
	e := NewExtractor(strings.NewReader(log), "t.log", opt)
	var out []string
	for e.Next() {
		out = append(out, eventString(e.Event()))
	}
	if err := e.Err(); err != nil {
		t.Fatalf("Err() = %v", err)
	}
	return out
}

// eventString renders ev on one line.
func eventString(ev *Event) string {
	switch ev.Kind {
	case KindResponse:
		s := fmt.Sprintf("resp %d %s %d %s", ev.Line, ev.Method, ev.Status, ev.URL)
		if ev.HasBody {
			s += fmt.Sprintf(" body=%q", ev.Body)
		}
		if ev.BodyCut {
			s += " cut"
		}
		return s
	case KindNetworkError:
		return fmt.Sprintf("neterr %d %s %s %s", ev.Line, ev.Method, ev.URL, ev.Detail)
	case KindBackoff:
		return fmt.Sprintf("backoff %d %s %g", ev.Line, ev.Detail, ev.Seconds)
	}
	return fmt.Sprintf("kind %d line %d", ev.Kind, ev.Line)
}

const u = "https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/storage/bookmarks"

func TestExtract(t *testing.T) {
	long := "https://scl2-sync405.services.mozilla.com/1.1/c6o7dvmr2c4ud2fyv6woz2u4zi22bcyd/storage/bookmarks?full=1&newer=1319402165.36&ids=" + strings.Repeat("abcdefghij,", 20)
	cutMsg := ("POST fail 503 " + long)[:200] + "…"
	tests := []eventCase{
		{
			name: "issue example: status, trace body, warn are one response; request body counts nowhere",
			log: "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 " + u + "\n" +
				"1756106023250\tSync.Resource\tTRACE\tGET body: \"server issue: database not in pool\"\n" +
				"1756106023251\tSync.Resource\tWARN\tGET request to " + u + " failed with status 503\n" +
				"1756106023300\tSync.Resource\tTRACE\tPOST Body: [{\"payload\":\"server issue: pool exhausted\"}]\n" +
				"1756106023301\tSync.Resource\tTRACE\tPOST Length: 52\n",
			want: []string{`resp 1 GET 503 ` + u + ` body="\"server issue: database not in pool\""`},
		},
		{
			name: "mesg copy and cut copy are one response; old engine lines repeat the body",
			log: "1319402165365\tSync.Resource\tDEBUG\tmesg: POST fail 503 " + long + "\n" +
				"1319402165365\tSync.Resource\tDEBUG\t" + cutMsg + "\n" +
				"1319402165366\tSync.Engine.Bookmarks\tDEBUG\tUploading records failed: \"server issue: database not in pool\"\n" +
				"1319402165367\tSync.ErrorHandler\tDEBUG\tbookmarks failed: \"server issue: database not in pool\" No traceback available\n" +
				"1319402165368\tSync.Service\tDEBUG\t\"server issue: database not in pool\" No traceback available\n",
			want: []string{`resp 1 POST 503 ` + long + ` body="\"server issue: database not in pool\""`},
		},
		{
			name: "a repeated status line is a new exchange (a retry)",
			log: "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 " + u + "\n" +
				"1756106023250\tSync.Resource\tWARN\tGET request to " + u + " failed with status 503\n" +
				"1756106023349\tSync.Resource\tDEBUG\tGET fail 503 " + u + "\n" +
				"1756106023350\tSync.Resource\tWARN\tGET request to " + u + " failed with status 503\n",
			want: []string{"resp 1 GET 503 " + u, "resp 3 GET 503 " + u},
		},
		{
			name: "REST line and token response are one exchange",
			log: "1756106023249\tServices.Common.RESTRequest\tDEBUG\tGET http://10.8.0.6:8000/1.0/sync/1.5 500\n" +
				"1756106023250\tServices.Common.TokenServerClient\tDEBUG\tGot token response: 500\n",
			want: []string{"resp 1 GET 500 http://10.8.0.6:8000/1.0/sync/1.5"},
		},
		{
			name: "tokenserver error JSON gives the pending token response its body",
			log: "1756106023249\tServices.Common.RESTRequest\tDEBUG\tGET https://token.services.mozilla.com/1.0/sync/1.5 503\n" +
				"1756106023250\tServices.Common.TokenServerClient\tDEBUG\tGot token response: 503\n" +
				"1756106023251\tSync.BrowserIDManager\tERROR\tNon-authentication error in _fetchTokenForUser: TokenServerClientServerError({\"now\":\"x\",\"message\":\"y\",\"response_body\":\"\\\"server issue: database is not healthy\\\"\",\"response_headers\":{},\"response_status\":503})\n",
			want: []string{`resp 1 GET 503 https://token.services.mozilla.com/1.0/sync/1.5 body="\"server issue: database is not healthy\""`},
		},
		{
			name: "multi-line HTML body over continuation lines, CRLF",
			log: "1756106023249\tSync.Resource\tDEBUG\tGET fail 503 " + u + "\r\n" +
				"1756106023250\tSync.Resource\tTRACE\tGET body: <html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n</html>\r\n" +
				"1756106023251\tSync.Resource\tWARN\tGET request to " + u + " failed with status 503\r\n",
			want: []string{"resp 1 GET 503 " + u + ` body="<html>\n<head><title>503 Service Temporarily Unavailable</title></head>\n</html>"`},
		},
		{
			name: "success body is noted, not kept; network error and backoff",
			log: "1756106023249\tSync.Resource\tDEBUG\tGET success 200 " + u + "\n" +
				"1756106023250\tSync.Resource\tTRACE\tGET body: {\"a\":1}\n" +
				"1535399782712\tSync.Resource\tWARN\tGET request to " + u + " failed: [Exception... \"NS_ERROR_CONNECTION_REFUSED\" nsresult: \"0x804b000d\"]\n" +
				"1535399782713\tSync.ErrorHandler\tDEBUG\tGot Retry-After: 600\n" +
				"1535399782714\tSync.SyncScheduler\tDEBUG\tGot backoff notification: 3600000ms\n",
			want: []string{
				"neterr 3 GET " + u + " NS_ERROR_CONNECTION_REFUSED",
				"backoff 4 Retry-After 600",
				"backoff 5 backoff-notification 3600",
				"resp 1 GET 200 " + u + ` body=""`,
			},
		},
		{
			name: "body with no status before it; pasted with spaces; weave time",
			log: "2009-11-03 14:22:05 Service.Main         DEBUG    \"server issue: node reassignment\" No traceback available\n" +
				"1756106023249    Sync.Engine.Tabs  DEBUG   Uploading records failed: 14",
			want: []string{`resp 1  0  body="\"server issue: node reassignment\""`, `resp 2  0  body="14"`},
		},
		{
			name: "modern status echo and exception text are not bodies; 255 is",
			log: "1756106023249\tSync.Resource\tDEBUG\tPOST fail 503 " + u + "\n" +
				"1756106023250\tSync.Engine.Bookmarks\tDEBUG\tUploading records failed: 503\n" +
				"1756106023251\tSync.ErrorHandler\tDEBUG\tbookmarks failed: Error: oops No traceback available\n" +
				"1756106023252\tSync.ErrorHandler\tDEBUG\tbookmarks failed: 255 No traceback available\n",
			want: []string{"resp 1 POST 503 " + u + ` body="255"`},
		},
		{
			name: "old parse-fail form is unwrapped",
			log: "1319402165365\tSync.Resource\tDEBUG\tGET fail 502 " + u + "\n" +
				"1319402165366\tSync.Resource\tDEBUG\tParse fail: Response body starts: \"<html><head><title>502 Bad Gateway</title>\".\n",
			want: []string{"resp 1 GET 502 " + u + ` body="<html><head><title>502 Bad Gateway</title>"`},
		},
		{
			name: "response object embedded in an error",
			log:  "1756106023249\tSync.ErrorHandler\tERROR\tsync failed: {\"data\":\"\\\"server issue: getVS failed\\\"\",\"url\":\"" + u + "\",\"status\":503,\"headers\":{}}\n",
			want: []string{"resp 1  503 " + u + ` body="\"server issue: getVS failed\""`},
		},
	}
	runEvents(t, tests)
}
