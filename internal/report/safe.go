package report

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Safe returns s with every character that could fool a terminal or a
// reader replaced by a visible escape, in the style of strconv.Quote:
// C0 controls and DEL (`\t`, `\n`, `\r`, else `\x1b`), C1 controls
// (`\u009b`), the bidi controls U+061C, U+200E, U+200F, U+202A..U+202E and
// U+2066..U+2069, the line and paragraph separators U+2028 and U+2029, the
// BOM U+FEFF, and bytes that are not UTF-8 (`\xff`). Backslashes are left
// alone, so the escapes are for reading, not for decoding. s is returned
// unchanged (and not copied) when nothing needs escaping. Every string that
// came from a log goes through Safe before text, Markdown, HTML or CSV
// output (each format applies it where it writes a log cell; see docOf).
func Safe(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, n) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !needsEscape(r, n) {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x`)
			writeHex(&b, uint32(s[i]), 2)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			b.WriteString(`\x`)
			writeHex(&b, uint32(r), 2)
		default:
			b.WriteString(`\u`)
			writeHex(&b, uint32(r), 4)
		}
		i += n
	}
	return b.String()
}

// needsEscape reports whether rune r, decoded from n bytes, must be
// escaped by safe.
func needsEscape(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n == 1: // invalid UTF-8
		return true
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f: // C0, DEL, C1
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, // bidi marks
		r >= 0x202a && r <= 0x202e, // bidi embeddings and overrides
		r >= 0x2066 && r <= 0x2069, // bidi isolates
		r == 0x2028, r == 0x2029, r == 0xfeff:
		return true
	}
	return false
}

// writeHex writes v as width lower-case hex digits.
func writeHex(b *strings.Builder, v uint32, width int) {
	h := strconv.FormatUint(uint64(v), 16)
	for range width - len(h) {
		b.WriteByte('0')
	}
	b.WriteString(h)
}

// mdEscape backslash-escapes the characters that Markdown (GitHub, and
// the Markdown of Jira and Bugzilla) would read as table syntax, code,
// emphasis, links or raw HTML: \ | ` * _ ~ [ ] < >. It expects safe's
// output (no newlines), so that a cell stays on one line.
func mdEscape(s string) string {
	if !strings.ContainsAny(s, "\\|`*_~[]<>") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '|', '`', '*', '_', '~', '[', ']', '<', '>':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// md returns the log-derived string s ready for a Markdown table cell.
func md(s string) string { return mdEscape(Safe(s)) }

// escapeJSONControls rewrites, in encoding/json output, the characters
// that safe escapes and that encoding/json leaves raw (C1 controls, bidi
// controls, the BOM) as \uXXXX escapes, so that the JSON report cannot
// reorder or hide text in a terminal either. It is the same JSON value:
// outside strings, JSON text is ASCII, and encoding/json has already
// replaced invalid UTF-8 and escaped C0 controls, U+2028 and U+2029.
func escapeJSONControls(b []byte) []byte {
	i := 0
	for i < len(b) {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if needsEscape(r, n) {
			break
		}
		i += n
	}
	if i == len(b) {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	out = append(out, b[:i]...)
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if b[i] >= utf8.RuneSelf && needsEscape(r, n) {
			out = append(out, `\u`...)
			h := strconv.FormatUint(uint64(r), 16)
			for range 4 - len(h) {
				out = append(out, '0')
			}
			out = append(out, h...)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}
