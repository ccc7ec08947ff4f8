package parse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// DefaultMaxBodyBytes is the default Options.MaxBodyBytes.
const DefaultMaxBodyBytes = 64 << 10

// MinBodyBytes and MinLineBytes are the smallest body and line limits a
// scan that classifies bodies accepts: the table's keys are matched on up
// to 256 decoded bytes, which doubly JSON-escaped text and padding can
// spread over a few KiB of the log, and a body line carries a prefix
// before its body.
const (
	MinBodyBytes = 4 << 10
	MinLineBytes = 16 << 10
)

// Options configures an Extractor. The zero value uses the defaults.
type Options struct {
	// MaxLineBytes is the most kept of one line (DefaultMaxLineBytes).
	MaxLineBytes int
	// MaxBodyBytes is the most kept of one response body, continuation
	// lines included (DefaultMaxBodyBytes); a longer body is cut and
	// Event.BodyCut is set.
	MaxBodyBytes int
}

// Stats counts what an Extractor has read from the current input.
type Stats struct {
	LineStats
	Records int64 // log records: lines that start a record of the input's layout
	Layout  Layout
}

// What a response's lines have said so far; a line of a kind already seen
// starts a new response. The bits above seenBody mean something only
// within one layout (these are desktop's; logcat.go, ios.go and sync15.go
// have theirs): an input is read in one layout, and statusLine and family,
// which read these, run on desktop inputs only.
const (
	seenMesg     = 1 << iota // Sync.Resource "mesg: GET fail 503 <url>"
	seenResource             // Sync.Resource "GET fail 503 <url>"
	seenWarn                 // Sync.Resource "GET request to <url> failed with status 503"
	seenEngine               // "Uploading records failed: 503"
	seenREST                 // Services.Common.RESTRequest "GET <url> 503"
	seenToken                // "Got token response: 503"
	seenBody                 // a response that began with its body
	seenAuth                 // Sync.SyncAuthManager "Token server returned 401, retrying ..."
	seenHawk                 // Hawk "(Response) /oauth/token: code: 200 - Status text: OK"

	familyResource = seenMesg | seenResource | seenWarn | seenEngine
	familyREST     = seenREST | seenToken | seenAuth | seenHawk
)

// Body record kinds whose body may run over continuation lines.
const (
	bodyTrace     = iota + 1 // "GET body: ..."
	bodyParseFail            // "Parse fail: Response body starts: ..."
	bodyPlain                // "Invalid JSON returned by server: ...", "Body: ..."
)

// response is a response being assembled, with storage for its slices.
type response struct {
	ev                Event
	active            bool
	seen              uint16
	method, url, body []byte
}

// Extractor turns the lines of one log into Events, following the counting
// rule: one HTTP exchange is one Event however many lines the client spent
// on it. Create one with NewExtractor and reuse it across inputs with Reset.
//
// An Extractor is not safe for concurrent use.
type Extractor struct {
	opt    Options
	lr     *LineReader
	name   string
	line   int64
	recs   int64
	h      header
	layout Layout // of the current input, detected from its first record
	year   int    // of logcat times (0: the current year); see SetYear
	first  []byte // the input's first line, cut to firstLineBytes
	giveUp int64  // see GiveUpAfter; 0: never
	done   bool
	err    error
	ev     *Event
	queue  [3]*Event
	nq     int
	qi     int

	resp [3]response // the pending response is resp[cur]
	cur  int

	fennecReq  fennecRequest // Fennec's "HTTP GET <url>", for the response that follows (logcat.go)
	fennecAcct bool          // the pending Fennec response came from FxAccounts (logcat.go)

	win Window
	ws  windowState
	rs  resumeState // see Resume
	// What e held where the input ended, for Mark: the offset of the
	// line that would come next, and stateAt there.
	endAt    int64
	endState string

	aux       Event // network errors and backoff notices
	auxMethod []byte
	auxURL    []byte
	auxDetail []byte

	// A body record being assembled from continuation lines.
	body struct {
		active  bool
		discard bool // the pending success response took it; keep nothing
		kind    int
		method  []byte
		buf     []byte
		cut     bool
		line    int64
		off     int64 // where that line starts
		time    time.Time
	}
}

