// Package synth writes large, realistic Firefox Sync logs together with their
// ground truth, for benchmarks and end-to-end checks of the parser.
package synth

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config says what Write generates.
type Config struct {
	// Seed selects the log: the same Seed and Trace give the same bytes,
	// and a smaller Bytes gives a prefix of a larger one.
	Seed int64
	// Bytes is the target size. Write stops at the first sync step that
	// reaches it, so the log is at most a few KiB longer.
	Bytes int64
	// Trace turns on what services.sync.log.logger.network.resources=Trace
	// logs: the TRACE lines with request and response bodies. Without it the
	// log is at the default level and holds no bodies at all. In the
	// logcat layout it turns on Fennec's body lines, the only bodies any
	// other layout holds.
	Trace bool
	// Layout is the record layout written: LayoutDesktop (also ""),
	// LayoutLogcat, LayoutIOS or LayoutAccess. Every layout writes the same
	// kind of traffic; the desktop log does not depend on this field.
	Layout string
}

// Truth is what the written log holds, counted by the counting rule of
// domain.md: one HTTP response is counted once however many lines the client
// spent on it.
type Truth struct {
	Bytes           int64 `json:"bytes"`            // bytes written
	Lines           int64 `json:"lines"`            // lines written, continuation lines included
	Responses       int64 `json:"responses"`        // HTTP responses (any status)
	FailedResponses int64 `json:"failed_responses"` // responses with status >= 400
	Escalations     int64 `json:"escalations"`      // infra string in an HTTP 503
	NoBody503       int64 `json:"no_body_503"`      // 503 responses whose body the log does not hold
	NetworkErrors   int64 `json:"network_errors"`   // requests that failed with no HTTP status
	Backoffs        int64 `json:"backoffs"`         // Retry-After, X-Weave-Backoff and backoff notices
	// Classes counts the classified bodies of failed responses (status
	// outside 200..399) by "class/key", as the report names them:
	// "infra/server issue: pool exhausted", "server_code/14", "unknown/0",
	// "unknown/(html page)".
	Classes map[string]int64 `json:"classes"`
}

// ErrBytes is returned by Write for a Config whose Bytes is not positive.
var ErrBytes = errors.New("synth: Config.Bytes must be positive")

// ErrLayout is returned by Write for a Config whose Layout is not one of
// Layouts.
var ErrLayout = errors.New("synth: unknown Config.Layout")

// chunk is how much Write buffers before writing to w.
const chunk = 1 << 20

// Write writes a log of about c.Bytes bytes to w and returns its Truth. It
// streams in bounded memory (one 1 MiB buffer, written to w whenever full), so
// w needs no buffering of its own. It returns the first write error.
func Write(w io.Writer, c Config) (Truth, error) {
	if c.Bytes <= 0 {
		return Truth{}, ErrBytes
	}
	if c.Layout == "" {
		c.Layout = LayoutDesktop
	}
	if !slices.Contains(Layouts, c.Layout) {
		return Truth{}, fmt.Errorf("%w %q (want one of %s)", ErrLayout, c.Layout, strings.Join(Layouts, ", "))
	}
	g := &gen{
		r:      rand.New(rand.NewPCG(uint64(c.Seed), 0x5eed5eed5eed5eed)),
		w:      w,
		buf:    make([]byte, 0, chunk+64<<10),
		target: c.Bytes,
		trace:  c.Trace,
		t:      Truth{Classes: make(map[string]int64)},
		ts:     1756106000000,
		layout: c.Layout,
	}
	if g.layout == LayoutDesktop {
		g.run()
	} else {
		g.runOther()
	}
	if g.err == nil && len(g.buf) > 0 {
		g.write()
	}
	g.t.Bytes = g.written
	return g.t, g.err
}

// gen holds the state of one Write.
type gen struct {
	r       *rand.Rand
	w       io.Writer
	buf     []byte
	written int64
	target  int64
	trace   bool
	t       Truth
	err     error

	ts      int64  // time of the last line, epoch ms
	host    int    // index into hosts
	uid     int    // index into uids
	session []byte // browser session id
	url     []byte // scratch: the URL of the current request

	layout string // Config.Layout, never ""
	other         // state of the layouts other than desktop
}

func (g *gen) size() int64 { return g.written + int64(len(g.buf)) }
func (g *gen) done() bool  { return g.err != nil || g.size() >= g.target }

