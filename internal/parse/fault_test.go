package parse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
)

func TestFaultString(t *testing.T) {
	for _, tc := range []struct {
		f    Fault
		want string
	}{
		{0, ""},
		{Truncated, "TRUNCATED"},
		{Corrupt, "CORRUPT"},
		{Empty, "EMPTY"},
		{Limit, "LIMIT"},
		{Unsupported, "UNSUPPORTED"},
		{Unreadable, "UNREADABLE"},
		{Unrecognised, "UNRECOGNISED"},
		{Changed, "CHANGED"},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("Fault(%d).String() = %q, want %q", int(tc.f), got, tc.want)
		}
	}
}

// TestFaultOfInput checks that the Extractor's *Error carries the kind of
// fault that ended a damaged input, for errors.As and FaultOf alike.
func TestFaultOfInput(t *testing.T) {
	log, _ := genLog(2500)
	gz := gzipBytes(t, string(log))
	zs := zstdBytes(t, string(log))
	for _, tc := range []struct {
		name string
		in   io.Reader
		want Fault
	}{
		{"gzip truncated", bytes.NewReader(gz[:len(gz)/2]), Truncated},
		{"gzip trailer missing", bytes.NewReader(gz[:len(gz)-8]), Truncated},
		{"gzip CRC flipped", bytes.NewReader(flipped(gz, len(gz)-8)), Corrupt},
		{"zstd truncated", bytes.NewReader(zs[:len(zs)/2]), Truncated},
		{"zstd byte flipped", bytes.NewReader(flipped(zs, len(zs)/2)), Corrupt},
		{"read error", failAfter(gz, len(gz)/2), Unreadable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := pipeline(t, tc.in, Options{})
			if res.openErr != nil {
				t.Fatalf("Open: %v", res.openErr)
			}
			var pe *Error
			if !errors.As(res.err, &pe) {
				t.Fatalf("Err() = %v, want an *Error", res.err)
			}
			if pe.Fault != tc.want {
				t.Errorf("Error.Fault = %v, want %v (err %v)", pe.Fault, tc.want, res.err)
			}
			if got := FaultOf(fmt.Errorf("wrapped: %w", res.err)); got != tc.want {
				t.Errorf("FaultOf = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestFaultOfCause checks FaultOf on bare causes, and that an *Error's
// Fault, when set, wins over its cause.
func TestFaultOfCause(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want Fault
	}{
		{"nil", nil, 0},
		{"unexpected EOF", io.ErrUnexpectedEOF, Truncated},
		{"empty", ErrEmpty, Empty},
		{"ratio", fmt.Errorf("%w (2000:1)", ErrRatio), Limit},
		{"zstd window", fmt.Errorf("zstd: %w", zstd.ErrWindowSizeExceeded), Unsupported},
		{"no progress", io.ErrNoProgress, Unreadable},
		{"source", &sourceError{errDisk}, Unreadable},
		{"shrink", &ShrinkError{From: 10, To: 0}, Changed},
		{"shrink from the source", &sourceError{&ShrinkError{From: 10, To: 0}}, Changed},
		{"ratio from the source", &sourceError{fmt.Errorf("%w (2000:1)", ErrRatio)}, Limit},
		{"other", errors.New("gzip: invalid header"), Corrupt},
		{"*Error without Fault", &Error{Err: io.ErrUnexpectedEOF}, Truncated},
		{"*Error with Fault", &Error{Fault: Empty, Err: io.ErrUnexpectedEOF}, Empty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FaultOf(tc.err); got != tc.want {
				t.Errorf("FaultOf(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
	e := &Error{File: "a.log.gz", Format: Gzip, Fault: Empty, Offset: -1, Err: ErrEmpty}
	if got, want := e.Error(), `"a.log.gz": EMPTY: `; !strings.HasPrefix(got, want) {
		t.Errorf("Error() = %q, want it to start with %q", got, want)
	}
}