// Window restricts an Extractor to part of its input, so that one large
// file can be scanned in parts on several cores. Offsets are in bytes from
// the start of the reader and must fall on line starts.
//
// Lines before From are read only to build the state (a response still
// waiting for its WARN line or body); no event that begins there is
// returned. Events that begin at or after To are not returned either, but
// reading goes on past To until every event begun before it is complete.
// Scanning the parts [0,b1) [b1,b2) ... [bn,end) of a file, each reader
// started a little before its From, gives the events of the whole file
// exactly when each part's state at its From equals the previous part's
// state at its To (WindowResult.FromState, ToState).
type Window struct {
	From int64
	To   int64 // -1: to the end of the input
}

// WindowResult is what an Extractor learnt at the edges of its Window.
type WindowResult struct {
	FromLine, ToLine   int64  // line numbers of the first line at or after From, To (0: not reached; FromLine is one past the last line when From is the input's end)
	FromStats, ToStats Stats  // counts before those lines
	FromState, ToState string // the pending state there, to compare across parts
	Overrun            bool   // gave up finishing an event begun before To (see MaxOverrun)
}

type windowState struct {
	set bool
	WindowResult
}

// MaxOverrun is how far past Window.To an Extractor reads to complete the
// events begun before it; past that it gives up and reports Overrun.
const MaxOverrun = 16 << 20

// SetWindow restricts e to w until the next Reset.
func (e *Extractor) SetWindow(w Window) {
	e.win = w
	e.ws = windowState{set: true}
}

// WindowResult returns what e learnt at the edges of its Window.
func (e *Extractor) WindowResult() WindowResult { return e.ws.WindowResult }

// state describes the layout, the pending response and body record, for
// comparing two Extractors at the same line.
func (e *Extractor) state() string { return e.stateAt(e.line) }

// stateAt is state, as it is before line number line is read.
func (e *Extractor) stateAt(line int64) string {
	p := &e.resp[e.cur]
	b := &e.body
	// Lines are counted back from the current one: parts number their
	// lines each from their own start. What is not active is left out.
	var pending, body string
	if p.active {
		pending = fmt.Sprintf("%d %d %d %v %v %q %q %q", p.seen, p.ev.Status, line-int64(p.ev.Line),
			p.ev.HasBody, p.ev.BodyCut, p.method, p.url, p.body)
	}
	if b.active {
		body = fmt.Sprintf("%v %d %q %q %v %d", b.discard, b.kind, b.method, b.buf, b.cut, line-b.line)
	}
	if r := &e.fennecReq; len(r.url) > 0 {
		body += fmt.Sprintf("|%q %q", r.method, r.url)
	}
	if p.active && e.fennecAcct {
		pending += "|acct"
	}
	// The layout too: a part that starts inside a stretch of lines that
	// another layout reads as its own (a desktop body holding an access
	// log line, say) does not read the rest as the whole input would.
	return e.layout.String() + "|" + pending + "|" + body
}

// emit reports whether an event that begins at line is returned.
func (e *Extractor) emit(line int) bool {
	w := &e.ws
	if !w.set {
		return true
	}
	return w.FromLine > 0 && int64(line) >= w.FromLine && (w.ToLine == 0 || int64(line) < w.ToLine)
}

// atEdge reports whether the line that starts at byte start is one whose
// Stats before it edges records: the first at or past the window's start
// or end.
func (e *Extractor) atEdge(start int64) bool {
	w := &e.ws
	return w.FromLine == 0 && start >= e.win.From || e.win.To >= 0 && w.ToLine == 0 && start >= e.win.To
}

// edges records the window's edges before line number e.line, which starts
// at byte offset start, is processed; pre is the count before it. It
// reports whether reading should stop: past To, once nothing begun before
// it is pending.
func (e *Extractor) edges(start int64, pre Stats) bool {
	w := &e.ws
	if w.FromLine == 0 && start >= e.win.From {
		w.FromLine, w.FromStats, w.FromState = e.line, pre, e.state()
		e.fromEdge()
	}
	if e.win.To >= 0 && w.ToLine == 0 && start >= e.win.To {
		w.ToLine, w.ToStats, w.ToState = e.line, pre, e.state()
	}
	if w.ToLine == 0 {
		return false
	}
	p, b := &e.resp[e.cur], &e.body
	if (!p.active || int64(p.ev.Line) >= w.ToLine) && (!b.active || b.line >= w.ToLine) {
		return true
	}
	if start-e.win.To > MaxOverrun {
		w.Overrun = true
		return true
	}
	return false
}

