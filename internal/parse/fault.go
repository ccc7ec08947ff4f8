package parse

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Fault is the kind of fault that stopped the reading of an input, for
// messages and the report. The zero value is no fault.
type Fault int

const (
	// Truncated: the input ends early; what was read is an exact prefix.
	Truncated Fault = iota + 1
	// Corrupt: a checksum or format error; data decoded since the last
	// verified point is suspect.
	Corrupt
	// Empty: a 0-byte file whose name promises compressed data (ErrEmpty).
	Empty
	// Limit: the expansion ratio limit was hit (ErrRatio).
	Limit
	// Unsupported: a zstd window or decoder memory over the limit.
	Unsupported
	// Unreadable: reading the input itself failed (not its decoding).
	Unreadable
	// Unrecognised: the input was read but held no record of any Sync log
	// layout (see Layout): it is not a Sync log.
	Unrecognised
	// Changed: the file shrank while it was read (a copytruncate, say),
	// before it was read up to the size it had when opened (*ShrinkError).
	// What was read before is kept; the rest of it is gone.
	Changed
)

// String returns the name used in messages and reports: "TRUNCATED",
// "CORRUPT", "EMPTY", "LIMIT", "UNSUPPORTED", "UNREADABLE",
// "UNRECOGNISED" or "CHANGED", and "" for the zero Fault.
func (f Fault) String() string {
	switch f {
	case Truncated:
		return "TRUNCATED"
	case Corrupt:
		return "CORRUPT"
	case Empty:
		return "EMPTY"
	case Limit:
		return "LIMIT"
	case Unsupported:
		return "UNSUPPORTED"
	case Unreadable:
		return "UNREADABLE"
	case Unrecognised:
		return "UNRECOGNISED"
	case Changed:
		return "CHANGED"
	}
	return ""
}

// FaultOf returns the kind of fault err is: the Fault of the *Error in its
// chain when that is set, else what its cause says (a read error of the
// input itself, ErrEmpty, io.ErrUnexpectedEOF, ErrRatio, a zstd size
// limit, a *ShrinkError), and Corrupt for any other error. It returns 0 for
// nil. It cannot tell a read or decoding error from another kind (an open
// error, a cancellation): where that matters, look for an *Error first.
func FaultOf(err error) Fault {
	if err == nil {
		return 0
	}
	if pe := (*Error)(nil); errors.As(err, &pe) {
		return pe.kind()
	}
	return faultOf(err)
}

// faultOf returns the kind of fault a cause is, by its type or sentinel.
// A shrink or a ratio limit that the source of an input reports (a file
// read up to its size at open, the member of an archive) is that, not an
// Unreadable source.
func faultOf(err error) Fault {
	var se *sourceError
	var sh *ShrinkError
	switch {
	case errors.As(err, &sh):
		return Changed
	case errors.Is(err, ErrRatio):
		return Limit
	case errors.As(err, &se), errors.Is(err, io.ErrNoProgress):
		return Unreadable
	case errors.Is(err, ErrEmpty):
		return Empty
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Truncated
	case errors.Is(err, ErrUnrecognised):
		return Unrecognised
	case errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return Unsupported
	}
	return Corrupt
}

// ErrUnrecognised is the cause of an Unrecognised fault: the input held no
// record of any Sync log layout.
var ErrUnrecognised = errors.New("no Sync log records recognised")

// ShrinkError reports a file that ended before the size it had when it was
// opened: it was truncated, or replaced in place, while it was read.
type ShrinkError struct {
	From, To int64 // the size at open, and the size found at the short read
}

func (e *ShrinkError) Error() string {
	return fmt.Sprintf("file shrank from %d to %d bytes while being read", e.From, e.To)
}

// Error is a read or decompression error, positioned in the input.
type Error struct {
	File   string
	Format Format
	// Fault is the kind of fault; when zero, FaultOf(Err) is reported.
	Fault Fault
	// Line is the number of lines read whole before the fault; they are
	// kept.
	Line int64
	// Offset is the byte offset in the raw (possibly compressed) input at
	// which the fault was detected (decoders read ahead: approximate for
	// gzip, zstd and bzip2), or -1 when unknown.
	Offset int64
	// Decoded is the decompressed offset reached.
	Decoded int64
	Err     error
}

// Error formats e as
// "name": FAULT at compressed offset ~C (decompressed offset D, line L): cause; kept L lines
// ("; kept ..." is left out for an Unrecognised input).
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", strconv.Quote(e.File), e.kind())
	switch {
	case e.Offset < 0, e.kind() == Unrecognised:
	case e.Format == Plain:
		fmt.Fprintf(&b, " at byte offset %d", e.Offset)
	default:
		fmt.Fprintf(&b, " at %s offset ~%d (decompressed offset %d)", e.Format, e.Offset, e.Decoded)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	if e.kind() != Unrecognised { // nothing of it is kept
		fmt.Fprintf(&b, "; kept %d lines", e.Line)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// kind returns e.Fault, or the kind of e.Err when e.Fault is not set.
func (e *Error) kind() Fault {
	if e.Fault != 0 {
		return e.Fault
	}
	return faultOf(e.Err)
}