func (g *gen) write() {
	n, err := g.w.Write(g.buf)
	g.written += int64(n)
	if err == nil && n < len(g.buf) {
		err = io.ErrShortWrite
	}
	g.err = err
	g.buf = g.buf[:0]
}

func (g *gen) flushIfFull() {
	if len(g.buf) >= chunk {
		g.write()
	}
}

// Vocabulary. Hosts and uids come from small sets so that reports group them.
var (
	hosts = []string{
		"sync-1-us-west1-g.sync.services.mozilla.com",
		"sync-42-us-west1-g.sync.services.mozilla.com",
		"sync-305-us-west1-g.sync.services.mozilla.com",
		"sync-702-us-west1-g.sync.services.mozilla.com",
		"sync-811-us-west1-g.sync.services.mozilla.com",
	}
	uids = []string{"987654321", "159068076", "123456789", "204818531"}

	// InfraStrings are the eight infrastructure strings of the docs table.
	infraStrings = []string{
		"server issue: pool exhausted",
		"server issue: getVS failed",
		"server issue: prefix not set",
		"server issue: host header not received from client",
		"server issue: database lookup failed",
		"server issue: database is not healthy",
		"server issue: database not in pool",
		"server issue: database marked as down",
	}
	// serverCodes400 are the codes a storage server sends with a 400.
	serverCodes400 = []string{"14", "17", "8"}

	htmlPage = []string{
		"<head><title>503 Service Temporarily Unavailable</title></head>",
		"<body>",
		"<center><h1>503 Service Temporarily Unavailable</h1></center>",
		"<hr><center>nginx</center>",
		"</body>",
		"</html>",
	}

	networkFailures = []string{
		"NS_ERROR_CONNECTION_REFUSED\"  nsresult: \"0x804b000d (NS_ERROR_CONNECTION_REFUSED)",
		"NS_ERROR_CONNECTION_REFUSED\"  nsresult: \"0x804b000d (NS_ERROR_CONNECTION_REFUSED)",
		"NS_ERROR_NET_RESET\"  nsresult: \"0x804b0014 (NS_ERROR_NET_RESET)",
		"NS_ERROR_UNKNOWN_HOST\"  nsresult: \"0x804b001e (NS_ERROR_UNKNOWN_HOST)",
		"NS_ERROR_NET_TIMEOUT\"  nsresult: \"0x804b000e (NS_ERROR_NET_TIMEOUT)",
	}

	stackFrames = []string{
		"_applyRecord@resource://services-sync/engines/history.sys.mjs:412:25",
		"applyIncomingBatch@resource://services-sync/engines/history.sys.mjs:371:24",
		"async*_processIncoming@resource://services-sync/engines.sys.mjs:1310:20",
		"async*_sync@resource://services-sync/engines.sys.mjs:1789:13",
		"async*sync@resource://services-sync/engines.sys.mjs:1234:5",
		"_syncEngine@resource://services-sync/stages/enginesync.sys.mjs:283:19",
		"async*sync@resource://services-sync/stages/enginesync.sys.mjs:166:22",
		"async*onNotify@resource://services-sync/service.sys.mjs:1064:31",
		"_lock@resource://services-sync/util.sys.mjs:287:18",
		"async*sync@resource://services-sync/service.sys.mjs:1056:13",
	}

	errorMessages = []string{
		"Failed to apply incoming record %: TypeError: can't access property \"visits\", record is undefined",
		"Failed to reconcile incoming record %: Error: Unknown record type",
		"Caught exception: NotFoundError: Could not find record % in the store",
		"Failed to process outgoing record %: Error: Can't insert record with invalid GUID",
	}
)

// engine is one Sync engine: logger name and collection.
type engine struct {
	logger, store, tracker, name string
	weight                       int // chance to take part in a sync, per 100
}

var engines = []engine{
	{"Sync.Engine.Clients", "Sync.Store.Clients", "Sync.Tracker.Clients", "clients", 100},
	{"Sync.Engine.Passwords", "Sync.Store.Passwords", "Sync.Tracker.Passwords", "passwords", 60},
	{"Sync.Engine.Tabs", "Sync.Store.Tabs", "Sync.Tracker.Tabs", "tabs", 90},
	{"Sync.Engine.Bookmarks", "Sync.Store.Bookmarks", "Sync.Tracker.Bookmarks", "bookmarks", 80},
	{"Sync.Engine.Forms", "Sync.Store.Forms", "Sync.Tracker.Forms", "forms", 60},
	{"Sync.Engine.History", "Sync.Store.History", "Sync.Tracker.History", "history", 90},
	{"Sync.Engine.Addons", "Sync.Store.Addons", "Sync.Tracker.Addons", "addons", 30},
	{"Sync.Engine.Prefs", "Sync.Store.Prefs", "Sync.Tracker.Prefs", "prefs", 50},
	{"Sync.Engine.Addresses", "Sync.Store.Addresses", "Sync.Tracker.Addresses", "addresses", 20},
	{"Sync.Engine.Creditcards", "Sync.Store.Creditcards", "Sync.Tracker.Creditcards", "creditcards", 10},
}

