package report

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/summary"
)

// Rows keeps one row per failed response, in event order, for the CSV
// format: a sink fed beside the Summary when CSV is asked for, and merged
// in input order like it (see WriteCSV). The zero value is empty and ready
// to use; Close releases it. Rows are kept in a compact binary form in memory
// and moved to an unlinked temporary file past spillBytes, so that memory
// stays bounded however many responses failed.
type Rows struct {
	buf     []byte
	f       *os.File // spilled rows; nil when none
	spilled int64    // bytes written to f
	n       int64    // rows
	shift   int      // added to every line number when the rows are read
	err     error    // first error writing f
}

// spillBytes is how many bytes of rows a Rows holds in memory.
const spillBytes = 1 << 20

// row is one failed response as the CSV format lists it.
type row struct {
	time   time.Time
	file   string
	line   int
	method string
	status int
	url    string // without userinfo
	class  string // "server_code", "infra", "unknown", or "no_body"
	key    string
	esc    bool
	// unlisted marks an infra value the code table does not list.
	unlisted bool
}

// noBodyClass is the class of a failed response that had no body in the log.
const noBodyClass = "no_body"

// Add records ev if it is a failed response (HTTP status 400 or more);
// c is the class of its body, nil when it had none, as for Summary.Add.
func (l *Rows) Add(ev *parse.Event, c *classify.Class) {
	if ev.Kind == parse.KindResponse && ev.Status >= 400 {
		l.add(ev, c, summary.KindOf(c), summary.Escalates(ev.Status, c))
	}
}

// add appends the row of a failed response.
func (l *Rows) add(ev *parse.Event, c *classify.Class, kind classify.Kind, esc bool) {
	b := l.buf
	start := len(b)
	b = append(b, 0, 0, 0, 0) // record length, filled in below
	var ms int64
	flags := byte(0)
	if !ev.Time.IsZero() {
		ms = ev.Time.UnixMilli()
		flags |= 1
	}
	if esc {
		flags |= 2
	}
	if c != nil && c.Unlisted() {
		flags |= 4
	}
	class := noBodyClass
	var key []byte
	if c != nil {
		class = kind.String()
		key = []byte(c.Key)
		if c.Key == "" {
			key = summary.CutUTF8(c.Text, summary.MaxKeyBytes)
		}
	}
	b = append(b, flags)
	b = binary.AppendVarint(b, ms)
	b = binary.AppendUvarint(b, uint64(max(ev.Line, 0)))
	b = binary.AppendUvarint(b, uint64(max(ev.Status, 0)))
	b = appendField(b, []byte(ev.File))
	b = appendField(b, ev.Method)
	b = appendField(b, []byte(summary.URLString(ev.URL)))
	b = appendField(b, []byte(class))
	b = appendField(b, key)
	binary.LittleEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	l.buf = b
	l.n++
	l.maybeSpill()
}

