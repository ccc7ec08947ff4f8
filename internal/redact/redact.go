// Package redact replaces personal data in log-derived strings with
// stand-ins that stay stable within one report.
package redact

import (
	"strconv"
	"strings"
	"sync"
)

// Redacted replaces a secret (token, key, MAC, header value) that is dropped
// rather than given a stand-in.
const Redacted = "[redacted]"

// ellipsis is what Firefox appends to a log message it cut short.
const ellipsis = "…"

// Redactor replaces personal data in log-derived strings with stand-ins that
// are stable within one report: the same account id, e-mail address or IP
// address always gets the same stand-in (user-1, email-1, ip-1, ...), numbered
// per category in the order the Redactor first meets them. Secrets (tokens,
// keys, Authorization values) are dropped and replaced by Redacted.
//
// The rules, applied in this order to the whole string:
//
//  1. Header lines: the value of "Authorization:", "Proxy-Authorization:",
//     "X-KeyID:", "X-Client-State:", "Cookie:" and "Set-Cookie:" up to the end
//     of the line becomes Redacted ("Authorization: [redacted]").
//  2. "Hawk id=..." (any Hawk parameter) up to the end of the line and
//     "Bearer <token>" become "Hawk [redacted]" and "Bearer [redacted]".
//  3. URL userinfo ("https://user:pass@host") becomes "https://[redacted]@host".
//  4. JSON members, also inside JSON-escaped JSON: the values of secret keys
//     (see isSecretName: "key", "access_token", "hashed_fxa_uid", "kid", ...)
//     and of "id" when it is a string of 20 bytes or more (a tokenserver
//     token) become Redacted; "uid", "user", "username" become a user
//     stand-in.
//  5. name=value parameters (URL queries, forms, Hawk parameters): the same
//     names as rule 4, same treatment.
//  6. Account ids in storage and auth paths: the segment after "/1.0/",
//     "/1.1/", "/1.5/" and "/user/1/" becomes a user stand-in; host and the
//     rest of the path stay. "/1.0/sync" (the tokenserver's own path) and
//     "/misc/1.0/" are not account paths.
//  7. E-mail addresses (also "%40"-encoded, and cut short by "…") become
//     e-mail stand-ins.
//  8. Plain user names in the client's own phrases "in user <name>",
//     "for user <name>" and "Sync started for <name> (" become user stand-ins.
//  9. A bare 32-character lower-case base32 word with a letter beyond "f"
//     (the Sync 1.1 user name, sha1 of the e-mail) becomes a user stand-in.
//  10. IPv6 and then IPv4 literals become IP stand-ins, except loopback
//     (127.0.0.0/8, ::1) and unspecified (0.0.0.0, ::) addresses, which
//     identify no one. Dotted quads that are clearly versions ("rv:1.9.1.5",
//     "Firefox/3.6.28.1", "1.2.3.4.5") are left alone.
//
// Stand-ins and Redacted are never redacted again, and String repeats the
// rules until the string stops changing (a replacement can complete a match
// for an earlier rule), so redacting an output once more returns it
// unchanged. An account id cut short by "…" gets the
// stand-in of the first known id it is a prefix of (at least 4 bytes).
// Distinct identifiers of one person (a storage uid and an FxA uid) get
// distinct stand-ins: nothing in the log links them.
//
// HTTP status numbers, timestamps, server codes and infrastructure strings,
// host names and record ids are left alone. The Redactor holds every value
// it has seen until it is discarded; use one per report.
//
// A Redactor is safe for concurrent use, but stand-in numbers then depend on
// the order of the calls.
type Redactor struct {
	mu     sync.Mutex
	users  pseudonyms
	emails pseudonyms
	ips    pseudonyms

	// memo maps strings already redacted to their result: the same URL
	// comes back in every CSV row of a failing endpoint, and its stand-ins,
	// once assigned, never change. memoBytes bounds it (see maxMemoBytes).
	memo      map[string]string
	memoBytes int
}

// maxMemoBytes bounds the memo of String, keys and values together; past
// it the memo starts again empty.
const maxMemoBytes = 4 << 20

// New returns a Redactor with no stand-ins assigned yet.
func New() *Redactor {
	return &Redactor{
		users:  pseudonyms{prefix: "user-"},
		emails: pseudonyms{prefix: "email-"},
		ips:    pseudonyms{prefix: "ip-"},
	}
}

