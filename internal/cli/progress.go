package cli

import (
	"io"
	"sync/atomic"
	"time"

	"github.com/jedib0t/go-pretty/v6/progress"

	"synclog/internal/report"
	"synclog/internal/scan"
)

// progressBar shows, on a terminal's stderr, how much of each input has
// been read, at what rate, and when it should be done.
type progressBar struct {
	pw      *progress.Progress
	started atomic.Int64 // inputs started
}

// maxDoneLines is how many inputs get a line of their own once read: the
// trackers of the others are dropped when they are done, so that neither
// memory nor the terminal fills up with one line per input of a large
// folder (go-pretty keeps every done tracker otherwise).
const maxDoneLines = 100

func newProgressBar(w io.Writer, width int) *progressBar {
	pw := &progress.Progress{}
	pw.SetOutputWriter(w)
	pw.SetAutoStop(false)
	pw.SetUpdateFrequency(100 * time.Millisecond)
	pw.SetTrackerLength(20)
	pw.SetMessageLength(40)
	if width > 0 {
		pw.SetTerminalWidth(width)
	}
	pw.ShowETA(true)
	pw.ShowOverallTracker(true)
	style := progress.StyleDefault
	style.Visibility.Speed = true
	style.Visibility.Time = false
	pw.SetStyle(style)
	go pw.Render()
	return &progressBar{pw: pw}
}

// Start implements scan.Progress. The name is shown escaped (report.Safe),
// as in every report: a file name can hold terminal controls.
func (b *progressBar) Start(name string, size int64) scan.Tracker {
	t := &progress.Tracker{Message: report.Safe(name), Total: size, Units: progress.UnitsBytes,
		RemoveOnCompletion: b.started.Add(1) > maxDoneLines}
	b.pw.AppendTracker(t)
	return tracker{t}
}

// Stop draws the final state and stops drawing.
func (b *progressBar) Stop() {
	b.pw.Stop()
	for b.pw.IsRenderInProgress() {
		time.Sleep(10 * time.Millisecond)
	}
}

type tracker struct{ t *progress.Tracker }

func (t tracker) Add(n int64) { t.t.Increment(n) }

func (t tracker) Done(err error) {
	if err != nil {
		t.t.MarkAsErrored()
		return
	}
	t.t.MarkAsDone()
}
