package synth

import (
	"bytes"
	"strconv"
	"time"
)

// The values of Config.Layout.
const (
	// LayoutDesktop is Firefox desktop's sync log (domain.md §2).
	LayoutDesktop = "desktop"
	// LayoutLogcat is Android logcat, threadtime: Fennec's FxSync and
	// FxAccounts lines, Fenix's Rust sync15 lines, and other apps' lines.
	LayoutLogcat = "logcat"
	// LayoutIOS is the Firefox iOS app log: the old Swift client's lines
	// and the Rust sync15 lines that RustLog.swift forwards.
	LayoutIOS = "ios"
	// LayoutAccess is an nginx combined access log in front of a
	// self-hosted server: one line per response, no bodies.
	LayoutAccess = "access"
)

// Layouts lists the values of Config.Layout, LayoutDesktop first.
var Layouts = []string{LayoutDesktop, LayoutLogcat, LayoutIOS, LayoutAccess}

// client is who writes the lines of a session in the layouts other than
// desktop.
type client uint8

const (
	fennec     client = iota // logcat: android-sync (Java), logs bodies
	rustLogcat               // logcat: Fenix's sync15, never a body
	swift                    // iOS: the old Swift client, never a body
	rustIOS                  // iOS: sync15 through RustLog.swift, never a body
	server                   // access log: the server's front end
)

// other is the state of a Write in a layout other than desktop.
type other struct {
	cl    client
	pid   int    // logcat: the app's process
	tid   int    // logcat: its sync thread
	ip    string // access: the client's address
	agent string // access: the client's User-Agent
}

// Access log clients.
var (
	clientIPs = []string{"203.0.113.7", "198.51.100.23", "192.0.2.145", "203.0.113.88", "2001:db8::5e:1"}
	agents    = []string{
		"Firefox/145.0 (Windows NT 10.0; Win64; x64) FxSync/1.147.0.20251120.desktop",
		"Firefox/145.0 (Macintosh; Intel Mac OS X 10.15) FxSync/1.147.0.20251120.desktop",
		"Firefox/144.0 (X11; Linux x86_64) FxSync/1.146.0.20251020.desktop",
		"Mobile-Android-Fenix/145.0 (Pixel 7; Android 15) FxSync/1.147.0.20251120.mobile",
		"Firefox-iOS-FxA/145.0 (iPhone; iPhone OS 18.1) FxSync/1.147.0.20251120.mobile",
	}
)

// runOther writes syncs in g.layout until the target size is reached: the
// traffic of run, written as the layout's client or server logs it.
func (g *gen) runOther() {
	if g.layout == LayoutLogcat {
		g.cont("--------- beginning of main")
	}
	g.otherSession()
	for n := 0; !g.done(); n++ {
		if n%40 == 39 {
			g.otherSession()
		}
		g.otherSync()
		g.ts += 300000 + int64(g.r.IntN(600000))
	}
}

// otherSession starts a session: a new app process (or a new client of the
// server), user and storage node.
func (g *gen) otherSession() {
	g.host = g.r.IntN(len(hosts))
	g.uid = g.r.IntN(len(uids))
	switch g.layout {
	case LayoutLogcat:
		g.cl = [...]client{fennec, rustLogcat}[g.r.IntN(2)]
		g.pid = 2000 + g.r.IntN(28000)
		g.tid = g.pid + 20 + g.r.IntN(200)
		g.sysNoise(0)
	case LayoutIOS:
		g.cl = [...]client{swift, rustIOS}[g.r.IntN(2)]
		g.iosLine("Info", "AppDelegate.swift:212", "application(_:didFinishLaunchingWithOptions:)", "Firefox iOS starting, sync enabled")
	default:
		g.cl = server
		g.ip = clientIPs[g.r.IntN(len(clientIPs))]
		g.agent = agents[g.r.IntN(len(agents))]
	}
}

// otherSync writes one sync, stopping after any engine once the target is
// reached: the requests of sync, with the same outcome rates.
func (g *gen) otherSync() {
	g.otherNoise(1 + g.r.IntN(3))
	if g.r.IntN(100) < 15 && !g.otherToken() {
		return
	}
	g.setURL("info/collections", "")
	g.exchange("GET", 200, "", 0)
	if g.r.IntN(4) == 0 {
		g.setURL("storage/meta/global", "")
		g.exchange("GET", 200, "", 0)
	}
	for i := range engines {
		e := &engines[i]
		if g.r.IntN(100) >= e.weight {
			continue
		}
		g.otherEngine(e)
		g.flushIfFull()
		if g.done() {
			return
		}
	}
	g.otherNoise(1)
}

