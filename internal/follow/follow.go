// Package follow follows logs as they are written, like tail -F: lines
// appended, rotation by rename and by copytruncate, and new files in
// watched folders, and hands each log to a Handler to read.
package follow

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"synclog/internal/parse"
	"synclog/internal/state"
)

// Options configures Run. The zero value follows with file system
// notifications and the default timings.
type Options struct {
	// Poll, when above 0, checks the files every Poll instead of waiting
	// for file system notifications (for network file systems, where
	// none come).
	Poll time.Duration
	// Recheck is how often sizes and folders are checked even with
	// notifications, so that a missed one never loses data (0: 2 s).
	Recheck time.Duration
	// Quiet is how long a compressed file must stay unchanged before it
	// is read (a compressor may still be writing it), and a file rotated
	// away before its reading ends (a writer may still hold it open)
	// (0: 1 s).
	Quiet time.Duration
	// FromStart reads what the files hold already: plain ones from their
	// start, compressed ones whole. By default plain files are followed
	// from the end of their last whole line, and the compressed files
	// already there are not read.
	FromStart bool
	// Opener sets the limits for decoding the start of compressed files.
	Opener parse.OpenerOptions
	// Notify, if set, is told of what the Follower cannot do as asked
	// (notifications unavailable: polling instead; a file it cannot
	// open). It is called from any goroutine, one call at a time.
	Notify func(msg string)
}

// DefaultPoll is how often files are checked when notifications are
// unavailable and Options.Poll is not set.
const DefaultPoll = 500 * time.Millisecond

// Source is one log to read, handed to a Handler.
type Source struct {
	// Name is the log's path.
	Name string
	// R reads the log. A plain file is read as it is written: at its end
	// R waits for more, and returns io.EOF once the file has been rotated
	// away (renamed while followed by its name, or deleted) and read to
	// its end, has shrunk below what was read (copytruncate: the file is
	// then read again from 0 as a new Source), or Run's context is done
	// and what the file held then has been read. A compressed file is
	// read once: R returns its raw bytes, to be decoded.
	R io.Reader
	// Compressed says R holds a compressed file, read once.
	Compressed bool
	// From is where an earlier Source of the same log (the file before it
	// was rotated, copied or compressed) stopped: the events that begin
	// before it were read there (the zero Mark: none). Pass it to
	// parse.Extractor.Resume.
	From parse.Mark
	// Lines is how many lines the file holds before R's first byte (a log
	// followed from its end): add it to the line numbers read.
	Lines int64

	start int64 // the offset of R's first byte
}

// Handler reads src.R to its end and returns where the reading stopped
// (parse.Extractor.Mark). Run calls it on a goroutine of its own for each
// Source.
type Handler func(src *Source) parse.Mark

// follower is one Run.
type follower struct {
	ctx   context.Context
	o     Options
	h     Handler
	data  *pulse // something may have been written
	names *pulse // a folder may have a new entry
	wg    sync.WaitGroup

	mu     sync.Mutex
	live   []*segment   // segments being read
	ledger *state.State // how far each log (by its first bytes) was read
	noteMu sync.Mutex
}

// Run follows paths (files and folders) until ctx is done and every
// Source handed to h has been read; h is called for each log (see
// Source). A file path need not exist yet: it is followed once it does. A
// folder's files (not its sub-folders, nor names that start with ".") are
// followed as they appear.
//
// A log is read once across rotation: a file renamed in a watched folder
// is the file already followed, and a new file whose first bytes (decoded,
// up to state.FingerprintBytes) are the start of a log being read, or the
// other way round (a rotated copy, its compressed copy), waits for that
// reading to end and is then read only past where it stopped.
func Run(ctx context.Context, paths []string, o Options, h Handler) {
	f := &follower{ctx: ctx, o: o, h: h, data: newPulse(), names: newPulse(), ledger: &state.State{}}
	dirs := make(map[string]bool)
	var files, folders []string
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			folders, dirs[p] = append(folders, p), true
		} else {
			files, dirs[filepath.Dir(p)] = append(files, p), true
		}
	}
	stop := f.watch(dirs)
	for _, p := range folders {
		f.wg.Go(func() { f.folder(p) })
	}
	for _, p := range files {
		f.wg.Go(func() { f.file(p) })
	}
	f.wg.Wait()
	stop()
}

