// Package parse reads Firefox Sync logs (plain, gzip, zstd or bzip2) and
// extracts the HTTP exchanges, network errors and backoff notices they
// record.
package parse

import "time"

// Kind says what an Event describes.
type Kind uint8

const (
	// KindResponse is one HTTP exchange that got an HTTP status (or a body
	// with no status line before it), counted once however many log lines
	// the client spent on it.
	KindResponse Kind = iota + 1
	// KindNetworkError is a request that failed with no HTTP status
	// (connection refused, reset, offline, ...).
	KindNetworkError
	// KindBackoff is a Retry-After, X-Weave-Backoff or backoff notification.
	KindBackoff
)

// Event is one finding extracted from a log. The byte slices are owned by
// the Extractor and are valid only until the next call to Next: code that
// keeps one must copy it (bytes.Clone, or string(b)).
type Event struct {
	Kind Kind
	File string    // input name, as given to the Extractor
	Line int       // 1-based line of the first log line of this event
	Time time.Time // log time; zero when the line carried none

	// Response and network error fields.
	Method []byte // "GET", "POST", ...; empty when the log did not say
	Status int    // HTTP status; 0 when unknown (body seen with no status line)
	URL    []byte // request URL; empty when unknown; may end in "…" when the log cut it

	// Body is the response body as logged, continuation lines joined with
	// "\n". HasBody reports whether the log held a body at all (a body may be
	// logged and empty). BodyCut reports that the body was longer than
	// Options.MaxBodyBytes and was cut.
	Body    []byte
	HasBody bool
	BodyCut bool

	// Detail is, for KindNetworkError, the failure (e.g.
	// "NS_ERROR_CONNECTION_REFUSED" when the log names one, else the text
	// after "failed: "); for KindBackoff, the header or notice
	// ("Retry-After", "X-Weave-Backoff", "backoff-notification").
	Detail []byte
	// Seconds is, for KindBackoff, the delay asked for, in seconds.
	Seconds float64
}