// Outcomes of an incoming GET, per 100 000 requests.
const (
	pInfra503  = 950 // about one escalation per 2000 lines with Trace on
	pHTML503   = 400
	pZero500   = 400
	pInfra500  = 40 // an infra string outside a 503: a finding to review
	pNetError  = 600
	pOutcomes  = 100000
	pBackoffOK = 300 // X-Weave-Backoff on a success
)

// Outcomes of a POST batch, per 100 000.
const (
	pCode400 = 2000
	pPost503 = 800
)

// run writes syncs until the target size is reached.
func (g *gen) run() {
	g.newSession()
	for n := 0; !g.done(); n++ {
		if n%40 == 39 {
			g.newSession()
		}
		g.sync()
		g.ts += 300000 + int64(g.r.IntN(600000))
	}
}

func (g *gen) newSession() {
	g.session = g.appendID(g.session[:0], 12)
	g.host = g.r.IntN(len(hosts))
	g.uid = g.r.IntN(len(uids))
	g.line("Sync.Service", "DEBUG", "User-Agent: Firefox/142.0 (Windows NT 10.0; Win64; x64) FxSync/1.144.0.20250818090224.desktop")
}

// sync writes one sync, stopping after any step once the target is reached.
func (g *gen) sync() {
	start := g.ts
	g.head("Sync.Service", "INFO")
	g.buf = append(g.buf, "Starting sync at "...)
	g.buf = time.UnixMilli(g.ts).UTC().AppendFormat(g.buf, "2006-01-02 15:04:05")
	g.buf = append(g.buf, " in browser session "...)
	g.buf = append(g.buf, g.session...)
	g.end()
	g.line("Sync.Service", "DEBUG", "In sync: should login.")
	g.line("Sync.Status", "DEBUG", "Status.service: success.status_ok => success.status_ok")
	if g.r.IntN(100) < 15 && !g.token() {
		return
	}
	if g.r.IntN(100) < 85 {
		g.line("Sync.BrowserIDManager", "DEBUG", "_ensureValidToken already has one")
	}
	// info/collections
	g.setURL("info/collections", "")
	g.statusLine("GET", "success", 200)
	if g.trace {
		g.head("Sync.Resource", "TRACE")
		g.buf = append(g.buf, "GET body: {"...)
		for i, e := range engines[:8] {
			if i > 0 {
				g.buf = append(g.buf, ',')
			}
			g.buf = append(g.buf, '"')
			g.buf = append(g.buf, e.name...)
			g.buf = append(g.buf, "\":"...)
			g.buf = g.appendModified(g.buf)
		}
		g.buf = append(g.buf, '}')
		g.end()
	}
	g.response(200, "")
	if g.r.IntN(4) == 0 {
		g.line("Sync.Service", "DEBUG", "Fetching global metadata record")
		g.setURL("storage/meta/global", "")
		g.statusLine("GET", "success", 200)
		if g.trace {
			g.head("Sync.Resource", "TRACE")
			g.buf = append(g.buf, `GET body: {"id":"global","modified":`...)
			g.buf = g.appendModified(g.buf)
			g.buf = append(g.buf, `,"payload":"{\"syncID\":\"`...)
			g.buf = g.appendID(g.buf, 12)
			g.buf = append(g.buf, `\",\"storageVersion\":5,\"declined\":[],\"engines\":{\"bookmarks\":{\"version\":2,\"syncID\":\"`...)
			g.buf = g.appendID(g.buf, 12)
			g.buf = append(g.buf, `\"}}}"}`...)
			g.end()
		}
		g.response(200, "")
	}
	g.line("Sync.Synchronizer", "DEBUG", "Refreshing client list.")
	failed := false
	for i := range engines {
		e := &engines[i]
		if g.r.IntN(100) >= e.weight {
			continue
		}
		if !g.engine(e) {
			failed = true
		}
		g.flushIfFull()
		if g.done() {
			return
		}
	}
	if failed {
		g.line("Sync.ErrorHandler", "DEBUG", "Some engines did not sync correctly.")
	}
	g.head("Sync.Service", "INFO")
	g.buf = append(g.buf, "Sync completed at "...)
	g.buf = time.UnixMilli(g.ts).UTC().AppendFormat(g.buf, "2006-01-02 15:04:05")
	g.buf = append(g.buf, " after "...)
	g.buf = strconv.AppendFloat(g.buf, float64(g.ts-start)/1000, 'f', 2, 64)
	g.buf = append(g.buf, " secs."...)
	g.end()
	g.line("Sync.SyncScheduler", "DEBUG", "Next sync in 600000 ms. (why: schedule)")
}

