package cli

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jedib0t/go-pretty/v6/text"
)

// screen is watch's summary at a terminal: a block of lines under the
// escalation lines, redrawn in place at most once a second (count per key,
// rate per minute over the last rateWindow, last seen). Not safe for
// concurrent use.
type screen struct {
	out   io.Writer
	width int       // columns (0: unknown, lines are not cut)
	start time.Time // when watching began
	shown int       // lines of the block now on the terminal
	drawn time.Time // when it was last drawn
	dirty bool      // it is not on the terminal as it should be
	total int
	keys  map[string]*keyRate
}

// keyRate is what the block shows of one key.
type keyRate struct {
	key  string
	n    int
	last time.Time               // log time of the last one (zero: none had a time)
	mins [rateMinutes]minuteSlot // escalations per minute, by arrival
}

// minuteSlot counts the escalations that arrived in one minute.
type minuteSlot struct {
	minute int64 // Unix minute
	n      int
}

// The rate is over the last rateMinutes minutes; the block lists at most
// screenKeys keys (the most frequent), and screen keeps at most
// screenMaxKeys, the rest counted under "(other)".
const (
	rateMinutes   = 5
	screenKeys    = 8
	screenMaxKeys = 200
	redrawEvery   = time.Second
)

func newScreen(out io.Writer, width int, now time.Time) *screen {
	return &screen{out: out, width: width, start: now, keys: make(map[string]*keyRate)}
}

// add counts one escalation of key, logged at logged, seen at now.
func (s *screen) add(key string, logged, now time.Time) {
	k, ok := s.keys[key]
	if !ok {
		if len(s.keys) >= screenMaxKeys {
			key = "(other)"
		}
		if k, ok = s.keys[key]; !ok {
			k = &keyRate{key: key}
			s.keys[key] = k
		}
	}
	s.total++
	k.n++
	if logged.After(k.last) {
		k.last = logged
	}
	m := now.Unix() / 60
	slot := &k.mins[m%rateMinutes]
	if slot.minute != m {
		*slot = minuteSlot{minute: m}
	}
	slot.n++
	s.dirty = true
}

// line prints one escalation line above the block, and redraws the block
// if it was last drawn redrawEvery ago; else tick will.
func (s *screen) line(l string, now time.Time) error {
	var b strings.Builder
	s.erase(&b)
	b.WriteString(l)
	b.WriteString("\n")
	if now.Sub(s.drawn) >= redrawEvery {
		s.draw(&b, now)
	}
	_, err := io.WriteString(s.out, b.String())
	return err
}

// tick redraws the block if it is not as it should be.
func (s *screen) tick(now time.Time) {
	if !s.dirty && s.shown > 0 {
		return
	}
	var b strings.Builder
	s.erase(&b)
	s.draw(&b, now)
	_, _ = io.WriteString(s.out, b.String()) // a line's write says it
}

// clear takes the block off the terminal.
func (s *screen) clear() {
	var b strings.Builder
	s.erase(&b)
	_, _ = io.WriteString(s.out, b.String())
}

// erase writes what takes the block off the terminal: the cursor up to
// its first line, and everything below cleared.
func (s *screen) erase(b *strings.Builder) {
	if s.shown > 0 {
		fmt.Fprintf(b, "\x1b[%dA\x1b[J", s.shown)
		s.shown = 0
		s.dirty = true
	}
}

// draw writes the block, as of now.
func (s *screen) draw(b *strings.Builder, now time.Time) {
	rows := s.rows(now)
	for _, r := range rows {
		if s.width > 1 {
			r = text.Trim(r, s.width-1) // a wrapped line would break the count to erase
		}
		b.WriteString(r)
		b.WriteString("\n")
	}
	s.shown, s.drawn, s.dirty = len(rows), now, false
}

// rows returns the block's lines.
func (s *screen) rows(now time.Time) []string {
	head := fmt.Sprintf("── synclog watch: %d %s since %s (Ctrl-C: stop and report)",
		s.total, pick(s.total, "escalation", "escalations"), s.start.UTC().Format("15:04:05Z"))
	if s.total == 0 {
		return []string{head}
	}
	keys := make([]*keyRate, 0, len(s.keys))
	for _, k := range s.keys {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b *keyRate) int { return cmp.Or(b.n-a.n, strings.Compare(a.key, b.key)) })
	width := len("KEY")
	for _, k := range keys[:min(len(keys), screenKeys)] {
		width = max(width, text.StringWidth(k.key))
	}
	rows := []string{head, fmt.Sprintf("  %-*s  %7s  %12s  %s", width, "KEY", "COUNT", "PER MIN", "LAST SEEN")}
	for _, k := range keys[:min(len(keys), screenKeys)] {
		last := "-"
		if !k.last.IsZero() {
			last = k.last.UTC().Format("2006-01-02T15:04:05Z")
		}
		pad := width - text.StringWidth(k.key)
		rows = append(rows, fmt.Sprintf("  %s%s  %7d  %12.1f  %s", k.key, strings.Repeat(" ", pad), k.n, k.rate(now, s.start), last))
	}
	if n := len(keys) - screenKeys; n > 0 {
		rows = append(rows, fmt.Sprintf("  and %d more %s", n, pick(n, "key", "keys")))
	}
	return rows
}

// rate returns k's escalations per minute over the last rateMinutes
// minutes, or since start when that is shorter (at least one minute).
func (k *keyRate) rate(now, start time.Time) float64 {
	m := now.Unix() / 60
	n := 0
	for _, s := range k.mins {
		if s.minute > m-rateMinutes && s.minute <= m {
			n += s.n
		}
	}
	span := min(max(now.Sub(start).Minutes(), 1), rateMinutes)
	return float64(n) / span
}
