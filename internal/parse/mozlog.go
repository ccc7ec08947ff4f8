package parse

import (
	"bytes"
	"unicode/utf8"
)

// A MozLog record is one JSON object on one line:
//
//	{"Timestamp":<ns>,"Type":"...","Logger":"syncserver-...","Severity":N,"Fields":{...}}
//
// syncstorage-rs writes it through slog-mozlog-json; the Python servers
// (and go-syncstorage) through their own MozLog formatters, with a space
// after each colon. The envelope's keys come in no fixed order. A record is
// a response when its Fields carry an HTTP status: "code" (the MozLog
// request.summary field), "status" or "status_code", as a number or a
// three-digit string. The method is "method" or "uri.method", the target
// "path", "uri.path", "url" or "uri". No Fields member is a response body:
// MozLog request summaries hold none, and error messages ("msg", "error")
// are the server's words, not what the client received.

// mozEnvelope lists the keys a MozLog object may start with.
var mozEnvelope = [...]string{"Timestamp", "Logger", "Type", "Severity", "Hostname", "Pid", "EnvVersion"}

// parseMozLog reports whether line is a syncstorage-rs MozLog JSON object,
// filling h: the time, the logger, the level (from the syslog Severity) and,
// as message, the Fields object, which recordMozLog reads.
func parseMozLog(line []byte, h *header) bool {
	if len(line) < 2 || line[0] != '{' {
		return false
	}
	key, v, ok := jsonKey(line, wsEnd(line, 1))
	if !ok {
		return false
	}
	first := false
	for _, name := range mozEnvelope {
		if string(key) == name {
			first = true
			break
		}
	}
	if !first {
		return false
	}
	var (
		ns            int64
		haveTS        bool
		logger        []byte
		level         = LevelNone
		fields        []byte
		seenLoggerKey bool
	)
	for {
		end, ok := skipJSON(line, v)
		if !ok {
			return false
		}
		val := line[v:end]
		switch string(key) {
		case "Timestamp":
			n := digits(val)
			if n == 0 || n != len(val) || n > 19 || n == 19 && val[0] > '8' { // int64 nanoseconds
				return false
			}
			ns, haveTS = 0, true
			for _, c := range val {
				ns = ns*10 + int64(c-'0')
			}
		case "Logger":
			if val[0] != '"' {
				return false
			}
			logger, seenLoggerKey = val[1:len(val)-1], true
		case "Severity":
			if len(val) == 1 && val[0] >= '0' && val[0] <= '7' {
				level = severityLevel[val[0]-'0']
			}
		case "Fields":
			if val[0] == '{' {
				fields = val
			}
		}
		i := wsEnd(line, end)
		if i >= len(line) {
			return false
		}
		if line[i] == '}' {
			if wsEnd(line, i+1) != len(line) {
				return false
			}
			break
		}
		if line[i] != ',' {
			return false
		}
		if key, v, ok = jsonKey(line, wsEnd(line, i+1)); !ok {
			return false
		}
	}
	if !haveTS || !seenLoggerKey {
		return false
	}
	h.ms = ns / 1e6
	h.logger, h.level, h.message = logger, level, fields
	return true
}

// severityLevel maps syslog severities (MozLog's Severity) to levels.
var severityLevel = [8]Level{LevelFatal, LevelFatal, LevelFatal, LevelError, LevelWarn, LevelInfo, LevelInfo, LevelDebug}

// recordMozLog handles a MozLog record: a response when its fields carry
// an HTTP status.
func (e *Extractor) recordMozLog() {
	f := e.h.message
	if len(f) < 2 || f[0] != '{' {
		return
	}
	var method, target []byte
	st := 0
	escaped := false
	i := wsEnd(f, 1)
	for i < len(f) && f[i] == '"' {
		key, v, ok := jsonKey(f, i)
		if !ok {
			return
		}
		end, ok := skipJSON(f, v)
		if !ok {
			return
		}
		val := f[v:end]
		switch string(key) {
		case "code", "status", "status_code":
			if len(val) == 5 && val[0] == '"' && val[4] == '"' {
				val = val[1:4]
			}
			if s, ok := status(val); ok && httpStatus(s) && st == 0 {
				st = s
			}
		case "method", "uri.method":
			if s := jsonStr(val); len(s) > 0 && len(s) <= 16 && len(method) == 0 && upperWord(s) {
				method = s
			}
		case "path", "uri.path", "url", "uri":
			if s := jsonStr(val); len(s) > 0 && len(target) == 0 {
				target = s
				escaped = bytes.IndexByte(s, '\\') >= 0
			}
		}
		i = wsEnd(f, end)
		if i < len(f) && f[i] == ',' {
			i = wsEnd(f, i+1)
		}
	}
	if st == 0 {
		return
	}
	e.flush()
	e.begin(0, method, st, target, e.line, e.h.when())
	if escaped {
		p := &e.resp[e.cur]
		p.url = unescapeJSON(p.url)
	}
	e.flush()
}

