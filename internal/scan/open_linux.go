//go:build linux

package scan

import (
	"context"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"synclog/internal/state"
)

// fileID returns what --state keeps of the file fi describes, to tell
// later whether it is the same file unchanged.
func fileID(fi os.FileInfo) state.File {
	id := state.File{Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.Dev, id.Ino = st.Dev, st.Ino
	}
	return id
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