// token writes a token fetch and reports whether it succeeded.
func (g *gen) token() bool {
	g.line("Sync.BrowserIDManager", "DEBUG", "Getting a token")
	st := 200
	if g.r.IntN(100) < 4 {
		st = 503
	}
	g.head("Services.Common.RESTRequest", "DEBUG")
	g.buf = append(g.buf, "GET https://token.services.mozilla.com/1.0/sync/1.5 "...)
	g.buf = strconv.AppendInt(g.buf, int64(st), 10)
	g.end()
	g.head("Services.Common.TokenServerClient", "DEBUG")
	g.buf = append(g.buf, "Got token response: "...)
	g.buf = strconv.AppendInt(g.buf, int64(st), 10)
	g.end()
	// No body is logged for a token response: a 503 here is bodiless in
	// both modes.
	g.response(st, "")
	if st != 200 {
		g.line("Sync.Status", "DEBUG", "Status.login: success.login => error.login.reason.network")
		g.line("Sync.ErrorHandler", "ERROR", "Sync encountered a login error")
		g.stack()
		return false
	}
	if g.r.IntN(3) == 0 {
		g.host = g.r.IntN(len(hosts))
	}
	g.head("Sync.BrowserIDManager", "DEBUG")
	g.buf = append(g.buf, "Fetched a new token; storage node is now https://"...)
	g.buf = append(g.buf, hosts[g.host]...)
	g.buf = append(g.buf, "/1.5/"...)
	g.buf = append(g.buf, uids[g.uid]...)
	g.end()
	return true
}

// engine writes one engine's sync and reports whether it succeeded.
func (g *gen) engine(e *engine) bool {
	out := 0
	if g.r.IntN(3) == 0 {
		out = [...]int{1, 1, 1, 1, 1, 1, 2, 2, 2, 3}[g.r.IntN(10)]
	}
	g.head(e.logger, "INFO")
	g.buf = strconv.AppendInt(g.buf, int64(out), 10)
	g.buf = append(g.buf, " outgoing items pre-reconciliation"...)
	g.end()
	if g.trace {
		g.noise(e, 4+g.r.IntN(9))
	} else {
		g.noise(e, 1+g.r.IntN(5))
	}
	if !g.incoming(e) {
		g.engineFailed(e)
		return false
	}
	if out == 0 {
		return true
	}
	return g.upload(e, out)
}

// incoming writes the GET of e's incoming records, drawing its outcome from
// the p* rates, and reports whether it succeeded.
func (g *gen) incoming(e *engine) bool {
	g.setURL("storage/"+e.name, "full")
	switch p := g.r.IntN(pOutcomes); {
	case p < pInfra503:
		g.failedGet(503, infraStrings[g.r.IntN(len(infraStrings))], 'q')
	case p < pInfra503+pHTML503:
		g.failedGet(503, "", 'h')
	case p < pInfra503+pHTML503+pZero500:
		g.failedGet(500, "0", 0)
	case p < pInfra503+pHTML503+pZero500+pInfra500:
		g.failedGet(500, infraStrings[g.r.IntN(len(infraStrings))], 'q')
	case p < pInfra503+pHTML503+pZero500+pInfra500+pNetError:
		g.networkError()
	default:
		g.incomingOK(e)
		return true
	}
	return false
}