// note passes a message to Options.Notify.
func (f *follower) note(format string, args ...any) {
	if f.o.Notify != nil {
		f.noteMu.Lock()
		defer f.noteMu.Unlock()
		f.o.Notify(fmt.Sprintf(format, args...))
	}
}

// file follows the file path: from its end (or start) first, then, each
// time it is rotated away, the file path names then, from 0 (the file
// rotated away is read to its end meanwhile), and a file truncated again
// from 0.
func (f *follower) file(path string) {
	first, noted := true, false
	for f.ctx.Err() == nil {
		names := f.names.wait()
		fl, err := os.Open(path)
		if err == nil {
			moved := make(chan struct{})
			var once sync.Once
			away := func() bool {
				if movedAway(fl, path) {
					once.Do(func() { close(moved) })
					return true
				}
				return false
			}
			f.wg.Go(func() {
				defer fl.Close()
				defer once.Do(func() { close(moved) })
				if f.openedFile(fl, path, first, away) == endOnce {
					f.until(f.names, away)
				}
			})
			<-moved
			first, noted = false, false
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) && !noted {
			f.note("%v", err)
			noted = true
		}
		first = false // a file that appears later is new: read from 0
		select {
		case <-names:
		case <-f.ctx.Done():
			return
		}
	}
}

// until waits until done reports true, checking at each fire of p, and
// reports whether it did before the Follower stopped.
func (f *follower) until(p *pulse, done func() bool) bool {
	for {
		names := p.wait()
		if done() {
			return true
		}
		select {
		case <-names:
		case <-f.ctx.Done():
			return false
		}
	}
}

// movedAway reports whether the open file fl no longer is what path names:
// path names another file or nothing, or fl was deleted.
func movedAway(fl *os.File, path string) bool {
	fi, err := fl.Stat()
	if err != nil {
		return true
	}
	id, links := idOf(fi)
	pi, err := os.Stat(path)
	if err != nil || links == 0 {
		return true
	}
	pid, _ := idOf(pi)
	return pid != id || id == (fileID{}) && !os.SameFile(fi, pi)
}

// deleted reports whether the open file fl has no name left.
func deleted(fl *os.File) bool {
	fi, err := fl.Stat()
	if err != nil {
		return true
	}
	_, links := idOf(fi)
	return links == 0
}

// openedFile reads the open file fl, named name: a compressed one once,
// whole; a plain one followed until it is rotated away (gone), truncated
// (then again from 0), or the Follower stops. first says fl was there
// when Run started. It returns why the reading ended.
func (f *follower) openedFile(fl *os.File, name string, first bool, gone func() bool) int {
	if !first && !f.started(fl, gone) {
		return endStopped
	}
	magic := make([]byte, 8)
	n, _ := fl.ReadAt(magic, 0)
	if parse.Sniff(magic[:n]) != parse.Plain {
		if !first || f.o.FromStart {
			f.compressed(fl, name, first)
		}
		return endOnce
	}
	for {
		end := f.plain(fl, name, first, gone)
		if end != endTruncated {
			return end
		}
		first = false
	}
}

// started waits until the new file fl holds enough to tell what it is:
// its format by its first bytes (a compressor creates its file empty),
// and a copy of a log by its head (a new log's first line, or a copy's
// first block). That is 4 bytes, or fewer once they have not changed for
// Options.Quiet, or none once the file is gone (rotated away while still
// empty). It reports whether they came before the Follower stopped.
func (f *follower) started(fl *os.File, gone func() bool) bool {
	var size int64 = -1
	var since time.Time
	return f.until(f.data, func() bool {
		fi, err := fl.Stat()
		switch {
		case err != nil || fi.Size() >= 4 || gone():
			return true
		case fi.Size() != size:
			size, since = fi.Size(), time.Now()
			return false
		}
		return size > 0 && time.Since(since) >= f.quiet()
	})
}

// plain follows the plain file fl, named name, as one Source, and returns
// why it ended.
func (f *follower) plain(fl *os.File, name string, first bool, gone func() bool) int {
	var start, lines int64
	if first && !f.o.FromStart {
		start, lines = lastLineEnd(fl)
	}
	t := newTail(f.ctx, fl, start, f.data, gone, f.quiet())
	src := &Source{Name: name, R: t, Lines: lines, start: start}
	if first {
		f.register(t.seg)
	} else {
		f.claim(t.seg)
		size := int64(-1)
		if fi, err := fl.Stat(); err == nil {
			size = fi.Size()
		}
		src.From = f.find(t.seg.Head(), size)
	}
	f.finish(t.seg, src, f.h(src))
	return t.end
}

