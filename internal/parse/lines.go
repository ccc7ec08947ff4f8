package parse

import (
	"bufio"
	"errors"
	"io"
)

// DefaultMaxLineBytes is the default LineReader.MaxLineBytes: how much of one
// line is kept. A longer line is cut to this size, counted in
// LineStats.LongLines, and reading goes on with the next line.
const DefaultMaxLineBytes = 1 << 20

// LineStats counts what a LineReader has read.
type LineStats struct {
	Lines     int64 // lines returned, a last line without a newline included
	Bytes     int64 // bytes consumed, line terminators included
	LongLines int64 // lines longer than MaxLineBytes, cut
	CRLF      int64 // lines that ended in "\r\n"
	// NoFinalNewline reports that the input ended with a line that had no
	// terminating "\n"; Partial is that line's length in bytes (a log still
	// being written: an incremental run stops before it).
	NoFinalNewline bool
	Partial        int64
}

// LineReader reads lines of any length from a reader in bounded memory.
// It is built on bufio.Reader.ReadSlice: a line that fits the buffer is
// returned without copying; a longer one is assembled in a reused buffer up
// to MaxLineBytes and the rest of it is skipped.
//
// A LineReader is not safe for concurrent use.
type LineReader struct {
	// MaxLineBytes is the most that is kept of one line (default
	// DefaultMaxLineBytes). It may be changed between calls (tests use
	// small values).
	MaxLineBytes int

	br    *bufio.Reader
	long  []byte // assembly buffer for lines longer than the bufio buffer
	stats LineStats
	start int64 // stats.Bytes where the current line starts
}

// NewLineReader returns a LineReader reading r through a buffer of size
// bufSize bytes (a default when bufSize <= 0).
func NewLineReader(r io.Reader, bufSize int) *LineReader {
	if bufSize <= 0 {
		bufSize = 64 << 10
	}
	return &LineReader{MaxLineBytes: DefaultMaxLineBytes, br: bufio.NewReaderSize(r, bufSize)}
}

// Reset discards all state and makes l read from r, keeping its buffers.
func (l *LineReader) Reset(r io.Reader) {
	l.br.Reset(r)
	l.long = l.long[:0]
	l.stats = LineStats{}
}

// Stats returns the counts so far.
func (l *LineReader) Stats() LineStats { return l.stats }

// ReadLine returns the next line without its "\n" or "\r\n". The slice is
// valid only until the next call. cut reports that the line was longer than
// MaxLineBytes and only its first MaxLineBytes bytes are returned. At the end
// of the input ReadLine returns io.EOF with no line; any other error is the
// underlying reader's, returned after the last complete line (a partial last
// line before a read error is dropped, since it may be incomplete).
func (l *LineReader) ReadLine() (line []byte, cut bool, err error) {
	l.start = l.stats.Bytes
	line, err = l.br.ReadSlice('\n')
	if err == nil {
		l.stats.Bytes += int64(len(line))
		line, cut = l.clip(line[:len(line)-1])
		return l.finish(line, cut, true), cut, nil
	}
	if errors.Is(err, bufio.ErrBufferFull) {
		return l.readLong(line)
	}
	// End of input or a read error, with a possibly partial line.
	if len(line) == 0 {
		return nil, false, err
	}
	if err != io.EOF {
		return nil, false, err
	}
	l.stats.Bytes += int64(len(line))
	l.stats.NoFinalNewline, l.stats.Partial = true, l.stats.Bytes-l.start
	line, cut = l.clip(line)
	return l.finish(line, cut, false), cut, nil
}

// clip cuts a line that fit the buffer but not MaxLineBytes (possible when
// MaxLineBytes is set below the buffer size).
func (l *LineReader) clip(line []byte) ([]byte, bool) {
	if l.MaxLineBytes > 0 && len(line) > l.MaxLineBytes {
		return line[:l.MaxLineBytes], true
	}
	return line, false
}

// readLong assembles a line longer than the bufio buffer, starting with
// first, keeping at most MaxLineBytes of it.
func (l *LineReader) readLong(first []byte) ([]byte, bool, error) {
	max := l.MaxLineBytes
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	l.long = l.long[:0]
	cut := false
	chunk := first
	for {
		l.stats.Bytes += int64(len(chunk))
		data := chunk
		ended := len(data) > 0 && data[len(data)-1] == '\n'
		if ended {
			data = data[:len(data)-1]
		}
		if room := max - len(l.long); room > 0 {
			if len(data) > room {
				data, cut = data[:room], true
			}
			l.long = append(l.long, data...)
		} else if len(data) > 0 {
			cut = true
		}
		if ended {
			return l.finish(l.long, cut, true), cut, nil
		}
		var err error
		chunk, err = l.br.ReadSlice('\n')
		switch {
		case err == nil, errors.Is(err, bufio.ErrBufferFull):
		case err == io.EOF:
			l.stats.Bytes += int64(len(chunk))
			if room := max - len(l.long); room > 0 {
				if len(chunk) > room {
					chunk, cut = chunk[:room], true
				}
				l.long = append(l.long, chunk...)
			} else if len(chunk) > 0 {
				cut = true
			}
			l.stats.NoFinalNewline, l.stats.Partial = true, l.stats.Bytes-l.start
			return l.finish(l.long, cut, false), cut, nil
		default:
			return nil, false, err
		}
	}
}

// finish counts a line and strips a "\r" before its "\n".
func (l *LineReader) finish(line []byte, cut, newline bool) []byte {
	l.stats.Lines++
	if cut {
		l.stats.LongLines++
	}
	if newline && !cut && len(line) > 0 && line[len(line)-1] == '\r' {
		l.stats.CRLF++
		line = line[:len(line)-1]
	}
	return line
}

// trimSpace trims ASCII white space without allocating.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
