package report

import (
	"bufio"
	"encoding/csv"
	"io"

	"synclog/internal/redact"
)

// CSVHeader is the first row of the CSV format, which lists every failed
// response (HTTP status 400 or more) in input order, one per row:
//
//   - time: log time, RFC 3339 in UTC with milliseconds; empty when the
//     line had none
//   - file, line: where the response is in the input (line of its first
//     log line)
//   - method: "GET", "POST", ...; empty when the log did not say
//   - status: the HTTP status
//   - host, path: the request URL split after its host (path, query and
//     fragment), without userinfo
//   - class: server_code, infra, unknown, or no_body when the log held no
//     body for the response
//   - key: the server code, the infra string, or the unknown body cut to
//     120 bytes
//   - escalate: true for an infra string in an HTTP 503
//   - unlisted: true for an infra value the code table does not list,
//     recognised by its shape ("server issue: ...")
var CSVHeader = []string{"time", "file", "line", "method", "status", "host", "path", "class", "key", "escalate", "unlisted"}

// WriteCSV writes rows as CSV (RFC 4180, lines ending in "\n"), with
// o.Redact as for Render (o.Format is not looked at). It streams, so that
// a scan with millions of failed responses does not hold its report in
// memory; an error may come after some rows were written. Log-derived
// cells go through Safe, so every row is one line and control characters
// are visible escapes; a cell that a spreadsheet would take for a formula
// (it starts with =, +, -, @) gets a leading "'".
func WriteCSV(w io.Writer, rows *Rows, o Options) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	var redURL, redStr func(string) string
	if o.Redact {
		r := redact.New()
		redURL, redStr = r.URL, r.String
	}
	err := rows.each(func(x *row) error {
		f := x.csvFields(redURL, redStr)
		for _, i := range []int{1, 3, 5, 6, 8} { // file, method, host, path, key
			f[i] = defuse(Safe(f[i]))
		}
		return cw.Write(f)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// defuse keeps a spreadsheet from reading cell c as a formula.
func defuse(c string) string {
	if c == "" {
		return c
	}
	switch c[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + c
	}
	return c
}
