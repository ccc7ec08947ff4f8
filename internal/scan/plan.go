package scan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"synclog/internal/parse"
	"synclog/internal/state"
	"synclog/internal/summary"
)

// scanOne scans one input into sum and returns its Input row, whatever
// happens (an archive's members have rows of their own in sum). The plan:
// open the input; scan a large plain file in parts; else decode it as one
// stream (scanStream), read as a tar archive or as one log. An input
// that is not the run's own (see Shard) ends with errOtherShard unless it
// is a tar archive.
func scanOne(ctx context.Context, path string, own bool, k *kit, sum *sink, o Options) (in summary.Input, err error) {
	in = summary.Input{Path: path, Format: parse.Plain.String()}
	defer func() {
		// A member's fault is in the member's row, not the archive's.
		me := (*memberError)(nil)
		in.Complete = err == nil || errors.As(err, &me)
		if !in.Complete {
			in.Error = err.Error()
			if pe := (*parse.Error)(nil); errors.As(err, &pe) {
				in.State = parse.FaultOf(pe).String()
			}
		}
	}()
	src, err := openInput(ctx, path, &o)
	if err != nil && !own && ctx.Err() == nil {
		return in, errOtherShard // its own shard reports it
	}
	if err != nil {
		return in, err
	}
	src.other = !own
	defer func() {
		if errors.Is(err, errOtherShard) {
			src.close(nil)
		} else {
			src.close(err)
		}
	}()
	in.Path = src.name
	if src.other && src.plain() {
		return in, errOtherShard
	}
	if src.splittable(&o) {
		if done, err := scanSplit(ctx, src, sum, &in, o); done {
			return in, err
		}
	}
	// Not "return in, scanStream(…, &in, …)": in would be copied first.
	err = scanStream(ctx, src, k, sum, &in, o)
	return in, err
}

// scanSplit scans src in parts into sum, and reports whether that is done
// with: not when the parts do not agree, nor when they found no record
// (a scan in one piece then names the file's first line). A file that
// shrank while the parts read it is done with: its fault is returned
// with what was kept, for reading it again would find less.
func scanSplit(ctx context.Context, src *source, sum *sink, in *summary.Input, o Options) (done bool, err error) {
	psum, st, err := scanParts(ctx, src.f, src.size, o.Jobs, src.name, src.tr, src.year, o)
	switch {
	case errors.Is(err, errFallBack):
		return false, nil
	case err == nil && st.Records == 0:
		psum.Close()
		return false, nil
	case psum == nil: // cancelled
		return true, err
	}
	sum.Merge(psum)
	psum.Close()
	raw := src.size
	if err != nil {
		raw = st.Bytes
	}
	SetStats(in, raw, st, o.Parse.MaxLineBytes)
	in.Fingerprint = fingerprintOf(src.f)
	warnYear(in, st.Layout, src.year, false)
	return true, err
}

// inputFile is an input opened by name: an *os.File, or a regular file's
// bare descriptor (see openInputFile).
type inputFile interface {
	io.ReaderAt
	io.Closer
}

// fileInfo is what a scan needs of what stat(2) says of an input file.
type fileInfo struct {
	regular bool
	size    int64      // when regular
	year    int        // of its modification time
	id      state.File // when regular
}

// infoOf returns the fileInfo of fi.
func infoOf(fi os.FileInfo) fileInfo {
	i := fileInfo{regular: fi.Mode().IsRegular(), year: fi.ModTime().UTC().Year()}
	if i.regular {
		i.size, i.id = fi.Size(), fileID(fi)
	}
	return i
}

// source is an opened input.
type source struct {
	name    string      // as reported: the path, or StdinName
	r       io.Reader   // its raw bytes, through the Tracker if any
	f       inputFile   // the file; nil for standard input
	relay   io.Closer   // standard input's relay (see RelayStdin); nil if none
	regular bool        // f is a regular file...
	size    int64       // ... of this size (else 0)
	year    int         // of f's modification time (0: standard input)
	id      state.File  // f as stat(2) found it at open (zero: not a regular file)
	tr      Tracker     // nil without Options.Progress
	stop    func() bool // undoes the close on cancellation; nil if none
	other   bool        // of another shard: read only if a tar archive
}

