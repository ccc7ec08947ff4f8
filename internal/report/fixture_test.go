package report

import (
	"time"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/summary"
)

// item is one event of a test fixture and the class of its body.
type item struct {
	ev parse.Event
	c  *classify.Class
}

func feed(s *summary.Summary, items []item) {
	for i := range items {
		s.Add(&items[i].ev, items[i].c)
	}
}

func infra(key string) *classify.Class {
	return &classify.Class{Kind: classify.Infra, Key: key, Text: []byte(key)}
}

func resp(file string, line int, t time.Time, method string, status int, url string, c *classify.Class) item {
	return item{
		ev: parse.Event{
			Kind: parse.KindResponse, File: file, Line: line, Time: t,
			Method: []byte(method), Status: status, URL: []byte(url),
			HasBody: c != nil || status < 400, Body: bodyOf(c),
		},
		c: c,
	}
}

func bodyOf(c *classify.Class) []byte {
	if c == nil {
		return nil
	}
	return c.Text
}

// fixture is the report of the golden files: two escalation keys on two
// hosts, reviews (infra under 500 and under an unknown status), server code
// 14 under 400 twice, unknown "0" under 500 and 401, an HTML page, a 503
// with no body, hostile free text, network errors, backoff, and a second
// input that was cut short.
func fixture() ([]item, []summary.Input) {
	const (
		f1   = "error-sync-1757623044413.txt"
		f2   = "error-sync-1757623999999.txt.gz"
		s405 = "https://scl2-sync405.services.mozilla.com/1.5/123456"
		s406 = "https://scl2-sync406.services.mozilla.com"
	)
	t0 := time.UnixMilli(1757623044413)
	at := func(ms int64) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	notInPool := "server issue: database not in pool"
	quota := &classify.Class{Kind: classify.ServerCode, Key: "14", Description: "User over quota (API 1.1 and up)", Text: []byte("14")}
	zero := &classify.Class{Kind: classify.Unknown, Key: "0", Description: "generic unknown error", Text: []byte("0")}
	html := &classify.Class{Kind: classify.Unknown, Key: "(html page)", Description: "HTML page (proxy or load balancer)",
		Text: []byte("<html><head><title>503 Service Temporarily Unavailable</title>")}
	hostile := &classify.Class{Kind: classify.Unknown, Text: []byte("Bad | `gateway` <b>*x*</b> [y](z) \x1b[31mred\u202eevil\r\n")}
	exhausted := infra("server issue: pool exhausted")
	exhausted.Description = "An unexpected server error occurred: pool is empty."

	items := []item{
		resp(f1, 10, at(0), "GET", 200, s405+"/info/collections", nil),
		resp(f1, 12, at(120), "GET", 503, s405+"/storage/bookmarks", infra(notInPool)),
		resp(f1, 15, at(250), "POST", 503, "https://user:secret@scl2-sync406.services.mozilla.com:8443/1.5/123456/storage/tabs", exhausted),
		resp(f1, 19, at(1250), "GET", 503, s406+":443/1.5/123456/storage/history", infra(notInPool)),
		resp(f1, 22, at(2000), "GET", 500, s405+"/storage/forms", infra("server issue: database lookup failed")),
		resp(f1, 25, at(3000), "POST", 400, s405+"/storage/bookmarks", quota),
		resp(f1, 28, at(3100), "POST", 400, s405+"/storage/bookmarks", quota),
		resp(f1, 31, at(4000), "GET", 500, s405+"/storage/prefs", zero),
		resp(f1, 33, at(4500), "GET", 401, "https://token.services.mozilla.com/1.0/sync/1.5", zero),
		resp(f1, 36, at(5000), "GET", 503, "https://sync-lb.example.net/1.5/123456/info/collections", html),
		resp(f1, 40, at(6000), "GET", 503, "https://scl2-sync407.services.mozilla.com/1.5/123456/storage/meta/global", nil),
		{ev: parse.Event{Kind: parse.KindNetworkError, File: f1, Line: 44, Time: at(7000), Method: []byte("GET"),
			URL: []byte("https://mysyncserver/index.php/1.1/user/info/collections"), Detail: []byte("NS_ERROR_CONNECTION_REFUSED")}},
		{ev: parse.Event{Kind: parse.KindNetworkError, File: f1, Line: 45, Time: at(7100), Method: []byte("GET"),
			URL: []byte("http://10.8.0.6:8000/1.0/sync/1.5"), Detail: []byte("NS_ERROR_CONNECTION_REFUSED")}},
		{ev: parse.Event{Kind: parse.KindNetworkError, File: f1, Line: 46, Time: at(7200), Method: []byte("POST"),
			URL: []byte(s405 + "/storage/tabs"), Detail: []byte("NS_ERROR_NET_RESET")}},
		{ev: parse.Event{Kind: parse.KindBackoff, File: f1, Line: 50, Time: at(8000), Detail: []byte("Retry-After"), Seconds: 600}},
		{ev: parse.Event{Kind: parse.KindBackoff, File: f1, Line: 51, Time: at(8000), Detail: []byte("X-Weave-Backoff"), Seconds: 3600}},
		{ev: parse.Event{Kind: parse.KindBackoff, File: f1, Line: 52, Time: at(9000), Detail: []byte("Retry-After"), Seconds: 900.5}},
		resp(f1, 55, at(10000), "GET", 502, s405+"/storage/clients", hostile),
		resp(f2, 3, at(900000), "GET", 503, s406+"/1.5/123456/storage/clients", infra(notInPool)),
		resp(f2, 7, time.Time{}, "", 0, "", infra("server issue: getVS failed")),
	}
	inputs := []summary.Input{
		{Path: f1, Format: "plain", Layout: "desktop", Bytes: 48213, DecodedBytes: 48213, Lines: 612, Records: 590, Complete: true},
		{Path: f2, Format: "gzip", Layout: "desktop", Bytes: 9120, DecodedBytes: 30211, Lines: 377, Records: 350, LongLines: 1,
			Complete: false, Error: "gzip: unexpected EOF"},
	}
	return items, inputs
}

// fixtureSummary returns the Summary of the golden files.
func fixtureSummary(l summary.Limits) *summary.Summary {
	items, inputs := fixture()
	s := summary.New(l)
	feed(s, items)
	for _, in := range inputs {
		s.AddInput(in)
	}
	return s
}