func appendField(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// maybeSpill moves the rows in memory to the temporary file once they pass
// spillBytes.
func (l *Rows) maybeSpill() {
	if len(l.buf) < spillBytes || l.err != nil {
		return
	}
	if l.f == nil {
		f, err := os.CreateTemp("", "synclog-rows-")
		if err != nil {
			l.err = fmt.Errorf("report: keeping rows for csv: %w", err)
			return
		}
		// Unlinked at once: the rows go away with the process, whatever
		// happens to it.
		os.Remove(f.Name())
		l.f = f
	}
	n, err := l.f.Write(l.buf)
	l.spilled += int64(n)
	if err != nil {
		l.err = fmt.Errorf("report: keeping rows for csv: %w", err)
		return
	}
	l.buf = l.buf[:0]
}

// each calls fn with every row in order, line numbers shifted.
func (l *Rows) each(fn func(*row) error) error {
	if l.err != nil {
		return l.err
	}
	var r io.Reader = bytes.NewReader(l.buf)
	if l.f != nil {
		r = io.MultiReader(io.NewSectionReader(l.f, 0, l.spilled), r)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var hdr [4]byte
	var rec []byte
	var x row
	for {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("report: reading rows back: %w", err)
		}
		n := binary.LittleEndian.Uint32(hdr[:])
		if cap(rec) < int(n) {
			rec = make([]byte, n)
		}
		rec = rec[:n]
		if _, err := io.ReadFull(br, rec); err != nil {
			return fmt.Errorf("report: reading rows back: %w", err)
		}
		if err := decodeRow(rec, &x); err != nil {
			return err
		}
		x.line += l.shift
		if err := fn(&x); err != nil {
			return err
		}
	}
}

// decodeRow reads a record written by add.
func decodeRow(b []byte, x *row) error {
	bad := errors.New("report: reading rows back: damaged record")
	if len(b) < 1 {
		return bad
	}
	flags := b[0]
	b = b[1:]
	ms, n := binary.Varint(b)
	if n <= 0 {
		return bad
	}
	b = b[n:]
	line, n := binary.Uvarint(b)
	if n <= 0 {
		return bad
	}
	b = b[n:]
	status, n := binary.Uvarint(b)
	if n <= 0 {
		return bad
	}
	b = b[n:]
	var fields [5]string
	for i := range fields {
		ln, n := binary.Uvarint(b)
		if n <= 0 || uint64(len(b)-n) < ln {
			return bad
		}
		fields[i] = string(b[n : n+int(ln)])
		b = b[n+int(ln):]
	}
	*x = row{line: int(line), status: int(status), esc: flags&2 != 0, unlisted: flags&4 != 0,
		file: fields[0], method: fields[1], url: fields[2], class: fields[3], key: fields[4]}
	if flags&1 != 0 {
		x.time = time.UnixMilli(ms).UTC()
	}
	return nil
}

// Merge appends o's rows to l's, as Summary.Merge does. o is not changed.
func (l *Rows) Merge(o *Rows) {
	if o == l { // each would read what the merge appends
		c := &Rows{}
		defer c.Close()
		c.Merge(l)
		o = c
	}
	if l.err != nil {
		return
	}
	if o.err != nil {
		l.err = o.err
		return
	}
	if o.f == nil && o.shift == l.shift {
		l.buf = append(l.buf, o.buf...)
		l.n += o.n
		l.maybeSpill()
		return
	}
	err := o.each(func(x *row) error {
		l.addRow(x)
		return l.err
	})
	if err != nil && l.err == nil {
		l.err = err
	}
}

// addRow appends x, as add does for an event; x.line is final (l.shift
// is taken off, since each adds it back).
func (l *Rows) addRow(x *row) {
	ev := parse.Event{Time: x.time, File: x.file, Line: x.line - l.shift, Method: []byte(x.method),
		Status: x.status, URL: []byte(x.url)}
	if x.class == noBodyClass {
		l.add(&ev, nil, 0, x.esc)
		return
	}
	kind, ok := classify.ParseKind(x.class)
	if !ok {
		kind = classify.Unknown
	}
	c := classify.Class{Kind: kind, Key: x.key}
	if x.unlisted { // its key is the value as seen
		c = classify.Class{Kind: kind, Text: []byte(x.key), Description: classify.DescUnlisted}
	}
	l.add(&ev, &c, kind, x.esc)
}

// ShiftLines adds delta to the line number of every row, as
// Summary.ShiftLines does.
func (l *Rows) ShiftLines(delta int) { l.shift += delta }

// Close releases the temporary file. l is empty afterwards.
func (l *Rows) Close() {
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
	l.buf, l.n, l.spilled = nil, 0, 0
}

// csvFields returns x as the fields of a CSV row (see CSVHeader).
func (x *row) csvFields(redactURL, redactString func(string) string) []string {
	host, path := splitURL(x.url)
	if redactURL != nil && x.url != "" {
		host, path = splitURL(redactURL(x.url))
	}
	key := x.key
	if redactString != nil {
		key = redactString(key)
	}
	t := ""
	if !x.time.IsZero() {
		t = x.time.Format(timeLayout)
	}
	status := ""
	if x.status != 0 {
		status = strconv.Itoa(x.status)
	}
	return []string{t, x.file, strconv.Itoa(x.line), x.method, status, host, path, x.class, key, strconv.FormatBool(x.esc), strconv.FormatBool(x.unlisted)}
}

// splitURL splits u into its host (as hostOf gives it) and the rest: the
// path, query and fragment. A URL with no host is all path.
func splitURL(u string) (host, path string) {
	h := summary.HostOf([]byte(u))
	if h == nil {
		return "", u
	}
	auth := 2 // "//host..."
	if i := strings.Index(u, "://"); i > 0 {
		auth = i + 3
	}
	end := len(u)
	if j := strings.IndexAny(u[auth:], "/?# \t"); j >= 0 {
		end = auth + j
	}
	return string(h), u[end:]
}