// openInput opens path ("-": o.Stdin), makes a cancellation of ctx close
// it, so that a read blocked on a pipe or a terminal returns at once, and
// starts its Tracker. Call close when done.
func openInput(ctx context.Context, path string, o *Options) (*source, error) {
	s := &source{name: path, r: o.Stdin}
	if path == "-" {
		s.name = StdinName
		if r := RelayStdin(o.Stdin); r != nil {
			s.r, s.relay = r, r
		}
	} else {
		f, fi, err := openInputFile(ctx, path)
		if err != nil {
			return nil, err
		}
		s.f, s.regular, s.size, s.year, s.id = f, fi.regular, fi.size, fi.year, fi.id
		if s.regular {
			s.r = &sizedFile{ctx: ctx, f: f, end: s.size, hook: o.readHook}
		} else {
			s.r = f.(io.Reader) // an *os.File
		}
	}
	// A read of a regular file does not wait: its reader looks at ctx
	// between reads, which costs less than a callback per input.
	c, ok := s.r.(io.Closer)
	if s.f != nil {
		c, ok = s.f, true
	}
	if ok && !s.regular {
		s.stop = context.AfterFunc(ctx, func() { c.Close() })
	}
	if o.Progress != nil {
		s.tr = o.Progress.Start(s.name, s.size)
		s.r = progressReader{s.r, s.tr}
	}
	return s, nil
}

// close tells the Tracker how the input ended (err: not read whole) and
// closes the file.
func (s *source) close(err error) {
	if s.tr != nil {
		s.tr.Done(err)
	}
	if s.stop != nil {
		s.stop()
	}
	if s.f != nil {
		s.f.Close()
	}
	if s.relay != nil {
		s.relay.Close()
	}
}

// RelayStdin returns a reader of in, when in is an *os.File that is not a
// regular file (a pipe, a terminal, a socket), whose Close ends a Read
// blocked on in at once; else nil. Standard input is in blocking mode,
// where closing it does not end a read in progress, and making it
// non-blocking would change it for every process sharing it; so in is
// read on a goroutine of its own, left behind, blocked, when the reader is
// closed first.
func RelayStdin(in io.Reader) *io.PipeReader {
	f, ok := in.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		return nil
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, f)
		pw.CloseWithError(err)
	}()
	return pr
}

// Open opens path for reading as a scan opens its inputs, and returns it
// with its FileInfo; a folder is refused. A FIFO is opened without waiting
// in open(2) for a writer, where no signal could end the wait: Open then
// waits for one, as cat does, until ctx is done, and returns ctx.Err()
// (outside Linux a FIFO still waits in open(2)). The caller closes the
// file.
func Open(ctx context.Context, path string) (*os.File, os.FileInfo, error) {
	f, fi, err := openNoWait(path)
	if err != nil {
		return nil, nil, err
	}
	if err := checkOpened(ctx, f, fi, path); err != nil {
		return nil, nil, err
	}
	return f, fi, nil
}

// checkOpened refuses f, opened by openNoWait as path, if it is a folder,
// and waits for a writer if it is a FIFO (see Open). f is closed when it
// returns an error.
func checkOpened(ctx context.Context, f *os.File, fi os.FileInfo, path string) error {
	if fi.IsDir() {
		f.Close()
		return &os.PathError{Op: "read", Path: path, Err: errors.New("is a directory")}
	}
	if fi.Mode()&fs.ModeNamedPipe != 0 {
		return waitWriter(ctx, f)
	}
	return nil
}

// sizedFile reads a regular file from off up to end, the size it had when
// it was opened: what is appended while it is read is left for the next
// scan, so that a log still written to is read to a fixed point. A file
// that ends before end (truncated while it is read, as logrotate's
// copytruncate does, or replaced in place) ends with a *parse.ShrinkError,
// never with a clean io.EOF. One cut after its last byte was read was read
// whole: it ends cleanly, without a stat(2) more per input (the next
// --state run finds it shorter than the offset it left, and reads it from
// its start). hook, if set, is Options.readHook.
type sizedFile struct {
	ctx      context.Context // cancelled: Read returns its error
	f        io.ReaderAt
	off, end int64
	hook     func(off, n int64)
	err      error // the error at the end, once found
	// pre holds the file's first bytes, read already (see
	// source.readHead): they are not read again.
	pre []byte
}

func (s *sizedFile) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	if s.off >= s.end {
		s.err = io.EOF
		return 0, s.err
	}
	p = p[:min(int64(len(p)), s.end-s.off)]
	if s.off < int64(len(s.pre)) {
		n := copy(p, s.pre[s.off:])
		s.off += int64(n)
		return n, nil
	}
	if s.hook != nil {
		s.hook(s.off, int64(len(p)))
	}
	n, err := s.f.ReadAt(p, s.off)
	s.off += int64(n)
	if err == io.EOF && s.off < s.end {
		// Short of end: the file is shorter now than it was at open.
		s.err = s.shrank(&parse.ShrinkError{From: s.end, To: s.off})
		return n, s.err
	}
	if err == io.EOF {
		err = nil // end is reached; the next Read says so
	}
	return n, err
}