// jsonKey reads the object key that starts at b[i] (a JSON string, then
// a colon) and returns its contents, escapes left as they are, and the
// index of the value after it.
func jsonKey(b []byte, i int) (key []byte, v int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	end, ok := skipJSON(b, i)
	if !ok {
		return nil, 0, false
	}
	c := wsEnd(b, end)
	if c >= len(b) || b[c] != ':' {
		return nil, 0, false
	}
	return b[i+1 : end-1], wsEnd(b, c+1), true
}

// wsEnd returns the index of the first byte at or after i that is not JSON
// white space.
func wsEnd(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipJSON returns the index just past the JSON value that starts at b[i].
// Strings, numbers and literals are checked for their shape; objects and
// arrays only for balanced brackets outside strings.
func skipJSON(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		// The first quote not escaped: one preceded by an even run of
		// backslashes.
		for j := i + 1; j < len(b); j++ {
			q := bytes.IndexByte(b[j:], '"')
			if q < 0 {
				return 0, false
			}
			j += q
			n := 0
			for k := j - 1; k > i && b[k] == '\\'; k-- {
				n++
			}
			if n%2 == 0 {
				return j + 1, true
			}
		}
		return 0, false
	case c == '{' || c == '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := skipJSON(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	case c == '-' || c >= '0' && c <= '9':
		j := i + 1
		for j < len(b) && (b[j] >= '0' && b[j] <= '9' || b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-') {
			j++
		}
		return j, true
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if bytes.HasPrefix(b[i:], []byte(lit)) {
			return i + len(lit), true
		}
	}
	return 0, false
}

// jsonStr returns the contents of the JSON string v (quotes included), or
// nil when v is not a string. Escapes are left as they are.
func jsonStr(v []byte) []byte {
	if len(v) < 2 || v[0] != '"' {
		return nil
	}
	return v[1 : len(v)-1]
}

// upperWord reports whether b is all ASCII upper-case letters.
func upperWord(b []byte) bool {
	for _, c := range b {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// unescapeJSON decodes the escapes of JSON string contents in place (an
// escape is never shorter than what it stands for) and returns the result.
// A malformed escape is kept as it is.
func unescapeJSON(b []byte) []byte {
	w := 0
	for r := 0; r < len(b); {
		c := b[r]
		if c != '\\' || r+1 >= len(b) {
			b[w] = c
			w, r = w+1, r+1
			continue
		}
		var out byte
		switch b[r+1] {
		case '"', '\\', '/':
			out = b[r+1]
		case 'b':
			out = '\b'
		case 'f':
			out = '\f'
		case 'n':
			out = '\n'
		case 'r':
			out = '\r'
		case 't':
			out = '\t'
		case 'u':
			x, ok := hex4(b[r+2:])
			if !ok {
				b[w] = c
				w, r = w+1, r+1
				continue
			}
			n := 6
			if x >= 0xd800 && x < 0xdc00 { // a surrogate pair, or a lone half
				if y, ok := hex4(b[min(r+8, len(b)):]); ok && r+7 < len(b) && b[r+6] == '\\' && b[r+7] == 'u' && y >= 0xdc00 && y < 0xe000 {
					x, n = 0x10000+(x-0xd800)<<10+(y-0xdc00), 12
				} else {
					x = utf8.RuneError
				}
			} else if x >= 0xdc00 && x < 0xe000 {
				x = utf8.RuneError
			}
			w += utf8.EncodeRune(b[w:], x)
			r += n
			continue
		default:
			b[w] = c
			w, r = w+1, r+1
			continue
		}
		b[w] = out
		w, r = w+1, r+2
	}
	return b[:w]
}

// hex4 parses the four hex digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var x rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			x = x<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			x = x<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			x = x<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return x, true
}