// networkError writes a GET of g.url that failed with no HTTP status.
func (g *gen) networkError() {
	g.head("Sync.Resource", "WARN")
	g.buf = append(g.buf, "GET request to "...)
	g.buf = append(g.buf, g.url...)
	g.buf = append(g.buf, ` failed: [Exception... "`...)
	g.buf = append(g.buf, networkFailures[g.r.IntN(len(networkFailures))]...)
	g.buf = append(g.buf, `"  location: "<unknown>"  data: no]`...)
	g.end()
	g.t.NetworkErrors++
	g.line("Sync.Status", "DEBUG", "Status.sync: success.sync => error.sync.reason.network_error")
}

// incomingOK writes a successful GET of g.url with a few records, and the
// engine applying them.
func (g *gen) incomingOK(e *engine) {
	g.statusLine("GET", "success", 200)
	n := [...]int{0, 0, 0, 0, 0, 1, 1, 1, 2, 3}[g.r.IntN(10)]
	if g.trace {
		g.head("Sync.Resource", "TRACE")
		g.buf = append(g.buf, "GET body: ["...)
		for i := range n {
			if i > 0 {
				g.buf = append(g.buf, ',')
			}
			g.buf = g.appendRecord(g.buf, true)
		}
		g.buf = append(g.buf, ']')
		g.end()
	}
	g.response(200, "")
	if g.r.IntN(pOutcomes) < pBackoffOK {
		g.line("Sync.Resource", "DEBUG", "Got X-Weave-Backoff: 3600")
		g.line("Sync.SyncScheduler", "DEBUG", "Got backoff notification: 3600000ms")
		g.t.Backoffs += 2
	}
	for range n {
		g.recordNoise(e)
	}
	g.head(e.logger, "INFO")
	g.buf = append(g.buf, "Records: "...)
	g.buf = strconv.AppendInt(g.buf, int64(n), 10)
	g.buf = append(g.buf, " applied, "...)
	g.buf = strconv.AppendInt(g.buf, int64(n), 10)
	g.buf = append(g.buf, " successfully, 0 failed to apply, 0 newly failed to apply, 0 reconciled."...)
	g.end()
	if g.r.IntN(100) < 3 {
		g.errorWithStack(e.logger)
	}
}

// engineFailed writes what follows a failed incoming GET: the engine's status
// and, half the time, the error handler's report with a stack.
func (g *gen) engineFailed(e *engine) {
	g.statusForEngine(e, "unknown_fail")
	if g.r.IntN(2) == 0 {
		g.head("Sync.ErrorHandler", "ERROR")
		g.buf = append(g.buf, e.name...)
		g.buf = append(g.buf, " failed: Error: HTTP error ("...)
		g.buf = append(g.buf, "resource://services-sync/resource.sys.mjs:263:17)"...)
		g.end()
		g.stack()
	}
}

// failedGet writes a failed GET of g.url: the DEBUG status line, the TRACE
// body when tracing (body is the raw body; 'q' quotes it as a JSON string,
// 'h' writes the HTML page), and the WARN line.
func (g *gen) failedGet(st int, body string, how byte) {
	g.statusLine("GET", "fail", st)
	key := ""
	if g.trace {
		g.head("Sync.Resource", "TRACE")
		g.buf = append(g.buf, "GET body: "...)
		switch how {
		case 'q':
			g.buf = append(g.buf, '"')
			g.buf = append(g.buf, body...)
			g.buf = append(g.buf, '"')
			key = "infra/" + body
		case 'h':
			g.buf = append(g.buf, "<html>"...)
			g.end()
			for _, l := range htmlPage {
				g.cont(l)
			}
			key = "unknown/(html page)"
		default:
			g.buf = append(g.buf, body...)
			key = "unknown/" + body
		}
		if how != 'h' {
			g.end()
		}
	}
	g.warnStatus("GET", st)
	g.response(st, key)
	if st == 503 && g.r.IntN(10) < 7 {
		g.head("Sync.ErrorHandler", "DEBUG")
		g.buf = append(g.buf, "Got Retry-After: "...)
		g.buf = strconv.AppendInt(g.buf, int64(300*(1+g.r.IntN(6))), 10)
		g.end()
		g.t.Backoffs++
		g.line("Sync.Status", "DEBUG", "Status.sync: success.sync => error.sync.reason.serverMaintenance")
	}
}

// upload writes a POST batch of n records and reports whether it succeeded.
func (g *gen) upload(e *engine, n int) bool {
	g.setURL("storage/"+e.name, "batch")
	if g.trace {
		g.postBody(n)
	}
	switch p := g.r.IntN(pOutcomes); {
	case p < pCode400:
		g.upload400(e)
		return false
	case p < pCode400+pPost503:
		g.upload503(e)
		return false
	}
	g.uploadOK(e, n)
	return true
}

