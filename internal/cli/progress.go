package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jedib0t/go-pretty/v6/progress"
	"github.com/jedib0t/go-pretty/v6/text"

	"synclog/internal/report"
	"synclog/internal/scan"
)

// progressEvery is how often the progress line is redrawn: 4 times a
// second at most.
const progressEvery = 250 * time.Millisecond

// Terminal controls of the progress line.
const (
	lineStart = "\r"       // back to the first column
	lineClear = "\x1b[K"   // erase from the cursor to the end of the line
	lineGone  = "\r\x1b[K" // erase the whole line, cursor in column 1
	ellipsis  = "…"        // stands for the middle of a shortened name
	sep       = "  "       // between the parts of the line
	defaultW  = 80         // columns when the terminal's width is unknown
)

// progressBar shows, on a terminal's stderr, one line redrawn in place:
// inputs done of all, bytes read (of all, when every input's size is
// known), the rate, the time left (likewise), and the name of the input
// started last. Stop erases it: nothing of it is left on the terminal.
// Start and the Trackers may be called from any goroutine.
type progressBar struct {
	w      io.Writer
	width  int   // columns the line may take (one less than the terminal's)
	files  int   // inputs to read
	total  int64 // their size in bytes; -1: unknown (standard input, a FIFO)
	start  time.Time
	read   atomic.Int64 // raw bytes read
	passed atomic.Int64 // bytes of finished inputs that were not read (--state)
	done   atomic.Int64 // inputs finished
	failed atomic.Int64 // ... of which not read whole
	name   atomic.Pointer[string]
	stop   chan struct{}
	ended  chan struct{}
}

// newProgressBar starts drawing the progress of reading paths on w, a
// terminal of width columns (0: unknown).
func newProgressBar(w io.Writer, width int, paths []string) *progressBar {
	if width <= 0 {
		width = defaultW
	}
	b := &progressBar{w: w, width: width - 1, files: len(paths), total: totalSize(paths),
		start: time.Now(), stop: make(chan struct{}), ended: make(chan struct{})}
	go b.loop()
	return b
}

// totalSize returns the size of the regular files paths name, or -1 if
// one is not a regular file.
func totalSize(paths []string) int64 {
	var n int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if p == "-" || err != nil || !fi.Mode().IsRegular() {
			return -1
		}
		n += fi.Size()
	}
	return n
}

// loop redraws the line every progressEvery until Stop, then draws it a
// last time and erases it. It stops drawing after a failed write.
func (b *progressBar) loop() {
	defer close(b.ended)
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			_, _ = io.WriteString(b.w, lineStart+b.line(time.Since(b.start))+lineClear+lineGone)
			return
		case <-t.C:
			if _, err := io.WriteString(b.w, lineStart+b.line(time.Since(b.start))+lineClear); err != nil {
				<-b.stop
				return
			}
		}
	}
}

// line returns the progress line after elapsed, at most b.width columns.
func (b *progressBar) line(elapsed time.Duration) string {
	read := b.read.Load()
	parts := []string{fmt.Sprintf("%d/%d files", b.done.Load(), b.files)}
	if f := b.failed.Load(); f > 0 {
		parts[0] += fmt.Sprintf(" (%d not whole)", f)
	}
	if b.total >= 0 {
		parts = append(parts, progress.FormatBytes(read)+" of "+progress.FormatBytes(b.total))
	} else {
		parts = append(parts, progress.FormatBytes(read))
	}
	rate := float64(read) / max(elapsed.Seconds(), 1e-3)
	parts = append(parts, progress.FormatBytes(int64(rate))+"/s")
	if left := b.total - read - b.passed.Load(); b.total >= 0 && rate > 0 && left > 0 {
		eta := time.Duration(float64(left) / rate * float64(time.Second))
		parts = append(parts, "ETA "+eta.Round(time.Second).String())
	}
	s := strings.Join(parts, sep)
	if len(s) >= b.width { // ASCII only so far
		return s[:max(b.width, 0)]
	}
	if p := b.name.Load(); p != nil && b.width-len(s)-len(sep) >= 8 {
		s += sep + shorten(*p, b.width-len(s)-len(sep))
	}
	return s
}

// shorten returns s if it is at most width columns wide, else s with its
// middle replaced by an ellipsis so that it is width columns at most.
func shorten(s string, width int) string {
	if text.StringWidth(s) <= width {
		return s
	}
	r := []rune(s)
	room := width - 1 // for the ellipsis
	head, tail := 0, len(r)
	for w, turn := 0, 0; ; turn++ {
		var rw int
		if turn%2 == 0 {
			rw = text.RuneWidth(r[head])
		} else {
			rw = text.RuneWidth(r[tail-1])
		}
		if w+rw > room || head >= tail-1 {
			break
		}
		w += rw
		if turn%2 == 0 {
			head++
		} else {
			tail--
		}
	}
	return string(r[:head]) + ellipsis + string(r[tail:])
}

// Start implements scan.Progress. The name is shown escaped (report.Safe),
// as in every report: a file name can hold terminal controls.
func (b *progressBar) Start(name string, size int64) scan.Tracker {
	safe := report.Safe(name)
	b.name.Store(&safe)
	return &tracker{b: b, size: size}
}

// Stop draws the final state, erases the line and stops drawing.
func (b *progressBar) Stop() {
	close(b.stop)
	<-b.ended
}

// tracker follows one input for a progressBar.
type tracker struct {
	b    *progressBar
	size int64 // 0: unknown
	read atomic.Int64
}

func (t *tracker) Add(n int64) {
	t.read.Add(n)
	t.b.read.Add(n)
}

// Done counts the input as finished, and the bytes of it that were not
// read (before a --state offset, or after an error) as passed.
func (t *tracker) Done(err error) {
	if rest := t.size - t.read.Load(); rest > 0 {
		t.b.passed.Add(rest)
	}
	if err != nil {
		t.b.failed.Add(1)
	}
	t.b.done.Add(1)
}