// otherToken writes a token fetch and reports whether it succeeded.
func (g *gen) otherToken() bool {
	st := 200
	if g.r.IntN(100) < 4 {
		st = [...]int{401, 503}[g.r.IntN(2)]
	}
	switch g.cl {
	case fennec:
		g.logcatHead('D', "FxAccounts")
		g.buf = append(g.buf, "firefox :: BaseResource :: HTTP GET https://token.services.mozilla.com/1.0/sync/1.5"...)
		g.end()
		g.logcatHead('D', "FxAccounts")
		g.buf = append(g.buf, "firefox :: BaseResource :: Response: "...)
		g.buf = appendStatusLine(g.buf, st)
		g.end()
	case rustLogcat, rustIOS:
		if st == 200 {
			return true // sync15 logs no successful token fetch
		}
		g.rustHead('W', "sync15::token")
		g.buf = append(g.buf, "Non-success status when fetching token: "...)
		g.buf = strconv.AppendInt(g.buf, int64(st), 10)
		g.end()
		if g.cl == rustIOS {
			g.iosHead("Error", "RustSyncManager.swift:388", "syncWithAccount(_:)")
			g.buf = append(g.buf, "sync failed: HTTP status "...)
			g.buf = strconv.AppendInt(g.buf, int64(st), 10)
			g.buf = append(g.buf, " when requesting a token from the tokenserver, reauthenticating"...)
			g.end()
		}
	case swift:
		return true // the Swift client logs no token status
	default:
		g.accessLine("GET", tokenPath, st, 200+g.r.IntN(300))
	}
	g.response(st, "")
	return st == 200
}

// otherEngine writes one engine's sync: its incoming GET and, when it has
// outgoing records and the GET succeeded, its POST batch.
func (g *gen) otherEngine(e *engine) {
	out := 0
	if g.r.IntN(3) == 0 {
		out = [...]int{1, 1, 1, 1, 1, 1, 2, 2, 2, 3}[g.r.IntN(10)]
	}
	g.otherNoise(1 + g.r.IntN(4))
	g.setURL("storage/"+e.name, "full")
	st, body, how := 200, "", byte(0)
	switch p := g.r.IntN(pOutcomes); {
	case p < pInfra503:
		st, body, how = 503, infraStrings[g.r.IntN(len(infraStrings))], 'q'
	case p < pInfra503+pHTML503:
		st, how = 503, 'h'
	case p < pInfra503+pHTML503+pZero500:
		st, body = 500, "0"
	case p < pInfra503+pHTML503+pZero500+pInfra500:
		st, body, how = 500, infraStrings[g.r.IntN(len(infraStrings))], 'q'
	}
	// A network error (pNetError) has no line shape in these layouts: that
	// request is written as a success.
	g.exchange("GET", st, body, how)
	if st != 200 {
		g.otherEngineFailed(e, st)
		return
	}
	if out == 0 {
		return
	}
	g.setURL("storage/"+e.name, "batch")
	switch p := g.r.IntN(pOutcomes); {
	case p < pCode400:
		st, body, how = 400, serverCodes400[g.r.IntN(len(serverCodes400))], 'c'
	case p < pCode400+pPost503:
		st, body = 503, "0"
	}
	g.exchange("POST", st, body, how)
	if st != 200 {
		g.otherEngineFailed(e, st)
	}
}

// otherEngineFailed writes what the client logs after an engine's failed
// request: a repeat of the response (sync15), or a line with no status.
func (g *gen) otherEngineFailed(e *engine, st int) {
	switch g.cl {
	case fennec:
		g.logcatHead('E', "FxSync")
		g.buf = append(g.buf, "GlobalSession :: Stage "...)
		g.buf = append(g.buf, e.name...)
		g.buf = append(g.buf, " failed; aborting sync."...)
		g.end()
	case rustLogcat, rustIOS:
		g.rustHead('W', "sync15::sync_multiple")
		g.buf = append(g.buf, "Sync of "...)
		g.buf = append(g.buf, e.name...)
		g.buf = append(g.buf, " failed! Error(HTTP storage error: "...)
		if st >= 500 {
			g.buf = append(g.buf, "ServerError { route: \""...)
		} else {
			g.buf = append(g.buf, "RequestFailed { route: \""...)
		}
		g.buf = append(g.buf, route(g.url)...)
		g.buf = append(g.buf, "\", status: "...)
		g.buf = strconv.AppendInt(g.buf, int64(st), 10)
		g.buf = append(g.buf, " })"...)
		g.end()
	case swift:
		g.iosHead("Warning", "BrowserProfile.swift:1032", "syncCollections(_:)")
		g.buf = append(g.buf, "Failed to sync "...)
		g.buf = append(g.buf, e.name...)
		g.buf = append(g.buf, '.')
		g.end()
	}
}

