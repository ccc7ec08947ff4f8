package parse

import (
	"bytes"
	"time"
)

// parseLogcat reports whether line starts an Android logcat record
// (threadtime, brief or time layout), filling h; year is the year of its
// time (logcat logs none; 0 means the current year).
//
//	threadtime  MM-DD HH:MM:SS.mmm  PID  TID L TAG     : msg
//	time        MM-DD HH:MM:SS.mmm L/TAG    ( PID): msg
//	brief       L/TAG    ( PID): msg
//
// The tag may be a Rust module path ("sync15::client"): in threadtime it
// ends at the first ": ", in the others at its "(". Brief records carry no
// time: h.date is left zero.
func parseLogcat(line []byte, h *header, year int) bool {
	if len(line) >= 2 && line[1] == '/' {
		return logcatBrief(line, h, time.Time{})
	}
	// "MM-DD HH:MM:SS.mmm " is 19 bytes.
	if len(line) < 24 || line[2] != '-' || line[5] != ' ' || line[8] != ':' || line[11] != ':' ||
		line[14] != '.' || line[18] != ' ' {
		return false
	}
	mo, d := num2(line[0:2]), num2(line[3:5])
	hh, mm, ss := num2(line[6:8]), num2(line[9:11]), num2(line[12:14])
	ms := num3(line[15:18])
	if mo < 1 || mo > 12 || d < 1 || d > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 || ms < 0 {
		return false
	}
	if logcatLevel(line[19]) != LevelNone && line[20] == '/' {
		// time: "L/TAG( PID): msg".
		if !logcatBrief(line[19:], h, time.Time{}) {
			return false
		}
	} else {
		// threadtime: " PID  TID L TAG: msg", PID and TID padded.
		rest := line[18:]
		var ok bool
		for range 2 {
			if rest, ok = skipSep(rest); !ok {
				return false
			}
			n := digits(rest)
			if n == 0 {
				return false
			}
			rest = rest[n:]
		}
		if rest, ok = skipSep(rest); !ok {
			return false
		}
		if len(rest) < 3 || rest[1] != ' ' {
			return false
		}
		if h.level = logcatLevel(rest[0]); h.level == LevelNone {
			return false
		}
		rest = rest[2:]
		i := bytes.Index(rest, colonSpace)
		if i < 0 {
			// An empty message: "TAG:" at the end of the line.
			if i = len(rest) - 1; i < 0 || rest[i] != ':' {
				return false
			}
		}
		tag := bytes.TrimRight(rest[:i], " ")
		if len(tag) == 0 || tag[0] == ' ' {
			return false
		}
		h.logger = tag
		h.message = rest[min(i+2, len(rest)):]
	}
	if year == 0 {
		year = time.Now().Year()
	}
	h.ms = -1
	h.date = time.Date(year, time.Month(mo), d, hh, mm, ss, ms*int(time.Millisecond), time.UTC)
	return true
}

var colonSpace = []byte(": ")

// logcatBrief parses "L/TAG( PID): msg", the brief layout and the end of
// the time layout, filling h with the time t.
func logcatBrief(b []byte, h *header, t time.Time) bool {
	if h.level = logcatLevel(b[0]); h.level == LevelNone || b[1] != '/' {
		return false
	}
	b = b[2:]
	i := bytes.IndexByte(b, '(')
	if i <= 0 || b[0] == ' ' {
		return false
	}
	tag := bytes.TrimRight(b[:i], " ")
	rest := bytes.TrimLeft(b[i+1:], " ")
	n := digits(rest)
	if n == 0 || len(rest) < n+2 || rest[n] != ')' || rest[n+1] != ':' {
		return false
	}
	rest = rest[n+2:]
	if len(rest) > 0 {
		if rest[0] != ' ' {
			return false
		}
		rest = rest[1:]
	}
	h.logger, h.message = tag, rest
	h.ms, h.date = -1, t
	return true
}

// logcatLevel maps logcat's priority letter to a Level.
func logcatLevel(c byte) Level {
	switch c {
	case 'V':
		return LevelTrace
	case 'D':
		return LevelDebug
	case 'I':
		return LevelInfo
	case 'W':
		return LevelWarn
	case 'E':
		return LevelError
	case 'F':
		return LevelFatal
	}
	return LevelNone
}

// num2 and num3 parse two and three ASCII digits, -1 if they are not.
func num2(b []byte) int {
	if b[0] < '0' || b[0] > '9' || b[1] < '0' || b[1] > '9' {
		return -1
	}
	return int(b[0]-'0')*10 + int(b[1]-'0')
}

func num3(b []byte) int {
	if n := num2(b); n >= 0 && b[2] >= '0' && b[2] <= '9' {
		return n*10 + int(b[2]-'0')
	}
	return -1
}

// What a Fennec response's lines have said so far (response.seen), in bits
// above those of the desktop lines.
const (
	seenFennecResponse = seenBody << (1 + iota) // BaseResource "Response: HTTP/1.1 503 ..."
	seenFennecHandling                          // "... handling response: HTTP/1.1 503 ..."
	seenFennecRaw                               // `Looking up message for body "<raw>"`
	seenFennecMapped                            // "HTTP response body: <mapped>"

	familyFennec = seenFennecResponse | seenFennecHandling
)

// fennecRequest is the request a Fennec "HTTP GET <url>" line announced,
// for the response that follows it.
type fennecRequest struct {
	method, url []byte
}

