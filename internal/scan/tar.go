package scan

import (
	"archive/tar"
	"bytes"
	"context"
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

// memberError is the fault of a tar member: the member's own row records
// it, and the archive, read on past it, stays complete.
type memberError struct{ err *parse.Error }

func (e *memberError) Error() string { return e.err.Error() }
func (e *memberError) Unwrap() error { return e.err }

// scanTar scans the members of the tar stream r that hold data one by one,
// without writing anything to disk: regular files, contiguous files, GNU
// and PAX sparse files (their holes read as zeros), and members of a type
// it does not know (as POSIX asks). Each is an input of its own, named
// "archive:member/path", and may itself be compressed. A member that
// cannot be read whole is reported in its row and the next one is read
// (the first such fault is returned, as a *memberError); an error of the
// archive stream itself ends the scan and is returned. Members that hold
// no log (links, folders, devices, FIFOs) are listed in sum as not read,
// with why.
//
// Holes count toward the ratio limit of o.Opener, as decompression does:
// all the member data read so far against the bytes of the archive read
// so far. scanTar returns ctx's error as soon as ctx is cancelled, between
// members and at every read of one.
func scanTar(ctx context.Context, r io.Reader, archive string, ex *parse.Extractor, emit func(*parse.Event), sum *sink, o Options) error {
	t := &tarScan{ctx: ctx, ex: ex, emit: emit, o: o, raw: countReader{r: r}}
	t.tr = tar.NewReader(&t.raw)
	defer func() {
		if t.op != nil {
			t.op.Close()
		}
	}()
	var first error
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := t.tr.Next()
		if err == io.EOF {
			return first
		}
		if err != nil {
			return fmt.Errorf("tar: %w", err)
		}
		name := archive + ":" + hdr.Name
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue // defaults for the members that follow, not a member
		}
		if o.Shard != nil && !o.Shard.Member(hdr.Name) {
			continue // another shard's
		}
		if why := notRead(hdr); why != "" {
			sum.AddSkipped(name, why)
			continue
		}
		if t.op == nil {
			if t.op, err = parse.NewOpener(o.Opener); err != nil {
				return err
			}
		}
		in, err := t.member(hdr, name)
		if cerr := ctx.Err(); cerr != nil {
			return cerr // the member's error is only its echo
		}
		if err != nil && first == nil {
			first = err
		}
		sum.AddInput(in)
	}
}

// notRead returns why a member of hdr's type is not read, or "" when it
// holds data to read.
func notRead(hdr *tar.Header) string {
	why := ""
	switch hdr.Typeflag {
	case tar.TypeLink:
		why = "hard link to " + hdr.Linkname + " (read under that name)"
	case tar.TypeSymlink:
		why = "symbolic link to " + hdr.Linkname
	case tar.TypeChar:
		why = "character device"
	case tar.TypeBlock:
		why = "block device"
	case tar.TypeDir:
		why = "directory"
	case tar.TypeFifo:
		why = "FIFO"
	case 'D':
		why = "directory (GNU dumpdir)"
	case 'V':
		why = "volume label"
	default:
		return ""
	}
	return "not a regular file: " + why
}

// tarScan is the state of one scanTar. As an io.Reader it reads the
// current member.
type tarScan struct {
	ctx     context.Context
	ex      *parse.Extractor
	emit    func(*parse.Event)
	o       Options
	raw     countReader // the archive stream
	tr      *tar.Reader
	op      *parse.Opener // made for the first member
	decoded int64         // member bytes read, holes included
}

// member reads the member hdr as the input name and returns its row and
// its fault, as a *memberError.
func (t *tarScan) member(hdr *tar.Header, name string) (summary.Input, error) {
	in := summary.Input{Path: name}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeCont, tar.TypeGNUSparse:
	case 'M':
		in.Warnings = append(in.Warnings, "GNU multi-volume continuation: the file begins in another volume")
	default:
		in.Warnings = append(in.Warnings, fmt.Sprintf("tar type %q unknown: read as a regular file", hdr.Typeflag))
	}
	start := t.decoded
	dec, format, err := t.op.Open(t)
	in.Format = format.String()
	year := hdr.ModTime.UTC().Year()
	if err == nil {
		t.ex.Reset(dec, in.Path)
		t.ex.SetYear(year)
		for t.ex.Next() {
			t.emit(t.ex.Event())
		}
		st := t.ex.Stats()
		SetStats(&in, t.decoded-start, st, t.o.Parse.MaxLineBytes)
		warnYear(&in, st.Layout, year, false)
		if err = t.ex.Err(); err == nil && st.Records == 0 && st.Bytes > 0 {
			err = t.ex.NoRecords() // not a Sync log
		}
	}
	in.Complete = err == nil
	if err == nil {
		return in, nil
	}
	var pe *parse.Error
	if errors.As(err, &pe) {
		err = pe.Err
	}
	fe := faultAt(in.Path, format, t.op, t.ex.Stats(), err)
	in.Error, in.State = fe.Error(), fe.Fault.String()
	return in, &memberError{fe}
}

// Read reads the current member's data, holes expanded. It fails with
// ctx's error once ctx is cancelled, and with an ErrRatio error once the
// member data read from the archive so far is over the ratio limit.
func (t *tarScan) Read(p []byte) (int, error) {
	if err := t.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := t.tr.Read(p)
	t.decoded += int64(n)
	if rerr := t.o.Opener.CheckRatio(t.decoded, t.raw.n); rerr != nil {
		return n, rerr
	}
	return n, err
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
