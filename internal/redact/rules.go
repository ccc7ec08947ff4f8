package redact

import (
	"net/netip"
	"regexp"
	"strings"
)

// Rule 1: header values to the end of the line.
var headerRE = guard(`(?i)(?:^|[^a-z0-9_-])(?:proxy-authorization|authorization|x-keyid|x-client-state|set-cookie|cookie)[ \t]*:[ \t]*`,
	func(s string) bool { return hasFold(s, "authorization", "x-keyid", "x-client-state", "cookie") })

// redactHeaders drops the value of secret headers up to the end of the line.
func redactHeaders(s string) string {
	if !headerRE.may(s) {
		return s
	}
	var edits []edit
	last := 0
	for _, m := range headerRE.FindAllStringIndex(s, -1) {
		if m[0] < last {
			continue // inside a value already dropped
		}
		end := lineEnd(s, m[1])
		last = end
		if v := s[m[1]:end]; v != "" && v != Redacted {
			edits = append(edits, edit{m[1], end, Redacted})
		}
	}
	return apply(s, edits)
}

// Rule 2: Hawk credentials and bearer tokens outside a header line.
var (
	hawkRE = guard(`(?i)\bhawk[ \t]+((?:id|ts|nonce|mac|hash|ext|app|dlg)[ \t]*=)`,
		func(s string) bool { return hasFold(s, "hawk") })
	bearerRE = guard(`(?i)\bbearer[ \t]+([A-Za-z0-9._~+/=-]{8,})`,
		func(s string) bool { return hasFold(s, "bearer") })
)

// redactHawk drops Hawk parameters ("Hawk id=..., mac=...") up to the end of
// the line.
func redactHawk(s string) string {
	if !hawkRE.may(s) {
		return s
	}
	var edits []edit
	last := 0
	for _, m := range hawkRE.FindAllStringSubmatchIndex(s, -1) {
		if m[2] < last {
			continue
		}
		end := lineEnd(s, m[2])
		last = end
		edits = append(edits, edit{m[2], end, Redacted})
	}
	return apply(s, edits)
}

// redactBearer drops the token after "Bearer".
func redactBearer(s string) string {
	if !bearerRE.may(s) {
		return s
	}
	var edits []edit
	for _, m := range bearerRE.FindAllStringSubmatchIndex(s, -1) {
		edits = append(edits, edit{m[2], m[3], Redacted})
	}
	return apply(s, edits)
}

// Rule 3: URL userinfo. The class excludes brackets so that Redacted itself
// never matches.
var userinfoRE = regexp.MustCompile(`://([^/?#@\s"'<>\\\[\]]+)@`)

// redactUserinfo drops "user:password" in "scheme://user:password@host".
func redactUserinfo(s string) string {
	var edits []edit
	for _, m := range userinfoRE.FindAllStringSubmatchIndex(s, -1) {
		edits = append(edits, edit{m[2], m[3], Redacted})
	}
	return apply(s, edits)
}

// secretNames are the JSON keys and name=value names, in lower case, whose
// values are dropped; isSecretName adds name patterns.
var secretNames = map[string]bool{
	"key": true, "keys": true, "keys_jwe": true, "kid": true, "k": true,
	"ka": true, "kb": true, "ksync": true, "kxcs": true, "kextsync": true,
	"kextkbhash": true, "unwrapbkey": true, "authpw": true, "auth": true,
	"authorization": true, "proxy-authorization": true, "x-keyid": true,
	"x-client-state": true, "client_state": true, "cookie": true,
	"set-cookie": true, "mac": true, "sig": true, "signature": true,
	"assertion": true, "hashed_fxa_uid": true, "hashed_device_id": true,
}

// userNames are the JSON keys and name=value names, in lower case, whose
// values are account ids and get a user stand-in.
var userNames = map[string]bool{
	"uid": true, "user": true, "username": true, "user_id": true,
	"userid": true, "fxa_uid": true,
}

// minTokenID is the length from which an "id" value is taken for a token
// (tokenserver and Hawk ids run to hundreds of bytes; Sync record ids are 12).
const minTokenID = 20

// isSecretName reports whether values named name (in lower case) are
// secrets: a name in secretNames, or ending in "token", "secret" or
// "password", or starting with "hawk".
func isSecretName(name string) bool {
	return secretNames[name] ||
		strings.HasSuffix(name, "token") ||
		strings.HasSuffix(name, "secret") ||
		strings.HasSuffix(name, "password") ||
		strings.HasPrefix(name, "hawk")
}

// isValueName reports whether valueEdit may redact values named name (in
// lower case).
func isValueName(name string) bool {
	return name == "id" || userNames[name] || isSecretName(name)
}