// NewExtractor returns an Extractor reading r, naming it name in Events and
// errors.
func NewExtractor(r io.Reader, name string, opt Options) *Extractor {
	if opt.MaxLineBytes <= 0 {
		opt.MaxLineBytes = DefaultMaxLineBytes
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = DefaultMaxBodyBytes
	}
	e := &Extractor{opt: opt, lr: NewLineReader(r, 256<<10)}
	e.lr.MaxLineBytes = opt.MaxLineBytes
	e.name = name
	return e
}

// Reset makes e read a new input, keeping its buffers.
func (e *Extractor) Reset(r io.Reader, name string) {
	e.lr.Reset(r)
	e.name = name
	e.line, e.recs, e.done, e.err, e.ev = 0, 0, false, nil, nil
	e.layout, e.year, e.first, e.giveUp = LayoutNone, 0, e.first[:0], 0
	e.nq, e.qi = 0, 0
	e.win, e.ws, e.rs = Window{}, windowState{}, resumeState{}
	e.endAt, e.endState = -1, ""
	for i := range e.resp {
		e.resp[i].active = false
	}
	e.body.active = false
	e.fennecReq = fennecRequest{method: e.fennecReq.method[:0], url: e.fennecReq.url[:0]}
}

// Next advances to the next Event and reports whether there is one. At the
// end of the input, or after a read error, it returns false; Err tells
// which.
func (e *Extractor) Next() bool {
	for {
		if e.qi < e.nq {
			e.ev = e.queue[e.qi]
			e.qi++
			return true
		}
		e.qi, e.nq = 0, 0
		if e.done {
			e.ev = nil
			return false
		}
		start, pre := e.lr.stats.Bytes, Stats{}
		if e.ws.set && e.atEdge(start) {
			pre = e.Stats() // copied only on the lines edges records
		}
		line, _, err := e.lr.ReadLine()
		if err != nil {
			e.end(start, pre, err)
			continue
		}
		e.line++
		if e.line == 1 {
			e.first = append(e.first[:0], line[:min(len(line), firstLineBytes)]...)
		}
		if e.ws.set && e.edges(start, pre) {
			e.done = true
			continue
		}
		if e.leaveLast(line) {
			e.end(start, pre, io.EOF)
			continue
		}
		if e.header(line) {
			e.recs++
			e.closeBody()
			e.dispatch()
		} else if e.recs == 0 && e.giveUp > 0 && e.lr.stats.Bytes > e.giveUp {
			e.err = &Error{File: e.name, Fault: Unrecognised, Line: e.line, Offset: -1,
				Err: fmt.Errorf("%w in its first %d bytes; first line: %s", ErrUnrecognised, e.giveUp, strconv.QuoteToASCII(string(e.first)))}
			e.done = true
		} else if e.body.active && !e.body.discard {
			e.appendBody([]byte{'\n'})
			e.appendBody(line)
		}
	}
}

// end ends the input, at the line that would start at byte start (pre:
// the counts before it, if the Window's edges need them), with err: io.EOF
// or the read error.
func (e *Extractor) end(start int64, pre Stats, err error) {
	if e.rs.on && !e.rs.noContext {
		// For Mark. The line at start is the next one, or the last one,
		// left for a later run (it is numbered already).
		next := e.line + 1
		if e.rs.skipped {
			next = e.line
		}
		e.endAt, e.endState = start, e.stateAt(next)
	}
	if w := &e.ws; w.set && w.FromLine == 0 && start >= e.win.From {
		// From is the end of the input: nothing new.
		w.FromLine, w.FromStats, w.FromState = e.line+1, pre, e.state()
		e.fromEdge()
	}
	e.closeBody()
	if err == io.EOF {
		e.flushEnd()
	} else {
		e.flush()
		e.err = &Error{File: e.name, Fault: FaultOf(err), Line: e.line, Offset: -1, Err: err}
	}
	e.done = true
}

// Event returns the current Event. It and its slices are valid until the
// next call to Next.
func (e *Extractor) Event() *Event { return e.ev }

// Err returns the read or decompression error that ended the input, or nil
// at a clean end. It is an *Error.
func (e *Extractor) Err() error { return e.err }