// postBody writes the TRACE lines of a POST of n records: its length, then
// its body.
func (g *gen) postBody(n int) {
	g.head("Sync.Resource", "TRACE")
	g.buf = append(g.buf, "POST Length: "...)
	lenAt := len(g.buf)
	g.end()
	g.head("Sync.Resource", "TRACE")
	g.buf = append(g.buf, "POST Body: ["...)
	bodyAt := len(g.buf)
	for i := range n {
		if i > 0 {
			g.buf = append(g.buf, ',')
		}
		g.buf = g.appendRecord(g.buf, false)
	}
	g.buf = append(g.buf, ']')
	bodyLen := len(g.buf) - bodyAt + 1
	g.end()
	// Fill in the length now that the body is written: move the body
	// line right by the width of the number.
	var nb [20]byte
	num := strconv.AppendInt(nb[:0], int64(bodyLen), 10)
	g.buf = append(g.buf, num...)
	copy(g.buf[lenAt+len(num):], g.buf[lenAt:len(g.buf)-len(num)])
	copy(g.buf[lenAt:], num)
}

// upload400 writes a POST of g.url that the server refused with a 400 and,
// when tracing, one of its server codes as the body.
func (g *gen) upload400(e *engine) {
	g.statusLine("POST", "fail", 400)
	key := ""
	if g.trace {
		code := serverCodes400[g.r.IntN(len(serverCodes400))]
		g.head("Sync.Resource", "TRACE")
		g.buf = append(g.buf, "POST body: "...)
		g.buf = append(g.buf, code...)
		g.end()
		key = "server_code/" + code
	}
	g.warnStatus("POST", 400)
	g.response(400, key)
	g.statusForEngine(e, "record_upload_fail")
}

// upload503 writes a POST of g.url that failed with a 503 whose body is "0".
func (g *gen) upload503(e *engine) {
	g.statusLine("POST", "fail", 503)
	key := ""
	if g.trace {
		g.line("Sync.Resource", "TRACE", "POST body: 0")
		key = "unknown/0"
	}
	g.warnStatus("POST", 503)
	g.head(e.logger, "DEBUG")
	g.buf = append(g.buf, "Uploading records failed: 503"...)
	g.end()
	g.response(503, key)
	g.statusForEngine(e, "record_upload_fail")
}

// uploadOK writes a successful POST of n records and the tracker saving
// their IDs.
func (g *gen) uploadOK(e *engine, n int) {
	g.statusLine("POST", "success", 200)
	if g.trace {
		g.head("Sync.Resource", "TRACE")
		g.buf = append(g.buf, `POST body: {"modified":`...)
		g.buf = g.appendModified(g.buf)
		g.buf = append(g.buf, `,"success":[`...)
		for i := range n {
			if i > 0 {
				g.buf = append(g.buf, ',')
			}
			g.buf = append(g.buf, '"')
			g.buf = g.appendID(g.buf, 12)
			g.buf = append(g.buf, '"')
		}
		g.buf = append(g.buf, `],"failed":{}}`...)
		g.end()
	}
	g.response(200, "")
	g.head(e.tracker, "DEBUG")
	g.buf = append(g.buf, "Saving changed IDs to "...)
	g.buf = append(g.buf, e.name...)
	g.end()
}

// response counts one HTTP response; key is the "class/key" of its body, or
// "" when the log holds none. Bodies of successful responses are data and
// are not classified.
func (g *gen) response(st int, key string) {
	t := &g.t
	t.Responses++
	if st >= 400 {
		t.FailedResponses++
	}
	if key == "" {
		if st == 503 {
			t.NoBody503++
		}
		return
	}
	if st >= 200 && st < 400 {
		return
	}
	t.Classes[key]++
	if st == 503 && len(key) > 6 && key[:6] == "infra/" {
		t.Escalations++
	}
}

// Line writers.

func (g *gen) head(logger, level string) {
	g.ts += 1 + int64(g.r.IntN(40))
	g.buf = strconv.AppendInt(g.buf, g.ts, 10)
	g.buf = append(g.buf, '\t')
	g.buf = append(g.buf, logger...)
	g.buf = append(g.buf, '\t')
	g.buf = append(g.buf, level...)
	g.buf = append(g.buf, '\t')
}

