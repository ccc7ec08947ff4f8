// Package atomicfile replaces files so that a reader sees the old contents
// or the new, whole, never part of them, even after a crash: the report
// (-o), the --state file and the --metrics textfile are all written so.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Replace writes path anew with what write writes. write fills a temporary
// file in path's folder, created by os.CreateTemp with pattern; the file
// gets the mode of the file it replaces (0644 for a new one) and, when run
// as root, its owner and group; it is synced, renamed over path, and the
// folder is synced. path must not be a symbolic link (resolve it first:
// the rename would replace the link). On an error path is as it was and
// the temporary file is removed. Errors never name the temporary file,
// which means nothing to the user: a failure to create it names the
// folder.
func Replace(path, pattern string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return fmt.Errorf("create a file in %s: %w", dir, bare(err))
	}
	defer func() {
		if err != nil {
			_ = tmp.Close() // may already be closed; the first error is returned
			_ = os.Remove(tmp.Name())
			err = hideTemp(err, tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := keepAttrs(tmp, path); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// keepAttrs gives tmp the mode of the regular file path, or 0644 when
// there is none, and, when run as root, its owner and group.
func keepAttrs(tmp *os.File, path string) error {
	perm := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		perm = fi.Mode().Perm()
		if uid, gid, ok := owner(fi); ok && os.Geteuid() == 0 {
			if err := tmp.Chown(uid, gid); err != nil {
				return err
			}
		}
	}
	return tmp.Chmod(perm)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return d.Close()
}

// hideTemp returns err without the name of the temporary file tmp: the
// bare cause of a failed write, sync or rename of it.
func hideTemp(err error, tmp string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == tmp {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) && le.Old == tmp {
		return le.Err
	}
	return err
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