// Stats returns the counts for the current input.
func (e *Extractor) Stats() Stats {
	return Stats{LineStats: e.lr.Stats(), Records: e.recs, Layout: e.layout}
}

// firstLineBytes is how much of an input's first line FirstLine keeps.
const firstLineBytes = 80

// FirstLine returns the first line of the current input (at most 80
// bytes of it), to name an input that is not a Sync log. It is valid until
// the next Reset.
func (e *Extractor) FirstLine() []byte { return e.first }

// GiveUpAfter makes the Extractor end the current input with an
// Unrecognised error when its first n bytes hold no record, so that an
// endless stream that is not a Sync log (a device, a FIFO) is not read for
// ever; call it after Reset. n <= 0 turns it off.
func (e *Extractor) GiveUpAfter(n int64) { e.giveUp = max(n, 0) }

// NoRecords returns the cause to give for an input read whole that held
// bytes but no record (its Fault is Unrecognised), naming its first line.
func (e *Extractor) NoRecords() error {
	return fmt.Errorf("%w; first line: %s", ErrUnrecognised, strconv.QuoteToASCII(string(e.first)))
}

var (
	pMesg        = []byte("mesg: ")
	pGotToken    = []byte("Got token response: ")
	pRetryAfter  = []byte("Got Retry-After: ")
	pWeaveBO     = []byte("Got X-Weave-Backoff: ")
	pBONotify    = []byte("Got backoff notification: ")
	pParseFail   = []byte("Parse fail: Response body starts: ")
	pInvalidJSON = []byte("Invalid JSON returned by server: ")
	pBody        = []byte("Body: ")
	pUploading   = []byte("Uploading records failed: ")
	pNoTrace     = []byte(" No traceback available")
	pFailed      = []byte("failed: ")
	pRespBody    = []byte(`"response_body":`)
	pRespStatus  = []byte(`"response_status":`)
	pDataObj     = []byte(`{"data":`)
	pSuccess     = []byte("success ")
	pFail        = []byte("fail ")
	pRequestTo   = []byte("request to ")
	pWithStatus  = []byte(" failed with status ")
	pBodyColon   = []byte("body:")
	pHTTP        = []byte("http://")
	pHTTPS       = []byte("https://")
	pNSError     = []byte("NS_ERROR_")
	pTokenServer = []byte("Token server returned ")
	pHawkResp    = []byte("(Response) ")
	pHawkCode    = []byte(": code: ")
	ellipsis     = []byte("…")
)

// record handles the message of a record just started.
func (e *Extractor) record() {
	m := e.h.message
	if len(m) == 0 {
		return
	}
	switch m[0] {
	case 'm':
		if bytes.HasPrefix(m, pMesg) {
			e.methodLine(m[len(pMesg):], true)
			return
		}
	case 'G':
		if e.gotLine(m) {
			return
		}
	case 'P':
		if bytes.HasPrefix(m, pParseFail) {
			e.startBody(bodyParseFail, nil, m[len(pParseFail):])
			return
		}
	case 'I':
		if bytes.HasPrefix(m, pInvalidJSON) {
			e.startBody(bodyPlain, nil, m[len(pInvalidJSON):])
			return
		}
	case 'B':
		if bytes.HasPrefix(m, pBody) {
			e.startBody(bodyPlain, nil, m[len(pBody):])
			return
		}
	case 'U':
		if bytes.HasPrefix(m, pUploading) {
			e.stringBody(m[len(pUploading):])
			return
		}
	case 'T':
		if bytes.HasPrefix(m, pTokenServer) {
			e.tokenServerRetry(m[len(pTokenServer):])
			return
		}
	case '(':
		if bytes.HasPrefix(m, pHawkResp) {
			e.hawkResponse(m[len(pHawkResp):])
			return
		}
	}
	if m[0] >= 'A' && m[0] <= 'Z' && e.methodLine(m, false) {
		return
	}
	if bytes.HasSuffix(m, pNoTrace) {
		b := m[:len(m)-len(pNoTrace)]
		// "<engine> failed: <body>" or just "<body>".
		if i := bytes.Index(b, pFailed); i > 0 && b[i-1] == ' ' && bytes.IndexByte(b[:i-1], ' ') < 0 {
			b = b[i+len(pFailed):]
		}
		e.stringBody(b)
		return
	}
	if bytes.IndexByte(m, '{') >= 0 {
		e.embeddedJSON(m)
	}
}

