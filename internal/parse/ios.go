package parse

import (
	"bytes"
	"time"
)

// The Firefox iOS app log (XCGLogger's layout):
//
//	2025-11-24 07:20:01.001 [Debug] [StorageClient.swift:321] failFromResponse(_:) > Status code: 503.
//
// time (no zone: read as UTC), level, an optional thread name in brackets,
// the Swift file and line, the function, then "> " and the message. The
// Rust sync15 lines arrive as messages "[RUST][<target>] <text>".

var (
	pIOSArrow      = []byte(" > ")
	pRust          = []byte("[RUST][")
	pIOSStatusCode = []byte("Status code: ")
	pSwift         = []byte(".swift")
	pDot           = []byte(".")
)

// seenSwift marks a response begun by the Swift client's "Status code: N."
// line. Such a line always begins a response of its own (a second one is
// a retry), so no other line merges into it. The bits of response.seen
// are full; those above seenBody mean something only within a layout,
// and this one is used by no other line of an iOS input (sync15's bits
// lie above it; Fennec's, which share it, never see an iOS input).
const seenSwift = 1 << 10

// parseIOS reports whether line starts a Firefox iOS app log record,
// filling h. The bracketed level and the "[File.swift:N]" field are both
// required, so that no desktop Weave-era line (which also starts with
// "YYYY-MM-DD HH:MM:SS") is taken for one.
func parseIOS(line []byte, h *header) bool {
	if len(line) < 24 || line[4] != '-' || line[10] != ' ' {
		return false
	}
	t, ok := parseDateTime(line[:19])
	if !ok {
		return false
	}
	rest := line[19:]
	if rest[0] == '.' {
		n := digits(rest[1:])
		if n == 0 {
			return false
		}
		var ns, scale int64 = 0, 1e9
		for _, c := range rest[1 : 1+min(n, 9)] {
			scale /= 10
			ns += int64(c-'0') * scale
		}
		t = t.Add(time.Duration(ns))
		rest = rest[1+n:]
	}
	lv, rest, ok := bracket(rest)
	if !ok {
		return false
	}
	level := iosLevel(lv)
	if level == LevelNone {
		return false
	}
	// "[File.swift:N]", after an optional "[thread]".
	var file []byte
	for range 2 {
		var f []byte
		if f, rest, ok = bracket(rest); !ok {
			return false
		}
		if file, ok = swiftFile(f); ok {
			break
		}
	}
	if !ok {
		return false
	}
	// " function > message", or " > message" without the function.
	var msg []byte
	if i := bytes.Index(rest, pIOSArrow); i >= 0 {
		msg = rest[i+len(pIOSArrow):]
	} else if !bytes.HasSuffix(rest, pIOSArrow[:2]) {
		return false
	}
	h.ms, h.date, h.level, h.logger, h.message = -1, t, level, file, msg
	return true
}

// bracket splits " [x]rest" into x and rest.
func bracket(b []byte) (in, rest []byte, ok bool) {
	if len(b) < 3 || b[0] != ' ' || b[1] != '[' {
		return nil, b, false
	}
	i := bytes.IndexByte(b[2:], ']')
	if i < 0 {
		return nil, b, false
	}
	return b[2 : 2+i], b[3+i:], true
}

// swiftFile returns the file of "File.swift:N".
func swiftFile(b []byte) ([]byte, bool) {
	i := bytes.LastIndexByte(b, ':')
	if i < 0 || i+1 == len(b) || digits(b[i+1:]) != len(b)-i-1 {
		return nil, false
	}
	f := b[:i]
	if len(f) <= len(pSwift) || !bytes.HasSuffix(f, pSwift) || bytes.IndexByte(f, ' ') >= 0 {
		return nil, false
	}
	return f, true
}

// iosLevel maps XCGLogger's level names to Levels.
func iosLevel(b []byte) Level {
	switch string(b) {
	case "Verbose":
		return LevelTrace
	case "Debug":
		return LevelDebug
	case "Info", "Notice":
		return LevelInfo
	case "Warning":
		return LevelWarn
	case "Error":
		return LevelError
	case "Severe", "Alert", "Emergency":
		return LevelFatal
	}
	return LevelNone
}

// rustLine splits an embedded Rust line "[RUST][target] text".
func rustLine(m []byte) (target, text []byte, ok bool) {
	if !bytes.HasPrefix(m, pRust) {
		return nil, nil, false
	}
	m = m[len(pRust):]
	i := bytes.IndexByte(m, ']')
	if i <= 0 || bytes.IndexByte(m[:i], ' ') >= 0 {
		return nil, nil, false
	}
	return m[:i], bytes.TrimLeft(m[i+1:], " "), true
}

// recordIOS handles a Firefox iOS record: the Swift client's lines and the
// Rust sync15 lines it embeds.
//
// The older Swift client logs a failed response as "Status code: 503."
// then "ServerError." (or another error name): one response, no body, the
// second line a repeat that counts nowhere. Rust lines go to sync15.
func (e *Extractor) recordIOS() {
	m := e.h.message
	if target, text, ok := rustLine(m); ok {
		e.sync15(target, text)
		return
	}
	if bytes.HasPrefix(m, pIOSStatusCode) {
		v := trimSpace(m[len(pIOSStatusCode):])
		v = bytes.TrimSuffix(v, pDot)
		if st, ok := status(v); ok {
			e.flush()
			e.begin(seenSwift, nil, st, nil, e.line, e.h.when())
		}
	}
}
