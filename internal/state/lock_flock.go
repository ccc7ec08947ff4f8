//go:build linux || android || darwin || ios || freebsd || netbsd || openbsd || dragonfly

package state

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
)

// Lock takes an exclusive, non-blocking flock(2) lock on path+LockSuffix,
// creating the lock file if needed and leaving it in place afterwards. It
// returns a function that releases the lock; calling it again returns the
// first call's result. When the lock is held elsewhere, the error wraps
// ErrLocked and names the lock file.
//
// flock locks belong to an open file description, so a second Lock on the
// same path fails even within one process. The kernel releases the lock when
// the process exits, however it exits, so a crashed run leaves no stale lock.
func Lock(path string) (unlock func() error, err error) {
	name := path + LockSuffix
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("lock %s: %w", name, ErrLocked)
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	var (
		once sync.Once
		uerr error
	)
	return func() error {
		once.Do(func() {
			// Closing alone would release the lock; unlocking first also
			// covers a descriptor duplicated behind our back.
			err := errors.Join(flock(f, syscall.LOCK_UN), f.Close())
			if err != nil {
				uerr = fmt.Errorf("unlock %s: %w", name, err)
			}
		})
		return uerr
	}, nil
}

// flock calls flock(2) on f, retrying on EINTR.
func flock(f *os.File, how int) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		for {
			ferr = syscall.Flock(int(fd), how)
			if ferr != syscall.EINTR {
				return
			}
		}
	}); err != nil {
		return err
	}
	if ferr != nil {
		return os.NewSyscallError("flock", ferr)
	}
	return nil
}