// gotLine handles the "Got ..." messages: the tokenserver status and the
// backoff headers. It reports whether m was one.
func (e *Extractor) gotLine(m []byte) bool {
	switch {
	case bytes.HasPrefix(m, pGotToken):
		if st, ok := status(trimSpace(m[len(pGotToken):])); ok {
			e.statusLine(seenToken, nil, st, nil)
		}
	case bytes.HasPrefix(m, pRetryAfter):
		e.backoff("Retry-After", m[len(pRetryAfter):], 1)
	case bytes.HasPrefix(m, pWeaveBO):
		e.backoff("X-Weave-Backoff", m[len(pWeaveBO):], 1)
	case bytes.HasPrefix(m, pBONotify):
		e.backoff("backoff-notification", bytes.TrimSuffix(trimSpace(m[len(pBONotify):]), []byte("ms")), 1000)
	default:
		return false
	}
	return true
}

// tokenServerRetry handles Sync.SyncAuthManager's "Token server returned
// 401, retrying token fetch with fresh credentials" (v follows "Token
// server returned ").
func (e *Extractor) tokenServerRetry(v []byte) {
	if digits(v) != 3 {
		return
	}
	if st, ok := status(v[:3]); ok {
		e.flushStale()
		e.statusLine(seenAuth, nil, st, nil)
	}
}

// methodLine handles a message that may start with an HTTP method and
// reports whether it did.
func (e *Extractor) methodLine(m []byte, mesg bool) bool {
	n := 0
	for n < len(m) && n < 8 && m[n] >= 'A' && m[n] <= 'Z' {
		n++
	}
	if n < 3 || n >= len(m) || m[n] != ' ' {
		return false
	}
	method, rest := m[:n], m[n+1:]
	if len(rest) == 0 {
		return false
	}
	switch rest[0] {
	case 's', 'f':
		// "GET fail 503 <url>", "GET success 200 <url>"
		if !bytes.HasPrefix(rest, pSuccess) && !bytes.HasPrefix(rest, pFail) {
			return false
		}
		rest = rest[bytes.IndexByte(rest, ' ')+1:]
		if len(rest) < 5 || rest[3] != ' ' {
			return false
		}
		st, ok := status(rest[:3])
		if !ok {
			return false
		}
		kind := uint16(seenResource)
		if mesg {
			kind = seenMesg
		}
		e.statusLine(kind, method, st, firstField(rest[4:]))
		return true
	}
	if mesg {
		return false
	}
	switch rest[0] {
	case 'r':
		// "GET request to <url> failed with status 503" or "... failed: <why>"
		if !bytes.HasPrefix(rest, pRequestTo) {
			return false
		}
		rest = rest[len(pRequestTo):]
		url := firstField(rest)
		rest = rest[len(url):]
		if bytes.HasPrefix(rest, pWithStatus) {
			if st, ok := status(trimSpace(rest[len(pWithStatus):])); ok {
				e.statusLine(seenWarn, method, st, url)
				return true
			}
			return false
		}
		if rest = bytes.TrimLeft(rest, " "); bytes.HasPrefix(rest, pFailed) {
			e.networkError(method, url, rest[len(pFailed):])
			return true
		}
	case 'b':
		// "GET body: <response body>" (lower-case: "GET Body:" is the request).
		if !bytes.HasPrefix(rest, pBodyColon) {
			return false
		}
		b := rest[len(pBodyColon):]
		if len(b) > 0 && b[0] == ' ' {
			b = b[1:]
		}
		e.startBody(bodyTrace, method, b)
		return true
	case 'h':
		// Services.Common.RESTRequest: "GET <url> 500"
		if !bytes.HasPrefix(rest, pHTTP) && !bytes.HasPrefix(rest, pHTTPS) {
			return false
		}
		url := firstField(rest)
		if st, ok := status(trimSpace(rest[len(url):])); ok {
			e.statusLine(seenREST, method, st, url)
			return true
		}
	}
	return false
}