// exchange writes one storage request of g.url and its response with
// status st, as g.cl logs it, and counts it. body is the raw body of a
// failed response and how its kind: 'q' an infra string the server sends
// JSON-quoted, 'h' the HTML page (body unused), 'c' a server code, 0 other.
func (g *gen) exchange(method string, st int, body string, how byte) {
	key := ""
	switch g.cl {
	case fennec:
		key = g.fennecExchange(method, st, body, how)
	case rustLogcat, rustIOS:
		if st < 400 {
			return // sync15 logs no successful request
		}
		g.rustHead('I', "sync15::client")
		g.buf = append(g.buf, "Request \""...)
		g.buf = append(g.buf, route(g.url)...)
		g.buf = append(g.buf, "\" was an error (status="...)
		g.buf = strconv.AppendInt(g.buf, int64(st), 10)
		g.buf = append(g.buf, ')')
		g.end()
	case swift:
		if st < 400 {
			return // the Swift client logs no successful request
		}
		g.swiftFailure(st)
	default:
		g.accessLine(method, g.url[bytes.Index(g.url, v15):], st, accessSize(st, body, how, g.r.IntN(4000)))
	}
	g.response(st, key)
}

// fennecExchange writes a request and its response as android-sync logs
// them and returns the "class/key" of the body it logged, or "".
func (g *gen) fennecExchange(method string, st int, body string, how byte) string {
	if g.r.IntN(2) == 0 {
		g.logcatHead('D', "FxSync")
		g.buf = append(g.buf, "BaseResource :: HTTP "...)
		g.buf = append(g.buf, method...)
		g.buf = append(g.buf, ' ')
		g.buf = append(g.buf, g.url...)
		g.end()
	}
	g.logcatHead('D', "FxSync")
	g.buf = append(g.buf, "SSResourceDelegate :: SyncStorageResourceDelegate handling response: "...)
	g.buf = appendStatusLine(g.buf, st)
	g.buf = append(g.buf, '.')
	g.end()
	if st < 400 {
		return ""
	}
	g.logcatHead('W', "FxSync")
	g.buf = append(g.buf, "SSResourceDelegate :: HTTP request failed."...)
	g.end()
	if !g.trace {
		return ""
	}
	return g.fennecBody(body, how)
}

// fennecBody writes the body lines of a failed response: the raw body that
// SyncStorageResponse looks up, the message it found, or both; an infra
// string may come with either line alone, anything else always has the
// first. It returns the body's "class/key".
func (g *gen) fennecBody(body string, how byte) string {
	raw, msg, key := body, body, "unknown/"+body
	switch how {
	case 'q':
		raw, key = `"`+body+`"`, "infra/"+body
	case 'h':
		raw, msg, key = htmlLine, htmlLine, "unknown/(html page)"
	case 'c':
		key = "server_code/" + body
		if d, ok := codeMessages[body]; ok {
			msg = d
		}
	}
	lookup, found := true, g.r.IntN(2) == 0
	if how == 'q' {
		v := g.r.IntN(3)
		lookup, found = v != 2, v != 1
	}
	if lookup {
		g.logcatHead('D', "FxSync")
		g.buf = append(g.buf, `SyncStorageResponse :: Looking up message for body "`...)
		g.buf = append(g.buf, raw...)
		g.buf = append(g.buf, '"')
		g.end()
	}
	if found {
		g.logcatHead('W', "FxSync")
		g.buf = append(g.buf, "SSResourceDelegate :: HTTP response body: "...)
		g.buf = append(g.buf, msg...)
		g.end()
	}
	return key
}

// htmlLine is the HTML page of a 503 from nginx, on one line: a logcat
// message of many lines would give each its own header, and no client
// logs a body that way.
const htmlLine = "<html><head><title>503 Service Temporarily Unavailable</title></head><body>" +
	"<center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>"

// codeMessages are android-sync's messages for the server codes it knows;
// it predates code 17, which it logs as is.
var codeMessages = map[string]string{
	"8":  "Invalid Weave Basic Object",
	"14": "User over quota",
}

// swiftFailure writes the old Swift client's two lines on a failed
// response: its status, then the error it makes of it (no body).
func (g *gen) swiftFailure(st int) {
	g.iosHead("Debug", "StorageClient.swift:286", "failFromResponse(_:)")
	g.buf = append(g.buf, "Status code: "...)
	g.buf = strconv.AppendInt(g.buf, int64(st), 10)
	g.buf = append(g.buf, '.')
	g.end()
	if st >= 500 {
		g.iosLine("Debug", "StorageClient.swift:291", "failFromResponse(_:)", "ServerError.")
	} else {
		g.iosLine("Debug", "StorageClient.swift:296", "failFromResponse(_:)", "BadRequestError.")
	}
}