func (g *gen) end() {
	g.buf = append(g.buf, '\n')
	g.t.Lines++
}

func (g *gen) line(logger, level, msg string) {
	g.head(logger, level)
	g.buf = append(g.buf, msg...)
	g.end()
}

// cont writes a continuation line (no time, logger or level).
func (g *gen) cont(text string) {
	g.buf = append(g.buf, text...)
	g.end()
}

// setURL sets g.url to a storage URL of the current node and user; query is
// "" (none), "full" (an incoming GET) or "batch" (an upload).
func (g *gen) setURL(path, query string) {
	u := append(g.url[:0], "https://"...)
	u = append(u, hosts[g.host]...)
	u = append(u, "/1.5/"...)
	u = append(u, uids[g.uid]...)
	u = append(u, '/')
	u = append(u, path...)
	switch query {
	case "full":
		u = append(u, "?full=1"...)
		if g.r.IntN(4) != 0 {
			u = append(u, "&newer="...)
			u = g.appendModified(u)
		}
		u = append(u, "&limit=1000"...)
	case "batch":
		u = append(u, "?batch=true&commit=true"...)
	}
	g.url = u
}

var requestHeaders = []string{
	"HTTP Header accept: application/json;q=0.9,*/*;q=0.2",
	"HTTP Header content-type: application/json",
	"HTTP Header x-if-unmodified-since: ",
	"HTTP Header x-weave-records: ",
}

// headers writes, when tracing, the TRACE lines of 1 to 3 request headers.
func (g *gen) headers() {
	if !g.trace {
		return
	}
	for range 1 + g.r.IntN(3) {
		g.head("Sync.Resource", "TRACE")
		switch h := requestHeaders[g.r.IntN(len(requestHeaders))]; h[len(h)-1] {
		case ' ':
			g.buf = append(g.buf, h...)
			if h[12] == 'x' && h[14] == 'i' {
				g.buf = g.appendModified(g.buf)
			} else {
				g.buf = strconv.AppendInt(g.buf, int64(1+g.r.IntN(100)), 10)
			}
		default:
			g.buf = append(g.buf, h...)
		}
		g.end()
	}
}

// statusLine writes Sync.Resource's "GET success 200 <url>".
func (g *gen) statusLine(method, result string, st int) {
	g.headers()
	g.head("Sync.Resource", "DEBUG")
	g.buf = append(g.buf, method...)
	g.buf = append(g.buf, ' ')
	g.buf = append(g.buf, result...)
	g.buf = append(g.buf, ' ')
	g.buf = strconv.AppendInt(g.buf, int64(st), 10)
	g.buf = append(g.buf, ' ')
	g.buf = append(g.buf, g.url...)
	g.end()
}

// warnStatus writes "GET request to <url> failed with status 503".
func (g *gen) warnStatus(method string, st int) {
	g.head("Sync.Resource", "WARN")
	g.buf = append(g.buf, method...)
	g.buf = append(g.buf, " request to "...)
	g.buf = append(g.buf, g.url...)
	g.buf = append(g.buf, " failed with status "...)
	g.buf = strconv.AppendInt(g.buf, int64(st), 10)
	g.end()
}

func (g *gen) statusForEngine(e *engine, reason string) {
	g.head("Sync.Status", "DEBUG")
	g.buf = append(g.buf, "Status for engine "...)
	g.buf = append(g.buf, e.name...)
	g.buf = append(g.buf, ": error.engine.reason."...)
	g.buf = append(g.buf, reason...)
	g.end()
}

// noise writes n DEBUG/INFO (and, when tracing, TRACE) lines of an engine.
func (g *gen) noise(e *engine, n int) {
	kinds := 6
	if g.trace {
		kinds = 9 // cases 5..8: TRACE lines
	}
	for range n {
		switch g.r.IntN(kinds) {
		case 0:
			g.head(e.logger, "DEBUG")
			g.buf = append(g.buf, "Engine "...)
			g.buf = append(g.buf, e.name...)
			g.buf = append(g.buf, " has "...)
			g.buf = strconv.AppendInt(g.buf, int64(g.r.IntN(50)), 10)
			g.buf = append(g.buf, " changed IDs"...)
			g.end()
		case 1:
			g.head(e.logger, "DEBUG")
			g.buf = append(g.buf, "Mapped incoming record "...)
			g.buf = g.appendID(g.buf, 12)
			g.buf = append(g.buf, " to local GUID "...)
			g.buf = g.appendID(g.buf, 12)
			g.end()
		case 2:
			g.head(e.tracker, "DEBUG")
			g.buf = append(g.buf, "Tracking change to "...)
			g.buf = g.appendID(g.buf, 12)
			g.end()
		case 3:
			g.line(e.logger, "INFO", "Skipping sync: no changes since last sync")
		case 4:
			g.head("Sync.Status", "DEBUG")
			g.buf = append(g.buf, "Status.engines: "...)
			g.buf = append(g.buf, e.name...)
			g.buf = append(g.buf, " => success.status_ok"...)
			g.end()
		default:
			if g.trace {
				g.head(e.logger, "TRACE")
				g.buf = append(g.buf, "Record "...)
				g.buf = g.appendID(g.buf, 12)
				g.buf = append(g.buf, " is not modified"...)
				g.end()
			} else {
				g.line("Sync.Service", "DEBUG", "Engine sync in progress")
			}
		}
	}
}

