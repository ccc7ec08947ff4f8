package parse

import (
	"bytes"
	"time"
)

// An access log line (nginx or Apache, common or combined format):
//
//	host ident authuser [dd/Mon/yyyy:HH:MM:SS zone] "request" status size
//
// then, in the combined format, "referer" "user-agent", and possibly more
// fields. Apache's vhost_combined puts one more field (vhost:port) first.
// The client's address is not kept anywhere: an access log line's Event
// carries the method, the request target, the status and the time only.

// parseAccess reports whether line is an nginx or Apache access log line
// (common or combined format), filling h: the time (converted to UTC) and,
// as message, the line from the request's opening quote on, which
// recordAccess reads again.
func parseAccess(line []byte, h *header) bool {
	// Three fields (four in vhost_combined) before the time: no tabs, no
	// control bytes, each ended by one space.
	i, n := 0, 0
	for i < len(line) && line[i] != '[' {
		start := i
		for i < len(line) && line[i] > ' ' && line[i] != 0x7f {
			i++
		}
		if i == start || i >= len(line) || line[i] != ' ' {
			return false
		}
		i++
		if n++; n > 4 {
			return false
		}
	}
	if n < 3 || len(line)-i < len("[24/Nov/2025:07:13:20 +0000] \"\" 200 0") {
		return false
	}
	t, ok := accessTime(line[i+1 : i+27])
	if !ok || line[i+27] != ']' || line[i+28] != ' ' || line[i+29] != '"' {
		return false
	}
	rest := line[i+29:]
	if _, _, _, ok := accessRequest(rest); !ok {
		return false
	}
	h.ms, h.date = -1, t
	h.logger, h.level, h.message = nil, LevelInfo, rest
	return true
}

// recordAccess handles an access log line: one response, with no body
// (access logs never hold one).
func (e *Extractor) recordAccess() {
	method, target, st, ok := accessRequest(e.h.message)
	if !ok {
		return
	}
	e.flush()
	e.begin(0, method, st, target, e.line, e.h.when())
	e.flush()
}

// accessRequest splits `"request" status size[ ...]`: the method and the
// target of the request line (both nil when the request is "-", empty or
// not of the form "METHOD target[ protocol]"), and the status.
func accessRequest(b []byte) (method, target []byte, st int, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, 0, false
	}
	// The request ends at the first quote followed by " <status> ": a
	// quote inside it is escaped (\" by Apache, \x22 by nginx).
	end := 1
	for {
		j := bytes.IndexByte(b[end:], '"')
		if j < 0 {
			return nil, nil, 0, false
		}
		end += j
		if s := b[end+1:]; len(s) >= 6 && s[0] == ' ' && s[4] == ' ' {
			if st, ok = status(s[1:4]); ok {
				break
			}
		}
		end++
	}
	// The size: digits or "-", then the end of the line or a space.
	size := b[end+6:]
	n := digits(size)
	if n == 0 && size[0] == '-' {
		n = 1
	}
	if n == 0 || n < len(size) && size[n] != ' ' {
		return nil, nil, 0, false
	}
	req := b[1:end]
	m := 0
	for m < len(req) && m < 16 && req[m] >= 'A' && req[m] <= 'Z' {
		m++
	}
	if m == 0 || m >= len(req) || req[m] != ' ' {
		return nil, nil, st, true // "-", "", or no request line to speak of
	}
	target = firstField(req[m+1:])
	if len(target) == 0 {
		return nil, nil, st, true
	}
	return req[:m], target, st, true
}

var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// accessTime parses "dd/Mon/yyyy:HH:MM:SS +hhmm" and returns it in UTC.
func accessTime(b []byte) (time.Time, bool) {
	if len(b) != 26 || b[2] != '/' || b[6] != '/' || b[11] != ':' || b[14] != ':' || b[17] != ':' ||
		b[20] != ' ' || (b[21] != '+' && b[21] != '-') {
		return time.Time{}, false
	}
	num := atoiDigits
	mo := 0
	for k, name := range months {
		if string(b[3:6]) == name {
			mo = k + 1
			break
		}
	}
	d, y := num(b[0:2]), num(b[7:11])
	hh, mm, ss := num(b[12:14]), num(b[15:17]), num(b[18:20])
	zh, zm := num(b[22:24]), num(b[24:26])
	if mo == 0 || d < 1 || d > 31 || y < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 ||
		zh < 0 || zh > 14 || zm < 0 || zm > 59 {
		return time.Time{}, false
	}
	off := time.Duration(zh)*time.Hour + time.Duration(zm)*time.Minute
	if b[21] == '-' {
		off = -off
	}
	return time.Date(y, time.Month(mo), d, hh, mm, ss, 0, time.UTC).Add(-off), true
}
