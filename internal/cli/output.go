package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"synclog/internal/atomicfile"
)

// staleTempAge is how old a temporary file of the report must be before a
// later run removes it. A run creates its temporary file only once the scan
// is done and renames it within seconds, so one an hour old was left by a
// run that was killed; a younger one may belong to a run writing the same
// -o now (runs without --state take no lock).
const staleTempAge = time.Hour

// maxLinks is how many symbolic links resolve follows before it gives up.
const maxLinks = 40

// output is where a report goes: standard output, or the file -o names,
// checked by openOutput before anything is read.
type output struct {
	name string      // -o as given, what messages name; "" for standard output
	path string      // the regular file to replace: name with links resolved
	info fs.FileInfo // path's file before the run; nil if there is none
	dev  *os.File    // the device or FIFO that name opens, written in place
}

// openOutput checks that the report can be written where -o name says,
// so that a long scan is not lost at the end ("" and "-" are standard
// output), and returns where it goes:
//
//   - a device or FIFO is opened now, for writing in place at the end; a
//     FIFO without a reader is an error at once rather than a hang;
//   - a symbolic link is resolved, even a dangling one, and what it names
//     is replaced; the link stays;
//   - a regular file, or a new one, is replaced at the end through a
//     temporary file in its folder, which openOutput checks by creating
//     and removing one (as root, access(2) says yes even on a read-only
//     file system). Temporary files of this report that a killed run left
//     are removed (see staleTempAge).
//
// Errors are cantCreateErrors (exit 73) naming name. The caller closes the
// output.
func openOutput(name string) (*output, error) {
	if name == "" || name == "-" {
		return &output{}, nil
	}
	d := &output{name: name}
	fi, err := os.Stat(name)
	switch {
	case err == nil && fi.IsDir():
		return nil, d.fail(syscall.EISDIR)
	case err == nil && !fi.Mode().IsRegular():
		if err := d.openInPlace(fi); err != nil {
			return nil, d.fail(err)
		}
		return d, nil
	case err == nil:
		d.info = fi
	case !errors.Is(err, fs.ErrNotExist):
		return nil, d.fail(err)
	}
	if d.path, err = resolve(name); err != nil {
		return nil, d.fail(err)
	}
	removeStaleTemps(d.path, time.Now().Add(-staleTempAge))
	if err := probe(d.path); err != nil {
		return nil, d.fail(err)
	}
	return d, nil
}

// openInPlace opens the device or FIFO d names for writing. A rename would
// replace it with a regular file, and O_TRUNC means nothing to either. A
// FIFO is opened without blocking, so that with no reader the run fails at
// once instead of waiting for one for ever; once it is open, the reader
// gets the report at the end of the run.
func (d *output) openInPlace(fi fs.FileInfo) error {
	flag := os.O_WRONLY
	fifo := fi.Mode()&fs.ModeNamedPipe != 0
	if fifo {
		flag |= syscall.O_NONBLOCK
	}
	f, err := os.OpenFile(d.name, flag, 0)
	switch {
	case fifo && errors.Is(err, syscall.ENXIO):
		return errors.New("FIFO has no reader")
	case err != nil:
		return bare(err)
	}
	d.dev = f
	return nil
}

// resolve returns the file that name stands for: name with its symbolic
// links resolved, even a dangling one, whose missing target is the file to
// create. A name that does not exist is returned as it is.
func resolve(name string) (string, error) {
	for range maxLinks {
		if p, err := filepath.EvalSymlinks(name); err == nil {
			return p, nil
		}
		dir, err := filepath.EvalSymlinks(filepath.Dir(name))
		if err != nil {
			return "", fmt.Errorf("folder %s: %w", filepath.Dir(name), bare(err))
		}
		p := filepath.Join(dir, filepath.Base(name))
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return p, nil
		case err != nil:
			return "", err
		case fi.Mode()&fs.ModeSymlink == 0:
			return p, nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		name = target
	}
	return "", &fs.PathError{Op: "resolve", Path: name, Err: syscall.ELOOP}
}