// valueEdit returns the edit for the value s[start:end] named name (in lower
// case), and whether there is one. quoted reports a quoted value.
func (r *Redactor) valueEdit(s, name string, start, end int, quoted bool) (edit, bool) {
	v := s[start:end]
	if v == "" || isStandIn(v) {
		return edit{}, false
	}
	if !quoted && (v == "null" || v == "true" || v == "false") {
		return edit{}, false
	}
	switch {
	case userNames[name]:
		return edit{start, end, r.user(v, strings.HasPrefix(s[end:], ellipsis))}, true
	case isSecretName(name), name == "id" && quoted && len(v) >= minTokenID:
		return edit{start, end, Redacted}, true
	}
	return edit{}, false
}

// redactValues applies valueEdit to the value after each match of re, whose
// first group is the name; bareStop ends an unquoted value. Matches inside a
// value already examined are skipped.
func (r *Redactor) redactValues(s string, re *regexp.Regexp, bareStop string) string {
	var edits []edit
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		name := strings.ToLower(s[m[2]:m[3]])
		if m[2] < last || !isValueName(name) {
			continue
		}
		start, end, quoted, ok := valueAt(s, m[1], bareStop)
		if !ok {
			continue
		}
		last = end
		if e, ok := r.valueEdit(s, name, start, end, quoted); ok {
			edits = append(edits, e)
		}
	}
	return apply(s, edits)
}

// valueAt returns the bounds of the value that starts at s[i]: the contents
// of a quoted string, at any level of JSON escaping (`"…"`, `\"…\"`,
// `\\\"…\\\"`) or in single quotes, or else a bare token of ASCII bytes up to
// one of stop. A quoted string not closed on its line runs to the end of the
// line. ok is false if there is no value, or it is an object or array.
func valueAt(s string, i int, stop string) (start, end int, quoted, ok bool) {
	n := 0 // backslashes before the opening quote: the escaping level
	for i+n < len(s) && s[i+n] == '\\' {
		n++
	}
	if i+n < len(s) && (s[i+n] == '"' || n == 0 && s[i+n] == '\'') {
		q := s[i+n]
		start = i + n + 1
		for j := start; j < len(s); j++ {
			c := s[j]
			if c == '\n' || c == '\r' {
				return start, j, true, true
			}
			if c != q {
				continue
			}
			k := 0 // backslashes before this quote
			for j-k-1 >= start && s[j-k-1] == '\\' {
				k++
			}
			if n == 0 && k%2 == 0 || n > 0 && k == n {
				return start, j - k, true, true
			}
		}
		return start, len(s), true, true
	}
	if n > 0 || i >= len(s) {
		return 0, 0, false, false
	}
	if strings.HasPrefix(s[i:], Redacted) {
		return i, i + len(Redacted), false, true
	}
	if s[i] == '{' || s[i] == '[' {
		return 0, 0, false, false // an object or array: its members get their own turn
	}
	end = i
	for end < len(s) && s[end] < 0x80 && strings.IndexByte(stop, s[end]) < 0 {
		end++
	}
	return i, end, false, end > i
}

// Rule 4: JSON members, possibly JSON-escaped inside another JSON string.
var jsonKeyRE = guard(`\\*"([A-Za-z_][A-Za-z0-9_.-]*)\\*"[ \t]*:[ \t]*`,
	func(s string) bool { return strings.Contains(s, `"`) })

// jsonBareStop ends a bare JSON value (number, literal).
const jsonBareStop = ",}] \t\r\n\"\\"

// redactJSON handles secret and account-id JSON members.
func (r *Redactor) redactJSON(s string) string {
	if !jsonKeyRE.may(s) {
		return s
	}
	return r.redactValues(s, jsonKeyRE.Regexp, jsonBareStop)
}

// Rule 5: name=value parameters.
var paramRE = regexp.MustCompile(`(?:^|[?&;,\s"'({\[])([A-Za-z][A-Za-z0-9_-]*)=`)

// paramBareStop ends an unquoted parameter value.
const paramBareStop = "&#\"' \t\r\n,;)]}<>\\"

// redactParams handles secret and account-id name=value parameters.
func (r *Redactor) redactParams(s string) string {
	return r.redactValues(s, paramRE, paramBareStop)
}

// Rule 6: account ids in storage and auth paths. "/user/1.0/" is covered by
// "/1.0/".
var accountMarkers = [...]string{"/1.0/", "/1.1/", "/1.5/", "/user/1/"}