// hawkResponse handles Hawk's "(Response) <path>: code: <status> -
// Status text: <text>", which repeats the RESTRequest line logged just
// before it ("POST <url> <status>"): the same response. With no such
// line pending (RESTRequest logged above Debug), it is a response of its
// own, its URL the path as logged.
func (e *Extractor) hawkResponse(m []byte) {
	i := bytes.Index(m, pHawkCode)
	if i <= 0 {
		return
	}
	path, v := m[:i], m[i+len(pHawkCode):]
	if digits(v) != 3 {
		return
	}
	st, ok := status(v[:3])
	if !ok {
		return
	}
	e.flushStale()
	if p := &e.resp[e.cur]; p.active && bytes.HasSuffix(p.url, path) {
		path = p.url // the full URL of the same request, as RESTRequest logged it
	}
	e.statusLine(seenHawk, nil, st, path)
}

// sameExchange is how soon after a response's first line a line that
// repeats it without naming its URL (Hawk's "(Response)", the tokenserver
// 401 retry) is logged: within milliseconds. A pending response older
// than that is another exchange (the last one of a sync minutes before).
const sameExchange = 5 * time.Second

// flushStale queues the pending response if it began longer than
// sameExchange before the current record.
func (e *Extractor) flushStale() {
	p := &e.resp[e.cur]
	if p.active && e.h.when().Sub(p.ev.Time).Abs() > sameExchange {
		e.flush()
	}
}

// statusLine handles a line that gives a response's status: it is the same
// exchange as the pending response when that one agrees and has not had a
// line of this kind yet; otherwise a new response begins.
func (e *Extractor) statusLine(kind uint16, method []byte, st int, url []byte) {
	p := &e.resp[e.cur]
	if p.active && p.seen&kind == 0 && family(p.seen) == family(kind) &&
		p.ev.Status == st && compatible(p.method, method) && sameURL(p.url, url) {
		p.seen |= kind
		if len(p.method) == 0 {
			p.method = append(p.method, method...)
		}
		if len(url) > 0 && (len(p.url) == 0 || bytes.HasSuffix(p.url, ellipsis) && !bytes.HasSuffix(url, ellipsis)) {
			p.url = append(p.url[:0], url...)
		}
		return
	}
	e.flush()
	e.begin(kind, method, st, url, e.line, e.h.when())
}

func family(seen uint16) uint16 {
	switch {
	case seen&familyResource != 0:
		return familyResource
	case seen&familyREST != 0:
		return familyREST
	}
	return seenBody
}

// begin starts a new pending response.
func (e *Extractor) begin(kind uint16, method []byte, st int, url []byte, line int64, t time.Time) {
	p := &e.resp[e.cur]
	p.active = true
	p.seen = kind
	p.method = append(p.method[:0], method...)
	p.url = append(p.url[:0], url...)
	p.body = p.body[:0]
	p.ev = Event{Kind: KindResponse, File: e.name, Line: int(line), Time: t, Status: st}
}

// flush queues the pending response, if any, and moves to a free buffer.
func (e *Extractor) flush() {
	p := &e.resp[e.cur]
	if !p.active {
		return
	}
	p.active = false
	p.ev.Method, p.ev.URL = p.method, p.url
	if p.ev.HasBody {
		p.ev.Body = p.body
	} else {
		p.ev.Body = nil
	}
	if e.counts(&p.ev) {
		e.queue[e.nq] = &p.ev
		e.nq++
	}
	e.cur = (e.cur + 1) % len(e.resp)
}

// startBody begins a body record; continuation lines are appended to it
// until the next record starts.
func (e *Extractor) startBody(kind int, method, text []byte) {
	b := &e.body
	b.active, b.kind, b.cut, b.line, b.off = true, kind, false, e.line, e.lr.start
	b.method = append(b.method[:0], method...)
	b.buf = b.buf[:0]
	// The body of a successful response is data, not an error: note that it
	// was logged and keep none of it.
	p := &e.resp[e.cur]
	b.discard = kind == bodyTrace && p.active && !p.ev.HasBody && p.ev.Status >= 200 && p.ev.Status < 400 &&
		compatible(p.method, method)
	if b.discard {
		p.ev.HasBody = true
		return
	}
	b.time = e.h.when()
	e.appendBody(text)
}

func (e *Extractor) appendBody(text []byte) {
	b := &e.body
	if room := e.opt.MaxBodyBytes - len(b.buf); len(text) > room {
		text, b.cut = text[:max(room, 0)], true
	}
	b.buf = append(b.buf, text...)
}