// compressed reads the compressed file fl, named name, once, whole, past
// what was read of the same log elsewhere, once it has stopped changing.
func (f *follower) compressed(fl *os.File, name string, first bool) {
	if !f.settle(fl) {
		return
	}
	head := f.decodedHead(fl)
	g := newSegment(head)
	if first {
		f.register(g)
	} else {
		f.claim(g)
	}
	src := &Source{Name: name, R: io.NewSectionReader(fl, 0, math.MaxInt64), Compressed: true, From: f.find(head, -1)}
	f.finish(g, src, f.h(src))
}

// quiet returns Options.Quiet or its default.
func (f *follower) quiet() time.Duration {
	if f.o.Quiet <= 0 {
		return time.Second
	}
	return f.o.Quiet
}

// settle waits until the file fl has not changed for Options.Quiet, and
// reports whether it did before the Follower stopped.
func (f *follower) settle(fl *os.File) bool {
	quiet := f.quiet()
	step := min(quiet/4+1, 250*time.Millisecond)
	var last fs.FileInfo
	since := time.Now()
	for {
		fi, err := fl.Stat()
		if err != nil {
			return false
		}
		if last == nil || fi.Size() != last.Size() || !fi.ModTime().Equal(last.ModTime()) {
			last, since = fi, time.Now()
		} else if time.Since(since) >= quiet {
			return true
		}
		select {
		case <-time.After(step):
		case <-f.ctx.Done():
			return false
		}
	}
}

// decodedHead returns the first state.FingerprintBytes decoded bytes of
// the compressed file fl, or fewer (nil when it cannot be decoded).
func (f *follower) decodedHead(fl *os.File) []byte {
	op, err := parse.NewOpener(f.o.Opener)
	if err != nil {
		return nil
	}
	defer op.Close()
	r, _, err := op.Open(io.NewSectionReader(fl, 0, math.MaxInt64))
	if err != nil {
		return nil
	}
	head := make([]byte, state.FingerprintBytes)
	n, _ := io.ReadFull(r, head)
	return head[:n]
}

// register adds g to the segments being read.
func (f *follower) register(g *segment) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.live = append(f.live, g)
}

// claim waits until no segment being read holds the same log as g (see
// segment.matches), then adds g to them.
func (f *follower) claim(g *segment) {
	head := g.Head()
	for {
		f.mu.Lock()
		var busy *segment
		for _, l := range f.live {
			if l.matches(head) {
				busy = l
				break
			}
		}
		if busy == nil {
			f.live = append(f.live, g)
			f.mu.Unlock()
			return
		}
		f.mu.Unlock()
		<-busy.done // ends once its Source is read, at the latest when Run stops
	}
}

// find returns where an earlier Source of the log whose first bytes are
// head stopped, or the zero Mark. size, unless -1, is the input's size: a
// Mark past it is from another content (copytruncate), and ignored.
func (f *follower) find(head []byte, size int64) parse.Mark {
	if len(head) == 0 {
		return parse.Mark{}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	e := f.ledger.Find(head)
	if e == nil || size >= 0 && e.Offset > size {
		return parse.Mark{}
	}
	return e.Mark()
}

// finish records that src, read through the segment g, stopped at m
// (counted from src's first byte), and ends g.
func (f *follower) finish(g *segment, src *Source, m parse.Mark) {
	m = m.Plus(parse.Mark{Offset: src.start, Lines: src.Lines})
	head := g.Head()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(head) > 0 {
		f.ledger.Update(head, src.Name, state.At(m), time.Now())
	}
	for i, l := range f.live {
		if l == g {
			f.live = append(f.live[:i], f.live[i+1:]...)
			break
		}
	}
	close(g.done)
}

// lastLineEnd returns the offset just past the last newline of fl, and
// how many lines lie before it: where following from the end starts.
func lastLineEnd(fl *os.File) (off, lines int64) {
	buf := make([]byte, 256<<10)
	var pos int64
	for {
		n, err := fl.ReadAt(buf, pos)
		b := buf[:n]
		if c := bytes.Count(b, []byte{'\n'}); c > 0 {
			lines += int64(c)
			off = pos + int64(bytes.LastIndexByte(b, '\n')) + 1
		}
		pos += int64(n)
		if err != nil || n == 0 {
			return off, lines
		}
	}
}