// recordNoise writes the lines of applying one incoming record.
func (g *gen) recordNoise(e *engine) {
	if g.trace {
		g.head(e.store, "TRACE")
		g.buf = append(g.buf, "Applying record "...)
		g.buf = g.appendID(g.buf, 12)
		g.end()
	}
	g.head(e.logger, "DEBUG")
	g.buf = append(g.buf, "Reconciling "...)
	g.buf = g.appendID(g.buf, 12)
	g.buf = append(g.buf, ": incoming is newer"...)
	g.end()
}

// errorWithStack writes an ERROR line followed by 3 to 6 stack frames.
func (g *gen) errorWithStack(logger string) {
	g.head(logger, "ERROR")
	msg := errorMessages[g.r.IntN(len(errorMessages))]
	for i := 0; i < len(msg); i++ {
		if msg[i] == '%' {
			g.buf = g.appendID(g.buf, 12)
		} else {
			g.buf = append(g.buf, msg[i])
		}
	}
	g.end()
	g.stack()
}

// stack writes 3 to 6 stack frames as continuation lines.
func (g *gen) stack() {
	n := 3 + g.r.IntN(4)
	for _, f := range stackFrames[g.r.IntN(len(stackFrames)-n+1):][:n] {
		g.cont(f)
	}
}

// Field generators.

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// appendID appends n random id characters (base64url, as Sync GUIDs).
func (g *gen) appendID(b []byte, n int) []byte { return g.appendRand(b, n, idAlphabet) }

// appendB64 appends n random base64 characters.
func (g *gen) appendB64(b []byte, n int) []byte { return g.appendRand(b, n, b64Alphabet) }

// appendRand appends n characters drawn from a 64-character alphabet, ten
// per random word.
func (g *gen) appendRand(b []byte, n int, alphabet string) []byte {
	for n > 0 {
		x := g.r.Uint64()
		for i := 0; i < 10 && n > 0; i++ {
			b = append(b, alphabet[x&63])
			x >>= 6
			n--
		}
	}
	return b
}

func (g *gen) appendHex(b []byte, n int) []byte {
	const hex = "0123456789abcdef"
	for n > 0 {
		x := g.r.Uint64()
		for i := 0; i < 16 && n > 0; i++ {
			b = append(b, hex[x&15])
			x >>= 4
			n--
		}
	}
	return b
}

// appendModified appends a server timestamp a little before now: 1756105990.41.
func (g *gen) appendModified(b []byte) []byte {
	cs := g.ts/10 - int64(g.r.IntN(8640000))
	b = strconv.AppendInt(b, cs/100, 10)
	b = append(b, '.', byte('0'+cs/10%10), byte('0'+cs%10))
	return b
}

// appendRecord appends one encrypted record as the server returns it
// (incoming) or as the client uploads it.
func (g *gen) appendRecord(b []byte, incoming bool) []byte {
	b = append(b, `{"id":"`...)
	b = g.appendID(b, 12)
	b = append(b, '"')
	if incoming {
		b = append(b, `,"modified":`...)
		b = g.appendModified(b)
	}
	b = append(b, `,"payload":"{\"ciphertext\":\"`...)
	b = g.appendB64(b, 16+4*g.r.IntN(8))
	b = append(b, `==\",\"IV\":\"`...)
	b = g.appendB64(b, 22)
	b = append(b, `==\",\"hmac\":\"`...)
	b = g.appendHex(b, 64)
	b = append(b, `\"}"}`...)
	return b
}
