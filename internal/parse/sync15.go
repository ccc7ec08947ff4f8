package parse

import "bytes"

// What a sync15 response's lines have said so far (response.seen), in bits
// above those of the desktop and Fennec lines.
const (
	seenRustRequest       = seenFennecMapped << (1 + iota) // `Request "<route>" was an error (status=503)`
	seenRustToken                                          // "Non-success status when fetching token: 401"
	seenRustStorageRepeat                                  // `ServerError { route: "<route>", status: 503 }`
	seenRustTokenRepeat                                    // "HTTP status 401 when requesting a token ..."
	seenRustTokenDebug                                     // "TokenserverHttpError(401)"

	// The last bit must fit in response.seen, a uint16: this fails to
	// compile otherwise.
	_ uint16 = seenRustTokenDebug
)

var (
	pRustRequest    = []byte(`Request "`)
	pRustWasError   = []byte(`" was an error (status=`)
	pRustToken      = []byte("Non-success status when fetching token: ")
	pRustRoute      = []byte(` { route: "`)
	pRustStatus     = []byte(`", status: `)
	pRustHTTPStatus = []byte("HTTP status ")
	pRustWhenToken  = []byte(" when requesting a token")
	pRustTokenErr   = []byte("TokenserverHttpError(")
)

// sync15 handles a line of the Rust sync15 crate (Fenix, Focus, Firefox
// iOS): target is its module path ("sync15::client"), msg the text after
// it. Failed requests are responses without a body.
//
//	Request "<route>" was an error (status=N)          a storage response
//	Non-success status when fetching token: N          a tokenserver response
//	... ServerError { route: "<route>", status: N } ...  the storage response again
//	... HTTP status N when requesting a token ...      the tokenserver response again
//	... TokenserverHttpError(N) ...                      the same, as {:?} prints it
//
// A repeat with no such response just before it is counted once.
func (e *Extractor) sync15(target, msg []byte) {
	switch {
	case bytes.HasPrefix(msg, pRustRequest):
		rest := msg[len(pRustRequest):]
		i := bytes.Index(rest, pRustWasError)
		if i < 0 {
			return
		}
		if st, ok := rustStatus(rest[i+len(pRustWasError):], ')'); ok {
			e.flush()
			e.begin(seenRustRequest, nil, st, rest[:i], e.line, e.h.when())
		}
	case bytes.HasPrefix(msg, pRustToken):
		if st, ok := rustStatus(msg[len(pRustToken):], 0); ok {
			e.flush()
			e.begin(seenRustToken, nil, st, nil, e.line, e.h.when())
		}
	default:
		if i := bytes.Index(msg, pRustRoute); i >= 0 {
			e.rustStorageRepeat(msg[:i], msg[i+len(pRustRoute):])
			return
		}
		if i := bytes.Index(msg, pRustHTTPStatus); i >= 0 {
			rest := msg[i+len(pRustHTTPStatus):]
			n := digits(rest)
			if bytes.HasPrefix(rest[n:], pRustWhenToken) {
				if st, ok := rustStatus(rest[:n], 0); ok {
					e.rustRepeat(seenRustTokenRepeat, seenRustToken, st, nil)
				}
			}
			return
		}
		if i := bytes.Index(msg, pRustTokenErr); i >= 0 {
			if st, ok := rustStatus(msg[i+len(pRustTokenErr):], ')'); ok {
				e.rustRepeat(seenRustTokenDebug, seenRustToken, st, nil)
			}
		}
	}
}

// rustStorageRepeat handles an ErrorResponse printed with {:?}: before is
// the text up to its " { route: ", rest what follows it. ServerError and
// RequestFailed carry the status; NotFound, Unauthorized and
// PreconditionFailed imply it.
func (e *Extractor) rustStorageRepeat(before, rest []byte) {
	i := bytes.IndexByte(rest, '"')
	if i < 0 {
		return
	}
	route := rest[:i]
	st, ok := 0, false
	if bytes.HasPrefix(rest[i:], pRustStatus) {
		st, ok = rustStatus(rest[i+len(pRustStatus):], ' ')
	} else {
		switch {
		case bytes.HasSuffix(before, []byte("NotFound")):
			st, ok = 404, true
		case bytes.HasSuffix(before, []byte("Unauthorized")):
			st, ok = 401, true
		case bytes.HasSuffix(before, []byte("PreconditionFailed")):
			st, ok = 412, true
		}
	}
	if ok {
		e.rustRepeat(seenRustStorageRepeat, seenRustRequest, st, route)
	}
}

// rustRepeat handles a line that repeats the response of kind of just
// logged; with none such pending, it is a response of its own.
func (e *Extractor) rustRepeat(kind, of uint16, st int, url []byte) {
	p := &e.resp[e.cur]
	if p.active && p.seen&of != 0 && p.seen&kind == 0 && p.ev.Status == st && sameURL(p.url, url) {
		p.seen |= kind
		return
	}
	e.flush()
	e.begin(kind, nil, st, url, e.line, e.h.when())
}

// rustStatus parses the HTTP status at the start of b, which must end
// there or at the byte end (0: the end of b, or a space).
func rustStatus(b []byte, end byte) (int, bool) {
	n := digits(b)
	if n != 3 {
		return 0, false
	}
	if n < len(b) {
		if c := b[n]; end == 0 && c != ' ' || end != 0 && c != end {
			return 0, false
		}
	}
	st, ok := status(b[:3])
	return st, ok && httpStatus(st)
}
