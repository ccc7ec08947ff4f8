package parse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Format is the encoding of an input, detected from its first bytes.
type Format uint8

const (
	// Plain is uncompressed text (anything that is not gzip or zstd).
	Plain Format = iota
	// Gzip is one or more gzip members (RFC 1952), all of them read.
	Gzip
	// Zstd is one or more zstd frames; skippable frames are ignored.
	Zstd
)

// String returns "plain", "gzip" or "zstd".
func (f Format) String() string {
	switch f {
	case Gzip:
		return "gzip"
	case Zstd:
		return "zstd"
	}
	return "plain"
}

var (
	magicGzip = []byte{0x1f, 0x8b}
	magicZstd = []byte{0x28, 0xb5, 0x2f, 0xfd}
	// A skippable zstd frame starts with 0x184D2A50..0x184D2A5F, little-endian.
	magicSkippable = []byte{0x2a, 0x4d, 0x18}
)

// DefaultMaxWindow is the largest zstd window the Opener accepts (the zstd
// command line tool's default limit). A frame asking for more is rejected
// after its header is read, before anything is allocated for it.
const DefaultMaxWindow = 128 << 20

// Opener detects the format of an input and decompresses it. It owns one
// gzip reader and one zstd decoder and reuses them for every input.
//
// An Opener is not safe for concurrent use; use one per goroutine, and call
// Close when done with it.
type Opener struct {
	src countingReader
	br  *bufio.Reader
	gz  *gzip.Reader
	zd  *zstd.Decoder
}

// NewOpener returns an Opener. maxWindow caps the zstd window size (0 means
// DefaultMaxWindow).
func NewOpener(maxWindow uint64) (*Opener, error) {
	if maxWindow == 0 {
		maxWindow = DefaultMaxWindow
	}
	zd, err := zstd.NewReader(nil,
		zstd.WithDecoderMaxWindow(maxWindow),
		zstd.WithDecoderMaxMemory(maxWindow*2),
		zstd.WithDecoderConcurrency(2),
	)
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	o := &Opener{zd: zd}
	o.br = bufio.NewReaderSize(&o.src, 64<<10)
	return o, nil
}

// Open sniffs the first bytes of r and returns a reader of its decoded
// content and the detected format. The reader is valid until the next call
// to Open or Close; Open does not close r.
func (o *Opener) Open(r io.Reader) (io.Reader, Format, error) {
	o.src = countingReader{r: r}
	o.br.Reset(&o.src)
	head, err := o.br.Peek(4)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull && len(head) == 0 {
		return nil, Plain, err
	}
	switch {
	case bytes.HasPrefix(head, magicGzip):
		if o.gz == nil {
			o.gz, err = gzip.NewReader(o.br)
		} else {
			err = o.gz.Reset(o.br)
		}
		if err != nil {
			return nil, Gzip, fmt.Errorf("gzip header: %w", noEOF(err))
		}
		return o.gz, Gzip, nil
	case bytes.HasPrefix(head, magicZstd), len(head) == 4 && head[0]&0xf0 == 0x50 && bytes.Equal(head[1:], magicSkippable):
		if err := o.zd.Reset(o.br); err != nil {
			return nil, Zstd, fmt.Errorf("zstd: %w", noEOF(err))
		}
		return o.zd, Zstd, nil
	}
	return o.br, Plain, nil
}

// Offset returns how many bytes of the current input's raw (compressed)
// stream have been consumed so far. The decoders read ahead, so after an
// error it is the offset at which the fault was detected, give or take one
// buffer (64 KiB).
func (o *Opener) Offset() int64 { return o.src.n - int64(o.br.Buffered()) }

// Close releases the decoders. The Opener must not be used after Close.
func (o *Opener) Close() {
	o.zd.Close()
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
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