// shrank returns a *parse.ShrinkError when the file is now shorter than
// end, else orElse.
func (s *sizedFile) shrank(orElse error) error {
	size, err := sizeNow(s.f)
	if err != nil {
		return orElse
	}
	if size < s.end {
		return &parse.ShrinkError{From: s.end, To: size}
	}
	return orElse
}

// sizeNow returns the size of the file f now.
func sizeNow(f io.ReaderAt) (int64, error) {
	switch f := f.(type) {
	case interface{ size() (int64, error) }:
		return f.size()
	case interface{ Stat() (os.FileInfo, error) }:
		fi, err := f.Stat()
		if err != nil {
			return 0, err
		}
		return fi.Size(), nil
	}
	return 0, errors.ErrUnsupported
}

// splittable reports whether s is a plain (not compressed, not tar) file
// large enough to scan in o.Jobs parts at once. An incremental scan reads
// from an offset, in one piece.
func (s *source) splittable(o *Options) bool {
	if s.f == nil || o.Jobs <= 1 || o.Resume != nil || !s.regular || s.size < cmp.Or(o.PartMin, partsMin) {
		return false
	}
	return s.plain()
}

// plain reports whether s is a regular file whose first bytes are those of
// a plain (not compressed, not tar) file.
func (s *source) plain() bool {
	if s.f == nil || !s.regular {
		return false
	}
	head := make([]byte, 512)
	n, _ := s.f.ReadAt(head, 0)
	return parse.Sniff(head[:n]) == parse.Plain && !isTar(head[:n])
}

// fingerprintOf returns the fingerprint of the plain file f (see
// state.Fingerprint), or "" when nothing can be read from it.
func fingerprintOf(f io.ReaderAt) string {
	if head := headOf(f); len(head) > 0 {
		return state.Fingerprint(head)
	}
	return ""
}

// headOf returns the first state.FingerprintBytes bytes of the file f, or
// all of them when it is shorter (nil when none can be read).
func headOf(f io.ReaderAt) []byte {
	head := make([]byte, state.FingerprintBytes)
	n, _ := f.ReadAt(head, 0)
	return head[:n]
}

// readHead returns the first bytes of src, a regular file read through a
// sizedFile, up to len(buf) of them, read into buf: the reads of src that
// follow take them from buf instead of reading them again, until src
// seeks. buf is not to change until src is done with. It returns nil when
// src cannot be read so.
func (s *source) readHead(buf []byte) []byte {
	f := s.sized()
	if f == nil || f.off != 0 {
		return nil
	}
	buf = buf[:min(int64(len(buf)), s.size)]
	n, err := f.f.ReadAt(buf, 0)
	if err != nil && n < len(buf) {
		// Let the reads that follow find what went wrong.
		n = 0
	}
	f.pre = buf[:n]
	return f.pre
}

// sized returns the sizedFile that src is read through, or nil.
func (s *source) sized() *sizedFile {
	r := s.r
	if p, ok := r.(progressReader); ok {
		r = p.r
	}
	f, _ := r.(*sizedFile)
	return f
}

// compressedNames are the endings that promise a compressed file.
var compressedNames = map[string]parse.Format{".gz": parse.Gzip, ".tgz": parse.Gzip, ".zst": parse.Zstd, ".zstd": parse.Zstd,
	".tzst": parse.Zstd, ".bz2": parse.Bzip2, ".tbz2": parse.Bzip2}

// checkName compares what in's name promises with the detected format: a
// 0-byte file named as compressed is EMPTY (an aborted write, most
// likely); any other mismatch is read by its content, with a warning.
func checkName(in *summary.Input, format parse.Format, op *parse.Opener) error {
	ext := strings.ToLower(filepath.Ext(in.Path))
	want, ok := compressedNames[ext]
	if !ok || want == format {
		return nil
	}
	if op.Integrity().Empty {
		return &parse.Error{File: in.Path, Format: want, Fault: parse.Empty, Offset: -1, Err: parse.ErrEmpty}
	}
	in.Warnings = append(in.Warnings, fmt.Sprintf("named %s but holds %s data; read as %s", ext, format, format))
	return nil
}
