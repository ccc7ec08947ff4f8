package summary

import (
	"bytes"
	"unicode/utf8"
)

// HostOf returns the host of URL u, with its port unless the port is the
// scheme's default (80 for http/ws, 443 for https/wss); userinfo is
// dropped. It returns nil when u has no "scheme://" or "//" prefix (a
// relative URL, or no URL at all). The result is a sub-slice of u, so that
// a map lookup m[string(HostOf(u))] costs no allocation; HostOf does not use
// net/url, does not validate the host, and keeps its case.
func HostOf(u []byte) []byte {
	var scheme, rest []byte
	if i := bytes.Index(u, []byte("://")); i > 0 && isScheme(u[:i]) {
		scheme, rest = u[:i], u[i+3:]
	} else if bytes.HasPrefix(u, []byte("//")) {
		rest = u[2:]
	} else {
		return nil
	}
	if end := bytes.IndexAny(rest, "/?# \t"); end >= 0 {
		rest = rest[:end]
	}
	if at := bytes.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	switch {
	case (bytes.EqualFold(scheme, []byte("http")) || bytes.EqualFold(scheme, []byte("ws"))) &&
		bytes.HasSuffix(rest, []byte(":80")):
		rest = rest[:len(rest)-3]
	case (bytes.EqualFold(scheme, []byte("https")) || bytes.EqualFold(scheme, []byte("wss"))) &&
		bytes.HasSuffix(rest, []byte(":443")):
		rest = rest[:len(rest)-4]
	}
	return rest
}

// isScheme reports whether b is a URL scheme: a letter followed by
// letters, digits, '+', '-' or '.'.
func isScheme(b []byte) bool {
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return len(b) > 0
}

// CutUTF8 returns b cut to at most n bytes, at a UTF-8 boundary when b is
// valid UTF-8 there.
func CutUTF8(b []byte, n int) []byte {
	if len(b) <= n {
		return b
	}
	for i := n; i > n-utf8.UTFMax && i > 0; i-- {
		if utf8.RuneStart(b[i]) {
			return b[:i]
		}
	}
	return b[:n]
}

// URLString returns u as a string without its userinfo ("user:password@"),
// which must not end up in a report pasted into a ticket.
func URLString(u []byte) string {
	i := bytes.Index(u, []byte("://"))
	if i < 0 {
		return string(u)
	}
	auth := u[i+3:]
	if end := bytes.IndexAny(auth, "/?# \t"); end >= 0 {
		auth = auth[:end]
	}
	at := bytes.LastIndexByte(auth, '@')
	if at < 0 {
		return string(u)
	}
	rest := u[i+3+at+1:]
	b := make([]byte, 0, i+3+len(rest))
	b = append(b, u[:i+3]...)
	return string(append(b, rest...))
}
