package parse

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Format is the encoding of an input, detected from its first bytes.
type Format uint8

const (
	// Plain is uncompressed text (anything that is not gzip, zstd or bzip2).
	Plain Format = iota
	// Gzip is one or more gzip members (RFC 1952), all of them read.
	Gzip
	// Zstd is one or more zstd frames; skippable frames are ignored.
	Zstd
	// Bzip2 is one or more bzip2 streams (the standard library's reader).
	Bzip2
)

// String returns "plain", "gzip", "zstd" or "bzip2".
func (f Format) String() string {
	switch f {
	case Gzip:
		return "gzip"
	case Zstd:
		return "zstd"
	case Bzip2:
		return "bzip2"
	}
	return "plain"
}

var (
	magicGzip = []byte{0x1f, 0x8b}
	magicZstd = []byte{0x28, 0xb5, 0x2f, 0xfd}
	// A skippable zstd frame starts with 0x184D2A50..0x184D2A5F, little-endian.
	magicSkippable = []byte{0x2a, 0x4d, 0x18}
	magicBzip2     = []byte("BZh")
)

// DefaultMaxWindow is the largest zstd window the Opener accepts (the zstd
// command line tool's default limit). A frame asking for more is rejected
// after its header is read, before anything is allocated for it.
const DefaultMaxWindow = 128 << 20

// DefaultMaxRatio is the default OpenerOptions.MaxRatio.
const DefaultMaxRatio = 1000

// ratioFloor is how much must be decoded before MaxRatio is enforced, so
// that small, highly repetitive inputs are never refused.
const ratioFloor = 64 << 20

// ErrRatio reports a decompression bomb: far more output than any real log
// compresses to.
var ErrRatio = errors.New("parse: decompressed size exceeds the expansion ratio limit")

// OpenerOptions configures an Opener. The zero value uses the defaults.
type OpenerOptions struct {
	// MaxWindow caps the zstd window size (DefaultMaxWindow).
	MaxWindow uint64
	// MaxRatio stops an input once it has decoded more than 64 MiB and more
	// than MaxRatio times its compressed size (DefaultMaxRatio; negative:
	// no limit). Memory stays bounded either way; this bounds time. See
	// CheckRatio.
	MaxRatio int
}

// CheckRatio returns an error that wraps ErrRatio when decoded bytes made
// from raw bytes of input are over the MaxRatio limit of o (past the first
// 64 MiB), and nil when they are not. The Opener applies it to what it
// decompresses; a caller that expands data of its own (the holes of a
// sparse tar member) applies it to that, so that one flag bounds both.
func (o OpenerOptions) CheckRatio(decoded, raw int64) error {
	limit := int64(o.MaxRatio)
	if limit == 0 {
		limit = DefaultMaxRatio
	}
	raw = max(raw, 1)
	if limit < 0 || decoded <= ratioFloor || decoded <= limit*raw {
		return nil
	}
	return fmt.Errorf("%w (%d:1 after %d MiB; raise --max-ratio)", ErrRatio, decoded/raw, decoded>>20)
}

// Opener detects the format of an input (plain, gzip, zstd or bzip2) and
// decompresses it. It owns one gzip reader and one zstd decoder and reuses
// them for every input; a bzip2 reader is made per input (the standard
// library's cannot be reset).
//
// An Opener is not safe for concurrent use; use one per goroutine, and call
// Close when done with it.
type Opener struct {
	opt OpenerOptions
	src countingReader
	br  *bufio.Reader
	gz  *gzip.Reader
	zd  *zstd.Decoder
	cur io.Reader // decoder of the current input
	fmt Format
	out int64 // decoded bytes handed out
	inf Integrity
	// The ends of the last two gzip members read whole.
	prevEnd, lastEnd Boundary

	// OnVerified, if set, is called from Read each time a checksum has
	// confirmed all data decoded so far, with how many bytes that is: at
	// the end of each gzip member, and at the clean end of a zstd input.
	// The Read may go on into the next member; its bytes past n are not
	// verified.
	OnVerified func(n int64)
}

// Integrity describes what the Opener could verify about the current
// input, for the report.
type Integrity struct {
	Members       int   // gzip members or zstd inputs verified by their checksum
	TrailingBytes int64 // bytes after the last gzip member that are not a member
	TrailingZeros bool  // ... and they are all NUL (padding), not garbage
	NoChecksum    bool  // a zstd frame without a content checksum was read
	Empty         bool  // the input held no bytes at all
}

// ErrEmpty reports a 0-byte file whose name promises compressed data: most
// likely an aborted write, not a log with nothing in it. The Opener never
// returns it (it does not see names); callers that do, do.
var ErrEmpty = errors.New("0-byte compressed file (likely an aborted write)")

// NewOpener returns an Opener.
func NewOpener(opt OpenerOptions) (*Opener, error) {
	if opt.MaxWindow == 0 {
		opt.MaxWindow = DefaultMaxWindow
	}
	if opt.MaxRatio == 0 {
		opt.MaxRatio = DefaultMaxRatio
	}
	zd, err := zstd.NewReader(nil,
		zstd.WithDecoderMaxWindow(opt.MaxWindow),
		zstd.WithDecoderMaxMemory(opt.MaxWindow*2),
		zstd.WithDecoderConcurrency(1),
	)
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	o := &Opener{opt: opt, zd: zd}
	o.br = bufio.NewReaderSize(&o.src, 64<<10)
	return o, nil
}