// checkNotInput refuses an -o that names one of the inputs paths under any
// name (os.SameFile: a symbolic or hard link too), or the file standard
// input comes from when "-" is one: the report would replace the log. It is
// a usage error (exit 2), found before anything is read. Only a regular
// file is replaced: a device or FIFO written in place is not checked.
func (d *output) checkNotInput(paths []string, stdin io.Reader) error {
	if d.info == nil {
		return nil
	}
	if in := sameAsInput(d.info, paths, stdin); in != "" {
		return &usageError{fmt.Sprintf("--output %s is the input %s: the report would replace it", d.name, in)}
	}
	return nil
}

// sameAsInput returns the name of the input among paths that is the file
// fi describes, under any name (os.SameFile), "- (standard input)" when
// "-" is one and standard input comes from that file, or "" if none is.
func sameAsInput(fi fs.FileInfo, paths []string, stdin io.Reader) string {
	for _, p := range paths {
		var in fs.FileInfo
		var err error
		name := p
		if p == "-" {
			f, ok := stdin.(*os.File)
			if !ok {
				continue
			}
			in, err = f.Stat()
			name = "- (standard input)"
		} else {
			in, err = os.Stat(p)
		}
		if err == nil && os.SameFile(in, fi) {
			return name
		}
	}
	return ""
}

// probe checks that a temporary file for path can be created in its
// folder, by creating and removing one.
func probe(path string) error {
	f, err := createTemp(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Close(), os.Remove(f.Name()))
}

// createTemp creates the temporary file that will replace path, in its
// folder, named .BASE.DIGITS.tmp. An error names the folder, never the
// temporary file, which means nothing to the user.
func createTemp(path string) (*os.File, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return nil, fmt.Errorf("create a file in %s: %w", dir, bare(err))
	}
	return f, nil
}

// tempPattern is the os.CreateTemp pattern of the temporary files that
// replace path: .BASE.DIGITS.tmp.
func tempPattern(path string) string { return "." + filepath.Base(path) + ".*.tmp" }

// isTemp reports whether name is that of a temporary file createTemp makes
// for a file named base.
func isTemp(name, base string) bool {
	mid, ok := strings.CutPrefix(name, "."+base+".")
	if !ok {
		return false
	}
	if mid, ok = strings.CutSuffix(mid, ".tmp"); !ok || mid == "" {
		return false
	}
	return strings.Trim(mid, "0123456789") == ""
}

// removeStaleTemps removes the temporary files for path last modified
// before cutoff: regular files only, and only those whose names createTemp
// makes. It is best effort: what cannot be removed is left.
func removeStaleTemps(path string, cutoff time.Time) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || !isTemp(e.Name(), base) {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// write renders the report to stdout, or to the file d names: in place for
// a device or FIFO, else through a temporary file renamed over it once
// complete, so that no reader sees a half-written report. The new file
// keeps the mode of the one it replaces (0644 if none), and its owner when
// run as root. It is synced before the rename: the --state file moves on
// after the report, and must never be ahead of it after a crash.
func (d *output) write(stdout io.Writer, render func(io.Writer) error) error {
	switch {
	case d.name == "":
		return writeBuffered(stdout, render)
	case d.dev != nil:
		err := writeBuffered(d.dev, render)
		if cerr := d.dev.Close(); err == nil {
			err = cerr
		}
		d.dev = nil
		return d.fail(bare(err))
	}
	return d.fail(d.replace(render))
}

// replace writes the report through a temporary file renamed over d.path;
// see write.
func (d *output) replace(render func(io.Writer) error) error {
	return atomicfile.Replace(d.path, tempPattern(d.path), render)
}

// Close closes the device or FIFO d holds open, if any. It is safe to call
// after write and more than once.
func (d *output) Close() error {
	if d == nil || d.dev == nil {
		return nil
	}
	err := d.dev.Close()
	d.dev = nil
	return err
}

// fail returns err as the error of writing the report: a cantCreateError
// (exit 73) that names the path the user gave, or nil if err is nil.
func (d *output) fail(err error) error {
	if err == nil {
		return nil
	}
	return &cantCreateError{fmt.Errorf("write report %s: %w", d.name, err)}
}

// writeBuffered renders to w through a buffer.
func writeBuffered(w io.Writer, render func(io.Writer) error) error {
	bw := bufio.NewWriter(w)
	if err := render(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// bare returns the cause of a *fs.PathError, whose path the caller names
// in its own words.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