// closeBody ends the body record being assembled, if any.
func (e *Extractor) closeBody() {
	b := &e.body
	if !b.active {
		return
	}
	b.active = false
	if b.discard {
		return
	}
	text := b.buf
	if b.kind == bodyParseFail {
		// Older builds: Parse fail: Response body starts: "<text>".
		t := trimSpace(text)
		if len(t) >= 3 && t[0] == '"' && bytes.HasSuffix(t, []byte(`".`)) {
			text = t[1 : len(t)-2]
		}
	}
	e.attach(b.method, 0, nil, text, b.cut, b.line, b.time)
}

// attach gives a body to the pending response when it is waiting for one
// (and, if st != 0, has that status); a body equal to the pending
// response's is the same body repeated; otherwise the body is a new
// response of status st (0: unknown).
func (e *Extractor) attach(method []byte, st int, url, body []byte, cut bool, line int64, t time.Time) {
	if len(body) > e.opt.MaxBodyBytes {
		body, cut = body[:e.opt.MaxBodyBytes], true
	}
	p := &e.resp[e.cur]
	if p.active && (st == 0 || p.ev.Status == st) && compatible(p.method, method) {
		if !p.ev.HasBody {
			p.ev.HasBody, p.ev.BodyCut = true, cut
			p.body = append(p.body[:0], body...)
			return
		}
		if sameBody(p.body, body) {
			return
		}
	}
	e.flush()
	e.begin(seenBody, method, st, url, line, t)
	p = &e.resp[e.cur]
	p.ev.HasBody, p.ev.BodyCut = true, cut
	p.body = append(p.body[:0], body...)
}

// stringBody handles the old clients' lines that carry a body as a string
// ("Uploading records failed: 14", "bookmarks failed: 14 No traceback
// available"). Newer builds put the HTTP status there instead: that is the
// pending response again, not a body. Anything that does not look like a
// response body (an exception message) is ignored.
func (e *Extractor) stringBody(b []byte) {
	b = trimSpace(b)
	if st, ok := status(b); ok && httpStatus(st) {
		e.statusLine(seenEngine, nil, st, nil)
		return
	}
	if !bodyLike(b) {
		return
	}
	e.attach(nil, 0, nil, b, false, e.line, e.h.when())
}

// embeddedJSON handles a tokenserver error or a serialized response object
// inside an error message.
func (e *Extractor) embeddedJSON(m []byte) {
	if i := bytes.Index(m, pRespBody); i >= 0 {
		body, ok := jsonString(m[i+len(pRespBody):])
		if !ok {
			return
		}
		st := 0
		if j := bytes.Index(m, pRespStatus); j >= 0 {
			v := trimSpace(m[j+len(pRespStatus):])
			if n := digits(v); n == 3 {
				st, _ = status(v[:3])
			}
		}
		e.attach(nil, st, nil, body, false, e.line, e.h.when())
		return
	}
	if i := bytes.Index(m, pDataObj); i >= 0 {
		var obj struct {
			Data   json.RawMessage `json:"data"`
			URL    string          `json:"url"`
			Status int             `json:"status"`
		}
		if err := json.NewDecoder(bytes.NewReader(m[i:])).Decode(&obj); err != nil || obj.Data == nil {
			return
		}
		body := []byte(obj.Data)
		var s string
		if json.Unmarshal(obj.Data, &s) == nil {
			body = []byte(s)
		}
		st := obj.Status
		if !httpStatus(st) {
			st = 0
		}
		e.attach(nil, st, []byte(obj.URL), body, false, e.line, e.h.when())
	}
}

// networkError queues a request that failed without an HTTP status.
func (e *Extractor) networkError(method, url, why []byte) {
	detail := why
	if i := bytes.Index(why, pNSError); i >= 0 {
		j := i
		for j < len(why) && (why[j] == '_' || why[j] >= 'A' && why[j] <= 'Z' || why[j] >= '0' && why[j] <= '9') {
			j++
		}
		detail = why[i:j]
	} else if len(detail) > 100 {
		detail = detail[:100]
	}
	e.auxMethod = append(e.auxMethod[:0], method...)
	e.auxURL = append(e.auxURL[:0], url...)
	e.auxDetail = append(e.auxDetail[:0], trimSpace(detail)...)
	e.aux = Event{Kind: KindNetworkError, File: e.name, Line: int(e.line), Time: e.h.when(),
		Method: e.auxMethod, URL: e.auxURL, Detail: e.auxDetail}
	if e.emit(e.aux.Line) {
		e.queue[e.nq] = &e.aux
		e.nq++
	}
}