// Open sniffs the first bytes of r and returns a reader of its decoded
// content and the detected format. The reader is valid until the next call
// to Open or Close; Open does not close r. Errors from the reader are
// *Error values only once positioned by the caller; Open's own errors are
// header errors.
func (o *Opener) Open(r io.Reader) (io.Reader, Format, error) {
	o.src = countingReader{r: r}
	o.br.Reset(&o.src)
	o.out, o.inf, o.fmt, o.cur = 0, Integrity{}, Plain, o.br
	o.prevEnd, o.lastEnd = Boundary{}, Boundary{}
	head, err := o.br.Peek(6)
	if len(head) == 0 && err != nil && err != io.EOF {
		return nil, Plain, err
	}
	o.inf.Empty = len(head) == 0
	switch o.fmt = Sniff(head); o.fmt {
	case Bzip2:
		o.cur = bzip2.NewReader(o.br)
	case Gzip:
		if err := o.resetGzip(); err != nil {
			return nil, Gzip, err
		}
		o.cur = o.gz
	case Zstd:
		// The frame header descriptor's bit 2 says whether the frame ends
		// in a content checksum (a skippable frame has no descriptor).
		if bytes.HasPrefix(head, magicZstd) && len(head) > 4 && head[4]&0x04 == 0 {
			o.inf.NoChecksum = true
		}
		if err := o.zd.Reset(o.br); err != nil {
			return nil, Zstd, fmt.Errorf("zstd: %w", noEOF(err))
		}
		o.cur = o.zd
	}
	return o, o.fmt, nil
}

// resetGzip starts the gzip reader on the next member.
func (o *Opener) resetGzip() error {
	var err error
	if o.gz == nil {
		o.gz, err = gzip.NewReader(o.br)
	} else {
		err = o.gz.Reset(o.br)
	}
	if err != nil {
		return fmt.Errorf("gzip header: %w", noEOF(err))
	}
	o.gz.Multistream(false)
	return nil
}

// Read reads decoded data of the current input. Empty gzip members are
// stepped over in a loop, so a file of a million of them costs no stack.
func (o *Opener) Read(p []byte) (int, error) {
	for {
		if o.cur == (eofReader{}) {
			return 0, io.EOF
		}
		n, err := o.cur.Read(p)
		o.out += int64(n)
		if err := o.opt.CheckRatio(o.out, o.src.n); err != nil {
			return n, err
		}
		if err != io.EOF {
			return n, err
		}
		switch o.fmt {
		case Gzip:
			// One member ended and its CRC-32 and size matched. The
			// decoder reads the compressed bytes through br one by one,
			// so none past the member's end is taken from it.
			o.inf.Members++
			o.prevEnd, o.lastEnd = o.lastEnd, Boundary{Raw: o.Offset(), Decoded: o.out}
			o.verified()
			if err := o.nextMember(); err != nil {
				return n, err
			}
			if n > 0 {
				return n, nil
			}
			continue // the next member, or eofReader
		case Zstd:
			o.inf.Members++
			o.verified()
		}
		return n, io.EOF
	}
}

func (o *Opener) verified() {
	if o.OnVerified != nil {
		o.OnVerified(o.out)
	}
}

// nextMember looks past the end of a gzip member: another member, the end
// of the input, or trailing bytes (NUL padding or garbage), which are
// counted and skipped.
func (o *Opener) nextMember() error {
	head, err := o.br.Peek(2)
	switch {
	case len(head) == 0 && err == io.EOF:
		o.cur = eofReader{}
		return nil
	case len(head) == 0:
		return err
	case Sniff(head) == Gzip:
		return o.resetGzip()
	}
	// Trailing data: count it, and whether it is all zeros.
	zeros := true
	for {
		b, err := o.br.ReadSlice(0xff)
		o.inf.TrailingBytes += int64(len(b))
		for _, c := range b {
			if c != 0 {
				zeros = false
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil && err != bufio.ErrBufferFull {
			return err
		}
	}
	o.inf.TrailingZeros = zeros
	o.cur = eofReader{}
	return nil
}

// Boundary is a point of a gzip input where a member ends and the next
// begins: reading from Raw compressed bytes in decodes the input from
// Decoded bytes in.
type Boundary struct{ Raw, Decoded int64 }

// MemberEnds returns the ends of the last two gzip members of the current
// input read whole and verified by their checksums, the last one last
// (zero Boundaries where fewer were).
func (o *Opener) MemberEnds() (prev, last Boundary) { return o.prevEnd, o.lastEnd }

// Integrity returns what could be verified of the current input so far.
func (o *Opener) Integrity() Integrity { return o.inf }

// Offset returns how many bytes of the current input's raw (compressed)
// stream have been consumed so far. The decoders read ahead, so after an
// error it is the offset at which the fault was detected, give or take one
// buffer (64 KiB).
func (o *Opener) Offset() int64 { return o.src.n - int64(o.br.Buffered()) }

// Close releases the decoders. The Opener must not be used after Close.
func (o *Opener) Close() {
	o.zd.Close()
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		err = &sourceError{err}
	}
	return n, err
}

// noEOF turns a bare io.EOF inside a header into io.ErrUnexpectedEOF: the
// magic was there, so the input was cut.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// sourceError marks an error of the underlying reader (not the decoder),
// so that a failing disk is not reported as a corrupt file.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// Sniff returns the format that the first bytes of an input announce.
func Sniff(head []byte) Format {
	switch {
	case len(head) >= 4 && bytes.HasPrefix(head, magicBzip2) && head[3] >= '1' && head[3] <= '9':
		return Bzip2
	case bytes.HasPrefix(head, magicGzip):
		return Gzip
	case bytes.HasPrefix(head, magicZstd), len(head) >= 4 && head[0]&0xf0 == 0x50 && bytes.Equal(head[1:4], magicSkippable):
		return Zstd
	}
	return Plain
}
