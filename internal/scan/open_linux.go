//go:build linux

package scan

import (
	"context"
	"io"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"synclog/internal/state"
)

// fileID returns what --state keeps of the file fi describes, to tell
// later whether it is the same file unchanged.
func fileID(fi os.FileInfo) state.File {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return statID(st)
	}
	return state.File{Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
}

// statID is fileID, from stat(2) itself.
func statID(st *syscall.Stat_t) state.File {
	return state.File{Dev: st.Dev, Ino: st.Ino, Size: st.Size, MTime: st.Mtim.Nano()}
}

// openInputFile opens path as Open does, but returns a regular file as a
// bare descriptor (an fdFile), not an *os.File: an os.File costs an
// attempt to add the file to the runtime's poller (which fails for a
// regular file), an fcntl(2) to undo O_NONBLOCK and a finalizer, a sixth
// of the time a folder of 20 KB logs took.
func openInputFile(ctx context.Context, path string) (inputFile, fileInfo, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, fileInfo{}, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var st syscall.Stat_t
	if err := retryEINTR(func() error { return syscall.Fstat(fd, &st) }); err != nil {
		syscall.Close(fd)
		return nil, fileInfo{}, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT == syscall.S_IFREG {
		// O_NONBLOCK stays: Linux ignores it in reads of regular files
		// (fdFile.ReadAt clears it should one say EAGAIN all the same).
		return &fdFile{fd: fd, name: path}, fileInfo{regular: true, size: st.Size, year: time.Unix(st.Mtim.Unix()).UTC().Year(), id: statID(&st)}, nil
	}
	// Anything else reads through the runtime's poller, as Open leaves
	// it, where closing the file ends a read that waits.
	f := os.NewFile(uintptr(fd), path)
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fileInfo{}, err
	}
	if err := checkOpened(ctx, f, fi, path); err != nil {
		return nil, fileInfo{}, err
	}
	return f, infoOf(fi), nil
}

// fdFile is a regular file read with pread(2) through its bare descriptor
// (see openInputFile). ReadAt is safe for concurrent use; Close is not.
type fdFile struct {
	fd   int
	name string
}

// ReadAt reads len(p) bytes at off, as os.File.ReadAt does: fewer only
// with an error, io.EOF at the end of the file.
func (f *fdFile) ReadAt(p []byte, off int64) (int, error) {
	if f.fd < 0 {
		return 0, os.ErrClosed
	}
	n := 0
	for n < len(p) {
		m, err := syscall.Pread(f.fd, p[n:], off+int64(n))
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			// A file system that honours O_NONBLOCK: wait in reads.
			if _, err := unix.FcntlInt(uintptr(f.fd), unix.F_SETFL, 0); err != nil {
				return n, &os.PathError{Op: "fcntl", Path: f.name, Err: err}
			}
			continue
		case err != nil:
			return n, &os.PathError{Op: "read", Path: f.name, Err: err}
		case m == 0:
			return n, io.EOF
		}
		n += m
	}
	return n, nil
}

// Close closes the descriptor; a second Close returns os.ErrClosed.
func (f *fdFile) Close() error {
	if f.fd < 0 {
		return os.ErrClosed
	}
	fd := f.fd
	f.fd = -1
	if err := syscall.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: f.name, Err: err}
	}
	return nil
}

// size returns the file's size now.
func (f *fdFile) size() (int64, error) {
	var st syscall.Stat_t
	if err := retryEINTR(func() error { return syscall.Fstat(f.fd, &st) }); err != nil {
		return 0, err
	}
	return st.Size, nil
}

// retryEINTR calls fn until it returns anything but EINTR.
func retryEINTR(fn func() error) error {
	for {
		if err := fn(); err != syscall.EINTR {
			return err
		}
	}
}

// openNoWait opens path for reading with O_NONBLOCK, so that open(2) of a
// FIFO that has no writer returns at once instead of waiting where no
// signal can end the wait. A regular file is put back in blocking mode (as
// os.Open leaves it); anything else stays non-blocking, as os.Open leaves
// it too, so that its reads wait in the runtime's poller, where closing the
// file ends them.
func openNoWait(path string) (*os.File, os.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil && fi.Mode().IsRegular() {
		// The flags are known, so one fcntl(2) does, where
		// syscall.SetNonblock reads them first.
		err = control(f, func(fd int) error { _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFL, 0); return err })
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// control calls fn with f's descriptor.
func control(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// waitWriter waits, as cat would in open(2), until the FIFO f, opened by
// openNoWait, has a writer: until then a read would return io.EOF at once,
// as from a FIFO whose writers are gone. Linux's poll(2) reports a FIFO
// readable once a writer has written to it, and hung up once a writer has
// closed it since f was opened; the wait is in the runtime's poller, so a
// cancellation of ctx, which closes f, ends it with ctx.Err(). f is closed
// when waitWriter returns an error.
func waitWriter(ctx context.Context, f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return err
	}
	stop := context.AfterFunc(ctx, func() { f.Close() })
	err = rc.Read(func(fd uintptr) bool {
		p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		for {
			n, err := unix.Poll(p, 0)
			if err != unix.EINTR {
				// On an error, let the read that follows report it.
				return n > 0 || err != nil
			}
		}
	})
	if !stop() {
		return ctx.Err() // f is closed, or being closed
	}
	if err != nil {
		f.Close()
		return &os.PathError{Op: "wait for a writer", Path: f.Name(), Err: err}
	}
	return nil
}