// isIDByte reports whether c may appear in an account id path segment.
func isIDByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("._~%+@-", c) >= 0
}

// redactAccountPaths replaces the path segment after an account marker.
func (r *Redactor) redactAccountPaths(s string) string {
	var edits []edit
	for i := 0; i < len(s); i++ {
		if s[i] != '/' {
			continue
		}
		marker := ""
		for _, mk := range accountMarkers {
			if strings.HasPrefix(s[i:], mk) {
				marker = mk
				break
			}
		}
		if marker == "" {
			continue
		}
		at, start := i, i+len(marker)
		end := start
		for end < len(s) && isIDByte(s[end]) {
			end++
		}
		i = end - 1 // the loop's i++ lands on the byte after the id
		for end > start && s[end-1] == '.' {
			end-- // sentence end, or "..." cut
		}
		id := s[start:end]
		if id == "" || isStandIn(id) ||
			marker == "/1.0/" && (id == "sync" || strings.HasSuffix(s[:at], "/misc")) {
			continue
		}
		cut := strings.HasPrefix(s[end:], ellipsis) || strings.HasPrefix(s[end:], "...")
		edits = append(edits, edit{start, end, r.user(id, cut)})
	}
	return apply(s, edits)
}

// Rule 7: e-mail addresses, whole or cut short by "…".
var emailRE = guard(`[A-Za-z0-9._%+-]+(?:@|%40)(?:(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b|[A-Za-z0-9.-]*…)`,
	func(s string) bool { return strings.Contains(s, "@") || strings.Contains(s, "%40") })

// redactEmails replaces e-mail addresses, keyed in lower case with "%40"
// read as "@".
func (r *Redactor) redactEmails(s string) string {
	if !emailRE.may(s) {
		return s
	}
	var edits []edit
	for _, m := range emailRE.FindAllStringIndex(s, -1) {
		addr := s[m[0]:m[1]]
		key := strings.ToLower(strings.Replace(addr, "%40", "@", 1))
		if k, ok := strings.CutSuffix(key, ellipsis); ok {
			m[1] -= len(ellipsis)
			edits = append(edits, edit{m[0], m[1], r.emails.getTruncated(k)})
			continue
		}
		edits = append(edits, edit{m[0], m[1], r.emails.get(key)})
	}
	return apply(s, edits)
}

// Rule 8: plain user names in the client's own log phrases (Weave and Sync
// 1.1 "Logging in user X", "Finding cluster for user X", Weave "Sync started
// for X (e-mail)").
var userPhraseREs = [...]guarded{
	guard(`\b(?:in|for) user ([^\s"'<>()\[\]{},;/?#&=…]+)`,
		func(s string) bool { return strings.Contains(s, " user ") }),
	guard(`\bSync started for ([^\s"'<>()\[\]{},;/?#&=…]+) \(`,
		func(s string) bool { return strings.Contains(s, "Sync started for ") }),
}

// redactUserPhrases replaces the user name in known log phrases.
func (r *Redactor) redactUserPhrases(s string) string {
	for _, re := range userPhraseREs {
		if !re.may(s) {
			continue
		}
		var edits []edit
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			start, end := m[2], m[3]
			for end > start && s[end-1] == '.' {
				end--
			}
			name := s[start:end]
			if name == "" || isStandIn(name) {
				continue
			}
			edits = append(edits, edit{start, end, r.user(name, strings.HasPrefix(s[end:], ellipsis))})
		}
		s = apply(s, edits)
	}
	return s
}

// Rule 9: Sync 1.1 user names (base32 of a sha1) outside URLs.
var syncUsernameRE = guard(`\b[a-z2-7]{32}\b`, hasBase32Run)

// redactSyncUsernames replaces bare base32 user names. A letter past "f"
// tells them from 32-digit hex strings (crash ids).
func (r *Redactor) redactSyncUsernames(s string) string {
	if !syncUsernameRE.may(s) {
		return s
	}
	var edits []edit
	for _, m := range syncUsernameRE.FindAllStringIndex(s, -1) {
		if w := s[m[0]:m[1]]; strings.ContainsAny(w, "ghijklmnopqrstuvwxyz") {
			edits = append(edits, edit{m[0], m[1], r.users.get(w)})
		}
	}
	return apply(s, edits)
}

// Rule 10: IP literals.

// keepIP reports whether a is left alone: loopback and unspecified
// addresses identify no one.
func keepIP(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsUnspecified()
}

// isIPv6Byte reports whether c may appear in an IPv6 literal (with an
// embedded IPv4 address).
func isIPv6Byte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || c == ':' || c == '.'
}

