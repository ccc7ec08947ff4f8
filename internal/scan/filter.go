package scan

import (
	"bytes"
	"slices"
	"strings"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/summary"
)

// Narrow says which events a scan reports, beyond the time window. A
// field left empty narrows nothing; an event is kept if and only if it
// passes every field that is set:
//   - Hosts: its URL's host is one of them, compared without regard to
//     case and with or without the port; a name with a leading dot
//     (".example.com") matches that domain and every name under it.
//     Responses and network errors have a URL; other events are dropped.
//   - Keys: it is a response whose body's class key (classify.Class Key,
//     or for unlisted or unknown free text the text as the report shows
//     it) is one of them, without regard to case. Other events, and
//     responses with no classified body, are dropped.
//   - Statuses: it is a response with one of these HTTP statuses. Other
//     events are dropped.
type Narrow struct {
	Hosts    []string
	Keys     []string
	Statuses []int
}

// IsZero reports whether n narrows nothing.
func (n *Narrow) IsZero() bool {
	return len(n.Hosts) == 0 && len(n.Keys) == 0 && len(n.Statuses) == 0
}

// keep reports whether ev, whose body has class c (nil: not classified),
// passes n.
func (n *Narrow) keep(ev *parse.Event, c *classify.Class) bool {
	resp := ev.Kind == parse.KindResponse
	if len(n.Statuses) > 0 && (!resp || !slices.Contains(n.Statuses, ev.Status)) {
		return false
	}
	if len(n.Keys) > 0 && (!resp || c == nil || !n.keyIn(c)) {
		return false
	}
	if len(n.Hosts) > 0 && (!resp && ev.Kind != parse.KindNetworkError || !hostIn(n.Hosts, summary.HostOf(ev.URL))) {
		return false
	}
	return true
}

// keyIn reports whether c's key is one of n.Keys.
func (n *Narrow) keyIn(c *classify.Class) bool {
	key := []byte(c.Key)
	if c.Key == "" {
		key = summary.CutUTF8(c.Text, summary.MaxKeyBytes)
	}
	for _, k := range n.Keys {
		if bytes.EqualFold(key, []byte(k)) {
			return true
		}
	}
	return false
}

// hostIn reports whether host (as summary.HostOf gives it) matches one of
// hosts (see Narrow.Hosts).
func hostIn(hosts []string, host []byte) bool {
	if len(host) == 0 {
		return false
	}
	full := string(host)
	name := full
	if i := strings.LastIndexByte(name, ':'); i >= 0 && !strings.Contains(name[i:], "]") {
		name = name[:i] // the port; an IPv6 literal's colons are inside [ ]
	}
	for _, h := range hosts {
		switch {
		case strings.EqualFold(full, h), strings.EqualFold(name, h):
			return true
		case strings.HasPrefix(h, ".") && len(h) > 1:
			if strings.EqualFold(name, h[1:]) ||
				len(name) > len(h) && strings.EqualFold(name[len(name)-len(h):], h) {
				return true
			}
		}
	}
	return false
}
