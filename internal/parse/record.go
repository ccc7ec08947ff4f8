package parse

import (
	"bytes"
	"encoding/binary"
	"time"
)

// Level is a log record's level.
type Level uint8

// Log levels, as Firefox's Log.sys.mjs names them.
const (
	LevelNone Level = iota
	LevelFatal
	LevelError
	LevelWarn
	LevelInfo
	LevelConfig
	LevelDebug
	LevelTrace
)

// header is the start of a log record: time, logger, level and message.
type header struct {
	ms      int64     // epoch milliseconds, -1 when date holds the time, -2 when ts does
	ts      [13]byte  // the 13 digits of epoch milliseconds, parsed on demand
	date    time.Time // Weave-era time
	logger  []byte
	level   Level
	message []byte
}

// parseHeader reports whether line starts a record and, if so, fills h.
// A record starts with a time (epoch milliseconds, or the Weave-era
// "YYYY-MM-DD HH:MM:SS"), then the logger and the level, each separated by a
// tab or by a run of spaces (as pasted from about:sync-log). Any other line
// continues the record before it.
func parseHeader(line []byte, h *header) bool {
	if len(line) < 12 || line[0] < '0' || line[0] > '9' {
		return false
	}
	// Fast path: 13 digits of epoch ms and a tab, as in almost every line.
	// The digits are checked when the time is needed (when), not here.
	if len(line) > 16 && line[13] == '\t' && digits8(line[:8]) && digits8(line[5:13]) {
		copy(h.ts[:], line[:13])
		h.ms = -2
		if h.fast(line[13:]) {
			return true
		}
	}
	var rest []byte
	if n := digits(line); n >= 12 && n <= 14 {
		var ms int64
		for _, c := range line[:n] {
			ms = ms*10 + int64(c-'0')
		}
		h.ms = ms
		rest = line[n:]
		if h.fast(rest) {
			return true
		}
	} else if n == 4 && len(line) >= 19 {
		t, ok := parseDateTime(line[:19])
		if !ok {
			return false
		}
		h.ms, h.date = -1, t
		rest = line[19:]
		// Optional fractional seconds.
		if len(rest) > 1 && (rest[0] == '.' || rest[0] == ',') {
			rest = rest[1+digits(rest[1:]):]
		}
	} else {
		return false
	}
	rest, ok := skipSep(rest)
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && rest[i] != ' ' && rest[i] != '\t' {
		i++
	}
	if i == 0 {
		return false
	}
	h.logger = rest[:i]
	rest, ok = skipSep(rest[i:])
	if !ok {
		return false
	}
	i = 0
	for i < len(rest) && rest[i] != ' ' && rest[i] != '\t' {
		i++
	}
	h.level = levelOf(rest[:i])
	if h.level == LevelNone {
		return false
	}
	rest = rest[i:]
	// One tab ends the level field (the message may start with spaces);
	// without a tab, a run of spaces does.
	if len(rest) > 0 && rest[0] == '\t' {
		rest = rest[1:]
	} else {
		for len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
	}
	h.message = rest
	return true
}

// when returns the record's time. It is computed on demand: most records
// never need it.
func (h *header) when() time.Time {
	switch {
	case h.ms == -1:
		return h.date
	case h.ms == -2:
		var ms int64
		for _, c := range h.ts {
			ms = ms*10 + int64(c-'0')
		}
		return time.UnixMilli(ms).UTC()
	}
	return time.UnixMilli(h.ms).UTC()
}

// fast parses "\tlogger\tLEVEL\tmessage", the layout of almost every line,
// with SIMD searches for the tabs; it reports false for anything else,
// which the general path then handles.
func (h *header) fast(rest []byte) bool {
	if len(rest) == 0 || rest[0] != '\t' {
		return false
	}
	rest = rest[1:]
	i := bytes.IndexByte(rest, '\t')
	if i <= 0 || rest[0] == ' ' {
		return false
	}
	lv := rest[i+1:]
	n := levelLen(lv)
	if n == 0 || len(lv) <= n || lv[n] != '\t' {
		return false
	}
	if h.level = levelOf(lv[:n]); h.level == LevelNone {
		return false
	}
	h.logger = rest[:i]
	if rest[i-1] == ' ' {
		h.logger = bytes.TrimRight(h.logger, " ")
	}
	h.message = lv[n+1:]
	return true
}

// levelLen returns the length of the level name b may start with, judged
// by its first letter, or 0.
func levelLen(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	switch b[0] {
	case 'D', 'T', 'E', 'F':
		return 5 // DEBUG TRACE ERROR FATAL
	case 'I', 'W':
		return 4 // INFO WARN
	case 'C':
		return 6 // CONFIG
	}
	return 0
}

// skipSep skips a field separator: one or more tabs or spaces.
func skipSep(b []byte) ([]byte, bool) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return b[i:], i > 0
}

// digits8 reports whether the 8 bytes of b are all ASCII digits, testing
// them at once: each byte must be 0x30-0x39, so its high nibble is 3 both
// as it is and after adding 6 (which carries 0x3a-0x3f into 0x40).
func digits8(b []byte) bool {
	const hi, three, six = 0xf0f0f0f0f0f0f0f0, 0x3030303030303030, 0x0606060606060606
	x := binary.LittleEndian.Uint64(b)
	return x&hi == three && (x+six)&hi == three
}

func digits(b []byte) int {
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// atoiDigits returns the number that the ASCII digits b spell, or -1 when
// b holds anything else.
func atoiDigits(b []byte) int {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// parseDateTime parses "YYYY-MM-DD HH:MM:SS" as UTC (the Weave-era logs
// carry no zone) without allocating.
func parseDateTime(b []byte) (time.Time, bool) {
	if b[4] != '-' || b[7] != '-' || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	num := atoiDigits
	y, mo, d := num(b[0:4]), num(b[5:7]), num(b[8:10])
	hh, mm, ss := num(b[11:13]), num(b[14:16]), num(b[17:19])
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, hh, mm, ss, 0, time.UTC), true
}

func levelOf(b []byte) Level {
	switch string(b) {
	case "TRACE":
		return LevelTrace
	case "DEBUG":
		return LevelDebug
	case "INFO":
		return LevelInfo
	case "WARN":
		return LevelWarn
	case "ERROR":
		return LevelError
	case "CONFIG":
		return LevelConfig
	case "FATAL":
		return LevelFatal
	}
	return LevelNone
}

// StartsRecord reports whether line (without its newline) starts a log
// record, rather than continuing the one before it.
func StartsRecord(line []byte) bool {
	var e Extractor
	return e.header(line)
}