// accessSize is the body size an access log shows for a response; n is a
// random size for a success.
func accessSize(st int, body string, how byte, n int) int {
	switch {
	case st < 400:
		return 2 + n
	case how == 'q':
		return len(body) + 2
	case how == 'h':
		return len(htmlLine)
	}
	return len(body)
}

// route is the path of a storage URL without host and query, as sync15
// logs it: "/1.5/123456789/storage/bookmarks".
func route(url []byte) []byte {
	p := url[bytes.Index(url, v15):]
	if i := bytes.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	return p
}

var (
	v15       = []byte("/1.5/")
	tokenPath = []byte("/1.0/sync/1.5")
)

var reasons = map[int]string{
	200: "OK",
	400: "Bad Request",
	401: "Unauthorized",
	500: "Internal Server Error",
	503: "Service Unavailable",
}

// appendStatusLine appends "HTTP/1.1 503 Service Unavailable".
func appendStatusLine(b []byte, st int) []byte {
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(st), 10)
	b = append(b, ' ')
	return append(b, reasons[st]...)
}

// Line writers of the other layouts.

// tick advances the clock to the next line's time.
func (g *gen) tick() time.Time {
	g.ts += 1 + int64(g.r.IntN(40))
	return time.UnixMilli(g.ts).UTC()
}

// logcatHead starts a threadtime line of the app's sync thread:
// "11-24 07:13:20.298  4123  4187 D FxSync  : ".
func (g *gen) logcatHead(level byte, tag string) {
	g.logcatHeadOf(g.pid, g.tid, level, tag)
}

func (g *gen) logcatHeadOf(pid, tid int, level byte, tag string) {
	g.buf = g.tick().AppendFormat(g.buf, "01-02 15:04:05.000")
	g.buf = appendPadded(g.buf, pid, 6)
	g.buf = appendPadded(g.buf, tid, 6)
	g.buf = append(g.buf, ' ', level, ' ')
	g.buf = append(g.buf, tag...)
	for i := len(tag); i < 8; i++ {
		g.buf = append(g.buf, ' ')
	}
	g.buf = append(g.buf, ": "...)
}

// appendPadded appends n right-aligned in width characters.
func appendPadded(b []byte, n, width int) []byte {
	var d [20]byte
	s := strconv.AppendInt(d[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// iosHead starts an iOS app log line:
// "2025-11-24 07:13:20.298 [Debug] [StorageClient.swift:286] failFromResponse(_:) > ".
func (g *gen) iosHead(level, file, fn string) {
	g.buf = g.tick().AppendFormat(g.buf, "2006-01-02 15:04:05.000")
	g.buf = append(g.buf, " ["...)
	g.buf = append(g.buf, level...)
	g.buf = append(g.buf, "] ["...)
	g.buf = append(g.buf, file...)
	g.buf = append(g.buf, "] "...)
	g.buf = append(g.buf, fn...)
	g.buf = append(g.buf, " > "...)
}

func (g *gen) iosLine(level, file, fn, msg string) {
	g.iosHead(level, file, fn)
	g.buf = append(g.buf, msg...)
	g.end()
}

// rustHead starts a sync15 line: in logcat "... I sync15::client: ", on
// iOS "... [Info] [RustLog.swift:48] log(_:) > [RUST][sync15::client] ".
func (g *gen) rustHead(level byte, target string) {
	if g.layout == LayoutLogcat {
		g.logcatHead(level, target)
		return
	}
	g.iosHead(iosLevels[level], "RustLog.swift:48", "log(_:)")
	g.buf = append(g.buf, "[RUST]["...)
	g.buf = append(g.buf, target...)
	g.buf = append(g.buf, "] "...)
}

var iosLevels = map[byte]string{'D': "Debug", 'I': "Info", 'W': "Warning", 'E': "Error"}

// accessLine writes an nginx combined line:
// `203.0.113.7 - - [24/Nov/2025:07:13:20 +0000] "GET /1.5/N/... HTTP/1.1" 503 38 "-" "Firefox/..."`.
func (g *gen) accessLine(method string, path []byte, st, size int) {
	g.buf = append(g.buf, g.ip...)
	g.buf = append(g.buf, " - - ["...)
	g.buf = g.tick().AppendFormat(g.buf, "02/Jan/2006:15:04:05 -0700")
	g.buf = append(g.buf, "] \""...)
	g.buf = append(g.buf, method...)
	g.buf = append(g.buf, ' ')
	g.buf = append(g.buf, path...)
	g.buf = append(g.buf, " HTTP/1.1\" "...)
	g.buf = strconv.AppendInt(g.buf, int64(st), 10)
	g.buf = append(g.buf, ' ')
	g.buf = strconv.AppendInt(g.buf, int64(size), 10)
	g.buf = append(g.buf, ` "-" "`...)
	g.buf = append(g.buf, g.agent...)
	g.buf = append(g.buf, '"')
	g.end()
}