// maxRounds caps the rounds of String. A round can expose new matches
// (an IP stand-in that lengthens a token), so String repeats until nothing
// changes; two or three rounds settle everything the tests and the fuzzer
// have met.
const maxRounds = 8

// String returns s with personal data replaced as described on Redactor.
// s is returned unchanged (and not copied) when there is nothing to redact.
func (r *Redactor) String(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if out, ok := r.memo[s]; ok {
		return out
	}
	in := s
	for range maxRounds {
		out := r.round(s)
		if out == s {
			break
		}
		s = out
	}
	if r.memoBytes += len(in) + len(s); r.memo == nil || r.memoBytes > maxMemoBytes {
		r.memo, r.memoBytes = make(map[string]string), len(in)+len(s)
	}
	r.memo[in] = s
	return s
}

// round applies every rule once, in order.
func (r *Redactor) round(s string) string {
	s = redactHeaders(s)
	s = redactHawk(s)
	s = redactBearer(s)
	s = redactUserinfo(s)
	s = r.redactJSON(s)
	s = r.redactParams(s)
	s = r.redactAccountPaths(s)
	s = r.redactEmails(s)
	s = r.redactUserPhrases(s)
	s = r.redactSyncUsernames(s)
	s = r.redactIPv6(s)
	s = r.redactIPv4(s)
	return s
}

// URL returns the URL s with personal data replaced. It applies the same
// rules as String, since URLs also appear inside messages and bodies and
// must get the same stand-ins there.
func (r *Redactor) URL(s string) string {
	return r.String(s)
}

// user returns the stand-in for the account id v; truncated reports that v
// was cut short by "…".
func (r *Redactor) user(v string, truncated bool) string {
	if truncated {
		return r.users.getTruncated(v)
	}
	return r.users.get(v)
}

// pseudonyms assigns numbered stand-ins (prefix + 1, 2, ...) to values in
// the order of first appearance.
type pseudonyms struct {
	prefix string
	byKey  map[string]string
	keys   []string // in order of first appearance
}

// get returns the stand-in for key, assigning the next one if key is new.
func (p *pseudonyms) get(key string) string {
	if v, ok := p.byKey[key]; ok {
		return v
	}
	if p.byKey == nil {
		p.byKey = make(map[string]string)
	}
	v := p.prefix + strconv.Itoa(len(p.keys)+1)
	p.byKey[key] = v
	p.keys = append(p.keys, key)
	return v
}

// minPrefix is the shortest cut-short value that may share the stand-in of
// a known value it is a prefix of.
const minPrefix = 4

// getTruncated returns the stand-in for a value known only by its first
// bytes: that of the first known value it is a prefix of, or else its own.
func (p *pseudonyms) getTruncated(prefix string) string {
	if len(prefix) >= minPrefix {
		for _, k := range p.keys {
			if strings.HasPrefix(k, prefix) {
				return p.byKey[k]
			}
		}
	}
	return p.get(prefix + ellipsis)
}

// isStandIn reports whether v is Redacted or a stand-in this package makes
// (user-N, email-N, ip-N), so that it is left alone when met again.
func isStandIn(v string) bool {
	if v == Redacted {
		return true
	}
	for _, p := range [...]string{"user-", "email-", "ip-"} {
		if n, ok := strings.CutPrefix(v, p); ok {
			return isCount(n)
		}
	}
	return false
}

// isCount reports whether n is a decimal number without a leading zero.
func isCount(n string) bool {
	if n == "" || n[0] == '0' {
		return false
	}
	for i := 0; i < len(n); i++ {
		if n[i] < '0' || n[i] > '9' {
			return false
		}
	}
	return true
}

// edit replaces s[start:end] with repl.
type edit struct {
	start, end int
	repl       string
}

// apply returns s with the edits, which are sorted and do not overlap,
// applied; s itself if there are none.
func apply(s string, edits []edit) string {
	if len(edits) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, e := range edits {
		b.WriteString(s[last:e.start])
		b.WriteString(e.repl)
		last = e.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// lineEnd returns the index of the first CR or LF in s at or after i, or
// len(s).
func lineEnd(s string, i int) int {
	if j := strings.IndexAny(s[i:], "\r\n"); j >= 0 {
		return i + j
	}
	return len(s)
}
