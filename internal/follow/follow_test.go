package follow

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"synclog/internal/parse"
)

// collector is a Handler that keeps every whole line it reads, by text,
// with where it read it, and counts the Sources it was given.
type collector struct {
	mu      sync.Mutex
	lines   map[string][]string // line → "name:line" of each reading
	sources chan string
}

func newCollector() *collector {
	return &collector{lines: make(map[string][]string), sources: make(chan string, 100)}
}

// handle reads src line by line: the whole lines past src.From are kept.
func (c *collector) handle(src *Source) parse.Mark {
	select {
	case c.sources <- src.Name:
	default:
	}
	r := src.R
	if src.Compressed {
		op, err := parse.NewOpener(parse.OpenerOptions{})
		if err != nil {
			return parse.Mark{}
		}
		defer op.Close()
		if r, _, err = op.Open(src.R); err != nil {
			return parse.Mark{}
		}
	}
	br := bufio.NewReader(r)
	var off, n int64
	for {
		line, err := br.ReadString('\n')
		if !strings.HasSuffix(line, "\n") {
			// A last line without its newline is left for later.
			io.Copy(io.Discard, br)
			return parse.Mark{Offset: off, Lines: n, End: -1}
		}
		off += int64(len(line))
		n++
		if off > src.From.Offset {
			c.mu.Lock()
			c.lines[strings.TrimSuffix(line, "\n")] = append(c.lines[strings.TrimSuffix(line, "\n")], fmt.Sprintf("%s:%d", filepath.Base(src.Name), n+src.Lines))
			c.mu.Unlock()
		}
		if err != nil {
			return parse.Mark{Offset: off, Lines: n, End: -1}
		}
	}
}

// has reports whether every line of want has been read.
func (c *collector) has(want []string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, w := range want {
		if len(c.lines[w]) == 0 {
			return false
		}
	}
	return true
}

// waitFor waits, up to 10 s, until every line of want has been read.
func (c *collector) waitFor(t *testing.T, want []string) {
	t.Helper()
	for range 1000 {
		if c.has(want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("not all of %q read in 10 s; read: %v", want, c.lines)
}

// waitSources waits, up to 10 s, for n Sources to start.
func (c *collector) waitSources(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-c.sources:
		case <-time.After(10 * time.Second):
			t.Fatal("no Source started in 10 s")
		}
	}
}

// follow runs Run on paths with o until stop is called, which returns
// the collector once Run has returned.
func follow(t *testing.T, o Options, paths ...string) (c *collector, stop func() *collector) {
	t.Helper()
	c = newCollector()
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		Run(ctx, paths, o, c.handle)
	}()
	return c, func() *collector {
		cancel()
		select {
		case <-ended:
		case <-time.After(10 * time.Second):
			t.Fatal("Run still running 10 s after it was stopped")
		}
		return c
	}
}