// backoff queues a backoff notice; v is the number, in units of 1/div s.
func (e *Extractor) backoff(what string, v []byte, div float64) {
	v = trimSpace(v)
	n := digits(v)
	if n == 0 {
		return
	}
	var x float64
	for _, c := range v[:n] {
		x = x*10 + float64(c-'0')
	}
	e.auxDetail = append(e.auxDetail[:0], what...)
	e.aux = Event{Kind: KindBackoff, File: e.name, Line: int(e.line), Time: e.h.when(),
		Detail: e.auxDetail, Seconds: x / div}
	if e.emit(e.aux.Line) {
		e.queue[e.nq] = &e.aux
		e.nq++
	}
}

// status parses a three-digit HTTP status.
func status(b []byte) (int, bool) {
	if len(b) != 3 || digits(b) != 3 || b[0] < '1' || b[0] > '5' {
		return 0, false
	}
	return int(b[0]-'0')*100 + int(b[1]-'0')*10 + int(b[2]-'0'), true
}

// httpStatus reports whether st is an HTTP status in use (so that an old
// body code such as 255 is not taken for one).
func httpStatus(st int) bool {
	switch {
	case st >= 100 && st <= 103, st >= 200 && st <= 226, st >= 300 && st <= 308,
		st >= 400 && st <= 451, st >= 500 && st <= 511:
		return true
	}
	return false
}

// bodyLike reports whether an old client's string line holds a response
// body: a number, a JSON string, object or array, or markup.
func bodyLike(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	if digits(b) == len(b) {
		return true
	}
	switch b[0] {
	case '"', '{', '[', '<':
		return true
	}
	return false
}

// firstField returns b up to the first space or tab.
func firstField(b []byte) []byte {
	if i := bytes.IndexByte(b, ' '); i >= 0 {
		b = b[:i]
	}
	if i := bytes.IndexByte(b, '\t'); i >= 0 {
		b = b[:i]
	}
	return b
}

func compatible(a, b []byte) bool { return len(a) == 0 || len(b) == 0 || bytes.Equal(a, b) }

// sameURL reports whether two logged URLs may be the same request: equal,
// one of them unknown, or one cut with "…" and a prefix of the other.
func sameURL(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 || bytes.Equal(a, b) {
		return true
	}
	if bytes.HasSuffix(a, ellipsis) {
		return bytes.HasPrefix(b, a[:len(a)-len(ellipsis)])
	}
	if bytes.HasSuffix(b, ellipsis) {
		return bytes.HasPrefix(a, b[:len(b)-len(ellipsis)])
	}
	return false
}

// sameBody compares two logged bodies, ignoring white space around them and
// one layer of quotes.
func sameBody(a, b []byte) bool {
	return bytes.Equal(unquote1(trimSpace(a)), unquote1(trimSpace(b)))
}

func unquote1(b []byte) []byte {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		return b[1 : len(b)-1]
	}
	return b
}

// jsonString decodes the JSON string value at the start of b (after white
// space). It allocates, and is used only on rare lines.
func jsonString(b []byte) ([]byte, bool) {
	b = trimSpace(b)
	if len(b) == 0 || b[0] != '"' {
		return nil, false
	}
	end := 1
	for end < len(b) && b[end] != '"' {
		if b[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(b) {
		return nil, false
	}
	var s string
	if json.Unmarshal(b[:end+1], &s) != nil {
		return nil, false
	}
	return []byte(s), true
}

// Sub returns the counts of s minus those of t, for a part of an input.
// NoFinalNewline and Partial are s's.
func (s Stats) Sub(t Stats) Stats {
	return Stats{
		LineStats: LineStats{
			Lines:          s.Lines - t.Lines,
			Bytes:          s.Bytes - t.Bytes,
			LongLines:      s.LongLines - t.LongLines,
			CRLF:           s.CRLF - t.CRLF,
			NoFinalNewline: s.NoFinalNewline,
			Partial:        s.Partial,
		},
		Records: s.Records - t.Records,
		Layout:  s.Layout,
	}
}