// isWordByte reports whether c is an ASCII letter, digit or underscore.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// redactIPv6 replaces IPv6 literals. A candidate is a run of hex digits,
// colons and dots with two colons or more, less trailing dots and colons
// (punctuation, not "::") and a single leading colon (a "label:" prefix). It
// must parse with netip, and the run must not touch a letter, digit or
// underscore after it, nor a "-" or word byte before it (other than through
// a leading colon), so "07:13:42", "JS frame :: x", "Foo::bad" and the
// digits of a stand-in ("ip-1:...") are left alone.
func (r *Redactor) redactIPv6(s string) string {
	var edits []edit
	for i := 0; i < len(s); {
		if !isIPv6Byte(s[i]) {
			i++
			continue
		}
		start, end := i, i
		for end < len(s) && isIPv6Byte(s[end]) {
			end++
		}
		i = end
		if strings.Count(s[start:end], ":") < 2 || end < len(s) && isWordByte(s[end]) {
			continue
		}
		label := s[start] == ':' && !strings.HasPrefix(s[start:end], "::")
		if start > 0 && !label && (isWordByte(s[start-1]) || s[start-1] == '-') {
			continue
		}
		for end > start && (s[end-1] == '.' || s[end-1] == ':' && !strings.HasSuffix(s[start:end], "::")) {
			end--
		}
		if label && end > start {
			start++
		}
		if end-start < 2 { // too short for "::"; also keeps start <= end
			continue
		}
		a, err := netip.ParseAddr(s[start:end])
		if err != nil || !a.Is6() || keepIP(a) {
			continue
		}
		edits = append(edits, edit{start, end, r.ips.get(a.Unmap().String())})
	}
	return apply(s, edits)
}

var ipv4RE = guard(`\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b`, hasDottedQuad)

// redactIPv4 replaces IPv4 literals, except dotted quads that are versions:
// part of a longer dotted run ("1.2.3.4.5"), after "rv:" or after a product
// "Name/" (a single slash; "//" starts a URL host).
func (r *Redactor) redactIPv4(s string) string {
	if !ipv4RE.may(s) {
		return s
	}
	var edits []edit
	for _, m := range ipv4RE.FindAllStringIndex(s, -1) {
		before, after := s[:m[0]], s[m[1]:]
		if strings.HasSuffix(before, ".") || strings.HasSuffix(before, "rv:") ||
			strings.HasSuffix(before, "/") && !strings.HasSuffix(before, "//") ||
			len(after) > 1 && after[0] == '.' && '0' <= after[1] && after[1] <= '9' {
			continue
		}
		a, err := netip.ParseAddr(s[m[0]:m[1]])
		if err != nil || keepIP(a) {
			continue
		}
		edits = append(edits, edit{m[0], m[1], r.ips.get(a.String())})
	}
	return apply(s, edits)
}

// The regular expressions above are checked for every string of a report
// (each CSV row's URL among them), and most strings hold none of what they
// look for. Each is guarded by a necessary condition for a match, far
// cheaper than the expression, which runs only when it passes.

// guarded is a regular expression and its guard: may(s) is true for every
// s the expression matches (FuzzString checks that it is).
type guarded struct {
	*regexp.Regexp
	may func(s string) bool
}

// guards lists every guarded expression, for the test of their guards.
var guards []guarded

// guard compiles expr and registers it with its guard may.
func guard(expr string, may func(s string) bool) guarded {
	g := guarded{regexp.MustCompile(expr), may}
	guards = append(guards, g)
	return g
}

// hasFold reports whether s may match a case-insensitive expression that
// needs one of words (lower-case ASCII): whether s holds one of them in any
// case, or holds non-ASCII text, where Unicode folding (the Kelvin sign for
// "k", the long s for "s") could make a match the bytes do not show.
func hasFold(s string, words ...string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	for _, w := range words {
		for i := 0; i+len(w) <= len(s); i++ {
			j := 0
			for j < len(w) && lowerASCII(s[i+j]) == w[j] {
				j++
			}
			if j == len(w) {
				return true
			}
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasBase32Run reports whether s holds 32 bytes in a row from [a-z2-7],
// which syncUsernameRE needs.
func hasBase32Run(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' || '2' <= c && c <= '7' {
			if run++; run >= 32 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// hasDottedQuad reports whether s holds three dots each between two
// digits, which ipv4RE needs.
func hasDottedQuad(s string) bool {
	n := 0
	for i := 1; i+1 < len(s); i++ {
		if s[i] == '.' && isDigit(s[i-1]) && isDigit(s[i+1]) {
			if n++; n >= 3 {
				return true
			}
		}
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