func appendTo(t *testing.T, path string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if _, err := f.WriteString(l + "\n"); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func gzipTo(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	// As a compressor does: the file is created empty, written later.
	if err := os.WriteFile(dst, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(30 * time.Millisecond)
	if err := os.WriteFile(dst, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// once checks that each line of want was read exactly once, and that no
// other line was read.
func once(t *testing.T, c *collector, want []string) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, w := range want {
		if got := c.lines[w]; len(got) != 1 {
			t.Errorf("line %q read %d times (%v), want once", w, len(got), got)
		}
	}
	for l, where := range c.lines {
		found := false
		for _, w := range want {
			found = found || w == l
		}
		if !found {
			t.Errorf("line %q read (%v), want it not read", l, where)
		}
	}
}

// modes runs test with notifications and with polling forced.
func modes(t *testing.T, test func(t *testing.T, o Options)) {
	t.Run("notify", func(t *testing.T) { test(t, Options{Quiet: 100 * time.Millisecond, Recheck: 200 * time.Millisecond}) })
	t.Run("poll", func(t *testing.T) { test(t, Options{Quiet: 100 * time.Millisecond, Poll: 20 * time.Millisecond}) })
}

func TestAppend(t *testing.T) {
	modes(t, func(t *testing.T, o Options) {
		log := filepath.Join(t.TempDir(), "sync.log")
		appendTo(t, log, "old 1", "old 2")
		c, stop := follow(t, o, log)
		c.waitSources(t, 1)
		appendTo(t, log, "new 1", "new 2")
		c.waitFor(t, []string{"new 1", "new 2"})
		appendTo(t, log, "new 3")
		once(t, stop(), []string{"new 1", "new 2", "new 3"})
		if got := c.lines["new 3"]; len(got) == 1 && got[0] != "sync.log:5" {
			t.Errorf("new 3 read at %s, want sync.log:5 (counted from the file's start)", got[0])
		}
	})
}

func TestFromStart(t *testing.T) {
	modes(t, func(t *testing.T, o Options) {
		dir := t.TempDir()
		log := filepath.Join(dir, "sync.log")
		appendTo(t, log, "old 1")
		appendTo(t, filepath.Join(dir, "plain"), "old 2")
		gzipTo(t, filepath.Join(dir, "plain"), filepath.Join(dir, "sync.log.2.gz"))
		os.Remove(filepath.Join(dir, "plain"))
		o.FromStart = true
		c, stop := follow(t, o, dir)
		c.waitFor(t, []string{"old 1", "old 2"})
		appendTo(t, log, "new 1")
		c.waitFor(t, []string{"new 1"})
		once(t, stop(), []string{"old 1", "old 2", "new 1"})
	})
}

func TestRenameRotation(t *testing.T) {
	modes(t, func(t *testing.T, o Options) {
		dir := t.TempDir()
		log := filepath.Join(dir, "sync.log")
		appendTo(t, log)
		c, stop := follow(t, o, log)
		c.waitSources(t, 1)
		appendTo(t, log, "a 1", "a 2")
		c.waitFor(t, []string{"a 1"})
		if err := os.Rename(log, log+".1"); err != nil {
			t.Fatal(err)
		}
		appendTo(t, log+".1", "a 3") // the writer had it open still
		appendTo(t, log, "b 1", "b 2")
		c.waitFor(t, []string{"a 3", "b 2"})
		appendTo(t, log, "b 3")
		once(t, stop(), []string{"a 1", "a 2", "a 3", "b 1", "b 2", "b 3"})
	})
}

func TestCopyTruncate(t *testing.T) {
	modes(t, func(t *testing.T, o Options) {
		log := filepath.Join(t.TempDir(), "sync.log")
		appendTo(t, log)
		c, stop := follow(t, o, log)
		c.waitSources(t, 1)
		appendTo(t, log, "a 1", "a 2")
		c.waitFor(t, []string{"a 2"})
		if err := os.Truncate(log, 0); err != nil {
			t.Fatal(err)
		}
		appendTo(t, log, "b 1")
		c.waitFor(t, []string{"b 1"})
		appendTo(t, log, "b 2")
		stop()
		once(t, c, []string{"a 1", "a 2", "b 1", "b 2"})
		if got := c.lines["b 2"]; len(got) == 1 && got[0] != "sync.log:2" {
			t.Errorf("b 2 read at %s, want sync.log:2 (the file starts again)", got[0])
		}
	})
}

func TestNewFileInFolder(t *testing.T) {
	modes(t, func(t *testing.T, o Options) {
		dir := t.TempDir()
		appendTo(t, filepath.Join(dir, "a.log"), "old a")
		appendTo(t, filepath.Join(dir, ".hidden"), "hidden")
		c, stop := follow(t, o, dir)
		c.waitSources(t, 1)
		appendTo(t, filepath.Join(dir, "b.log"), "b 1", "b 2")
		appendTo(t, filepath.Join(dir, "a.log"), "a 1")
		appendTo(t, filepath.Join(dir, ".hidden"), "hidden 2")
		c.waitFor(t, []string{"b 1", "b 2", "a 1"})
		once(t, stop(), []string{"b 1", "b 2", "a 1"})
	})
}

// TestCompressedOnce rotates as logrotate's compress does, in a watched
// folder: the log renamed, a new one created, the renamed one compressed
// and then deleted. The compressed copy holds nothing new; an unrelated
// compressed file is read once, even when renamed.
func TestCompressedOnce(t *testing.T) {
	modes(t, func(t *testing.T, o Options) {
		dir := t.TempDir()
		log := filepath.Join(dir, "sync.log")
		appendTo(t, log)
		c, stop := follow(t, o, dir)
		c.waitSources(t, 1)
		appendTo(t, log, "a 1", "a 2")
		c.waitFor(t, []string{"a 1", "a 2"})
		os.Rename(log, log+".1")
		appendTo(t, log, "b 1")
		appendTo(t, log+".1", "a 3") // written before compression, read once
		gzipTo(t, log+".1", log+".1.gz")
		os.Remove(log + ".1")
		appendTo(t, filepath.Join(dir, "other"), "c 1")
		gzipTo(t, filepath.Join(dir, "other"), filepath.Join(dir, "other.gz"))
		os.Remove(filepath.Join(dir, "other"))
		c.waitFor(t, []string{"a 3", "b 1", "c 1"})
		os.Rename(filepath.Join(dir, "other.gz"), filepath.Join(dir, "other.1.gz"))
		appendTo(t, log, "b 2")
		c.waitFor(t, []string{"b 2"})
		time.Sleep(300 * time.Millisecond) // a second reading of a .gz would come in this time
		once(t, stop(), []string{"a 1", "a 2", "a 3", "b 1", "b 2", "c 1"})
	})
}

// TestCopyTruncateInFolder rotates as logrotate's copytruncate does, in a
// watched folder: the log copied, then truncated. Lines appended between
// the last reading and the copy are read from the copy, the others once.
func TestCopyTruncateInFolder(t *testing.T) {
	modes(t, func(t *testing.T, o Options) {
		dir := t.TempDir()
		log := filepath.Join(dir, "sync.log")
		appendTo(t, log)
		c, stop := follow(t, o, dir)
		c.waitSources(t, 1)
		appendTo(t, log, "a 1", "a 2")
		c.waitFor(t, []string{"a 1", "a 2"})
		data, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(log+".1", append(data, "a 3\n"...), 0o644)
		os.Truncate(log, 0)
		appendTo(t, log, "b 1")
		c.waitFor(t, []string{"a 3", "b 1"})
		gzipTo(t, log+".1", log+".2.gz")
		os.Remove(log + ".1")
		appendTo(t, log, "b 2")
		c.waitFor(t, []string{"b 2"})
		time.Sleep(300 * time.Millisecond)
		once(t, stop(), []string{"a 1", "a 2", "a 3", "b 1", "b 2"})
	})
}

// TestFileAppears follows a path that does not exist yet.
func TestFileAppears(t *testing.T) {
	modes(t, func(t *testing.T, o Options) {
		log := filepath.Join(t.TempDir(), "sync.log")
		c, stop := follow(t, o, log)
		time.Sleep(50 * time.Millisecond)
		appendTo(t, log, "a 1")
		c.waitFor(t, []string{"a 1"})
		once(t, stop(), []string{"a 1"})
	})
}