var (
	tagFxSync     = []byte("FxSync")
	tagFxAccounts = []byte("FxAccounts")
	pSync15       = []byte("sync15")
	pFirefox      = []byte("firefox :: ")
	pLogTagSep    = []byte(" :: ")
	pHandling     = []byte("handling response: ")
	pResponse     = []byte("Response: ")
	pHTTPSlash    = []byte("HTTP/")
	pHTTPSpace    = []byte("HTTP ")
	pLookingUp    = []byte("Looking up message for body ")
	pRespBodyText = []byte("HTTP response body: ")
)

// recordLogcat handles a logcat record: Fennec's FxSync/FxAccounts lines
// and the Rust sync15 lines of Fenix and Focus.
func (e *Extractor) recordLogcat() {
	tag := e.h.logger
	switch {
	case bytes.HasPrefix(tag, pSync15):
		e.sync15(tag, e.h.message)
	case bytes.Equal(tag, tagFxSync), bytes.Equal(tag, tagFxAccounts):
		e.fennec(e.h.message, bytes.Equal(tag, tagFxAccounts))
	}
}

// fennec handles the message of an FxSync or FxAccounts record (acct):
// "[firefox :: ]...<LogTag> :: <text>".
func (e *Extractor) fennec(m []byte, acct bool) {
	for bytes.HasPrefix(m, pFirefox) {
		m = m[len(pFirefox):]
	}
	if i := bytes.Index(m, pLogTagSep); i >= 0 {
		m = m[i+len(pLogTagSep):]
	}
	if len(m) == 0 {
		return
	}
	switch m[0] {
	case 'R':
		if bytes.HasPrefix(m, pResponse) {
			e.fennecStatus(seenFennecResponse, m[len(pResponse):], acct)
			return
		}
	case 'L':
		if bytes.HasPrefix(m, pLookingUp) {
			e.fennecBody(seenFennecRaw, unquote1(trimSpace(m[len(pLookingUp):])))
			return
		}
	case 'H':
		if bytes.HasPrefix(m, pRespBodyText) {
			e.fennecBody(seenFennecMapped, trimSpace(m[len(pRespBodyText):]))
			return
		}
		if bytes.HasPrefix(m, pHTTPSpace) {
			e.fennecRequest(m[len(pHTTPSpace):])
			return
		}
	}
	// "SyncStorageResourceDelegate handling response: HTTP/1.1 503 ...".
	if i := bytes.Index(m, pHandling); i >= 0 {
		e.fennecStatus(seenFennecHandling, m[i+len(pHandling):], acct)
	}
}

// fennecRequest handles "HTTP GET <url>" (b is what follows "HTTP "): a new
// exchange begins, and the response that follows gets its method and URL.
func (e *Extractor) fennecRequest(b []byte) {
	n := 0
	for n < len(b) && n < 8 && b[n] >= 'A' && b[n] <= 'Z' {
		n++
	}
	if n < 3 || n >= len(b) || b[n] != ' ' {
		return
	}
	url := firstField(b[n+1:])
	if len(url) == 0 {
		return
	}
	e.flush()
	e.fennecReq.method = append(e.fennecReq.method[:0], b[:n]...)
	e.fennecReq.url = append(e.fennecReq.url[:0], url...)
}

// fennecStatus handles a status line ("HTTP/1.1 503 Service Unavailable."
// after its prefix). BaseResource's "Response:" and the storage delegate's
// "handling response:" lines may both report one exchange: a line of the
// other kind with the same status and tag (acct: FxAccounts), before any
// body, is the same response. The accounts client and the storage client
// are different exchanges even back to back.
func (e *Extractor) fennecStatus(kind uint16, b []byte, acct bool) {
	if !bytes.HasPrefix(b, pHTTPSlash) {
		return
	}
	b = b[len(pHTTPSlash):]
	i := bytes.IndexByte(b, ' ')
	if i < 0 || len(b) < i+4 || len(b) > i+4 && b[i+4] != ' ' && b[i+4] != '.' {
		return
	}
	st, ok := status(b[i+1 : i+4])
	if !ok || !httpStatus(st) {
		return
	}
	p := &e.resp[e.cur]
	if p.active && p.seen&familyFennec != 0 && p.seen&kind == 0 && !p.ev.HasBody && p.ev.Status == st && e.fennecAcct == acct {
		p.seen |= kind
		return
	}
	r := &e.fennecReq
	e.flush()
	e.begin(kind, r.method, st, r.url, e.line, e.h.when())
	e.fennecAcct = acct
	r.method, r.url = r.method[:0], r.url[:0]
}

// fennecBody handles a body line: the raw body (kind seenFennecRaw) and the
// client's mapping of it (seenFennecMapped, "User over quota" for 14) are
// one body of one response; the raw one is kept when both are logged.
func (e *Extractor) fennecBody(kind uint16, body []byte) {
	p := &e.resp[e.cur]
	if p.active && p.seen&(seenFennecRaw|seenFennecMapped) != 0 && p.seen&kind == 0 {
		p.seen |= kind
		if kind == seenFennecRaw {
			cut := len(body) > e.opt.MaxBodyBytes
			if cut {
				body = body[:e.opt.MaxBodyBytes]
			}
			p.body = append(p.body[:0], body...)
			p.ev.BodyCut = cut
		}
		return
	}
	e.attach(nil, 0, nil, body, false, e.line, e.h.when())
	e.resp[e.cur].seen |= kind
}
