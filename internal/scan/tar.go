package scan

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"

	"synclog/internal/parse"
	"synclog/internal/summary"
)

// isTar reports whether head, the first 512 decoded bytes of an input, is
// a POSIX (ustar) or GNU tar header.
func isTar(head []byte) bool {
	return len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar"))
}

// scanTar scans the regular files of the tar stream r one by one, without
// writing anything to disk. Each member is an input of its own, named
// "archive:member/path", and may itself be compressed. A member that
// cannot be read whole is reported in its row and the next one is read; an
// error of the archive stream itself ends the scan and is returned.
// memberError is the fault of a tar member: the member's own row records
// it, and the archive, read on past it, stays complete.
type memberError struct{ err *parse.Error }

func (e *memberError) Error() string { return e.err.Error() }
func (e *memberError) Unwrap() error { return e.err }

func scanTar(r io.Reader, archive string, ex *parse.Extractor, emit func(*parse.Event), sum *sink, o Options) error {
	tr := tar.NewReader(r)
	var op *parse.Opener
	defer func() {
		if op != nil {
			op.Close()
		}
	}()
	var first error
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return first
		}
		if err != nil {
			return fmt.Errorf("tar: %w", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if op == nil {
			if op, err = parse.NewOpener(o.Opener); err != nil {
				return err
			}
		}
		in := summary.Input{Path: archive + ":" + hdr.Name}
		dec, format, err := op.Open(tr)
		in.Format = format.String()
		if err == nil {
			ex.Reset(dec, in.Path)
			ex.SetYear(hdr.ModTime.UTC().Year())
			for ex.Next() {
				emit(ex.Event())
			}
			st := ex.Stats()
			setStats(&in, hdr.Size, st, o)
			warnYear(&in, st.Layout, hdr.ModTime.UTC().Year(), false)
			if err = ex.Err(); err == nil && st.Records == 0 && st.Bytes > 0 {
				err = ex.NoRecords() // not a Sync log
			}
		}
		if err != nil {
			var pe *parse.Error
			if errors.As(err, &pe) {
				err = pe.Err
			}
			fe := faultAt(in.Path, format, op, ex.Stats(), err)
			in.Error, in.State = fe.Error(), fe.Fault.String()
			err = fe
			if first == nil {
				first = &memberError{fe}
			}
		}
		in.Complete = err == nil
		sum.AddInput(in)
	}
}
