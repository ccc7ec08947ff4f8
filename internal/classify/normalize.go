package classify

import (
	"bytes"
	"unicode/utf8"
)

// MaxKeyBytes is the longest lookup form (after normalisation) that a table
// key, alias or prefix may have. Classify decodes at most this many bytes of
// a body into a stack buffer, so longer bodies never match a key exactly
// (prefixes still apply).
const MaxKeyBytes = 256

// isSpace reports whether c is ASCII whitespace as Classify trims it.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// trimSpace returns b without leading and trailing ASCII whitespace.
func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// escapedAt reports whether the quote at b[i] is escaped, that is preceded
// by an odd number of backslashes (not counting b[0], the opening quote).
func escapedAt(b []byte, i int) bool {
	n := 0
	for k := i - 1; k > 0 && b[k] == '\\'; k-- {
		n++
	}
	return n%2 == 1
}

// normalise trims b and strips at most two layers of JSON string quoting:
// "x", "\"x\"", \"x\" and ""x"", trimming again inside each layer. It
// returns the remaining sub-slice of b and how many levels of JSON escaping
// its content is under: 0 (not quoted), 1 ("x" or ""x"") or 2 (a \"x\"
// layer, alone or inside "...").
func normalise(b []byte) ([]byte, int) {
	b = trimSpace(b)
	levels := 0
	for range 2 {
		n := len(b)
		switch {
		case n >= 4 && b[0] == '\\' && b[1] == '"' && b[n-2] == '\\' && b[n-1] == '"':
			return trimSpace(b[2 : n-2]), 2
		case n >= 2 && b[0] == '"' && b[n-1] == '"' && !escapedAt(b, n-1):
			b = trimSpace(b[1 : n-1])
			levels = 1
		default:
			return b, levels
		}
	}
	return b, levels
}

// lowerASCII returns c lower-cased if it is an ASCII upper-case letter.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// unhex returns the value of the hexadecimal digit c.
func unhex(c byte) (rune, bool) {
	switch {
	case '0' <= c && c <= '9':
		return rune(c - '0'), true
	case 'a' <= c && c <= 'f':
		return rune(c-'a') + 10, true
	case 'A' <= c && c <= 'F':
		return rune(c-'A') + 10, true
	}
	return 0, false
}

// simpleEscape returns the byte that the JSON escape \c stands for.
func simpleEscape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'n':
		return '\n', true
	case 't':
		return '\t', true
	case 'r':
		return '\r', true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	}
	return 0, false
}

// unescaper decodes JSON string escapes from src one unit at a time, for
// one or two levels of escaping, without allocating.
type unescaper struct {
	src []byte
	i   int
}

// next1 returns the next unit of src with one level of escapes decoded.
// A unit is a raw byte (wide false) or a rune from \uXXXX (wide true). An
// invalid escape yields its backslash as a raw byte. ok is false at the end.
func (u *unescaper) next1() (r rune, wide, ok bool) {
	if u.i >= len(u.src) {
		return 0, false, false
	}
	c := u.src[u.i]
	u.i++
	if c != '\\' || u.i >= len(u.src) {
		return rune(c), false, true
	}
	e := u.src[u.i]
	if b, ok := simpleEscape(e); ok {
		u.i++
		return rune(b), false, true
	}
	if e == 'u' && u.i+5 <= len(u.src) {
		var v rune
		for _, h := range u.src[u.i+1 : u.i+5] {
			d, ok := unhex(h)
			if !ok {
				return '\\', false, true
			}
			v = v<<4 | d
		}
		u.i += 5
		return v, true, true
	}
	return '\\', false, true
}

// next2 is next1 for content under two levels of escaping: it decodes the
// escapes found in the output of next1.
func (u *unescaper) next2() (r rune, wide, ok bool) {
	r, wide, ok = u.next1()
	if !ok || r != '\\' {
		return r, wide, ok
	}
	save := u.i
	// Level-1 output is bytes: an ASCII unit counts however it was written
	// (raw or \u00XX); anything else cannot continue an escape.
	e, _, eok := u.next1()
	if !eok || e >= utf8.RuneSelf {
		u.i = save
		return '\\', false, true
	}
	if b, ok := simpleEscape(byte(e)); ok {
		return rune(b), false, true
	}
	if e == 'u' {
		var v rune
		for range 4 {
			h, _, hok := u.next1()
			if !hok || h >= utf8.RuneSelf {
				u.i = save
				return '\\', false, true
			}
			d, ok := unhex(byte(h))
			if !ok {
				u.i = save
				return '\\', false, true
			}
			v = v<<4 | d
		}
		return v, true, true
	}
	u.i = save
	return '\\', false, true
}

// decode writes the lookup form of text into buf: text with levels (0, 1 or
// 2) of JSON escapes decoded, ASCII lower-cased, leading and (if the whole
// text fit) trailing ASCII whitespace removed. It stops when buf is full.
// complete reports whether all of text was decoded. Runes from \uXXXX are
// written as UTF-8, invalid ones (lone surrogates) as U+FFFD.
func decode(buf *[MaxKeyBytes]byte, text []byte, levels int) (n int, complete bool) {
	if levels > 0 && bytes.IndexByte(text[:min(len(text), len(buf))], '\\') < 0 {
		// No escapes in the part that can reach buf: the first len(buf)
		// decoded bytes are the raw ones.
		levels = 0
	}
	if levels == 0 {
		// text is already trimmed.
		if len(text) > len(buf) {
			text = text[:len(buf)]
			complete = false
		} else {
			complete = true
		}
		for i, c := range text {
			buf[i] = lowerASCII(c)
		}
		return len(text), complete
	}
	u := unescaper{src: text}
	for u.i < len(u.src) {
		var (
			r    rune
			wide bool
		)
		if levels == 1 {
			r, wide, _ = u.next1()
		} else {
			r, wide, _ = u.next2()
		}
		if wide && r >= utf8.RuneSelf {
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			if n+utf8.RuneLen(r) > len(buf) {
				return n, false
			}
			n += utf8.EncodeRune(buf[n:], r)
			continue
		}
		c := byte(r)
		if n == 0 && isSpace(c) {
			continue
		}
		if n == len(buf) {
			return n, false
		}
		buf[n] = lowerASCII(c)
		n++
	}
	for n > 0 && isSpace(buf[n-1]) {
		n--
	}
	return n, true
}

// lookupForm returns the lookup form of a table key or alias: normalised
// and decoded exactly as Classify treats a body. ok is false if s is longer
// than MaxKeyBytes after decoding.
func lookupForm(s string) (form string, ok bool) {
	var buf [MaxKeyBytes]byte
	text, levels := normalise([]byte(s))
	n, complete := decode(&buf, text, levels)
	return string(buf[:n]), complete
}
