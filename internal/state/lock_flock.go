//go:build linux || android || darwin || ios || freebsd || netbsd || openbsd || dragonfly

package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"syscall"
)

// Lock takes an exclusive, non-blocking flock(2) lock on path+LockSuffix,
// creating the lock file if needed and leaving it in place afterwards, and
// on the state file path itself when it exists. It returns a function that
// releases the lock; calling it again returns the first call's result. When
// the lock is held elsewhere, the error wraps ErrLocked and names the file
// that is locked.
//
// flock locks belong to an open file description, so a second Lock on the
// same path fails even within one process. The kernel releases the lock when
// the process exits, however it exits, so a crashed run leaves no stale lock.
//
// The lock on the state file is what keeps a second run out when the lock
// file is removed or replaced under a running one (the reflex with stale pid
// files): the second run locks a new lock file, but not the state file. The
// file a Save renames over the state is not locked; synclog saves at the
// very end of a run, so a run that starts after that reads the new state,
// as if it had started once the first had ended. The folder is not locked:
// two states in one folder are independent. Before the first Save, removing
// the lock file does let a second run in.
//
// Once it holds the lock, Lock removes the temporary files that a Save of
// this state killed before its rename left in the folder: no other Save of
// it can be under way.
func Lock(path string) (unlock func() error, err error) {
	name := path + LockSuffix
	lf, err := lockFile(name, true)
	if err != nil {
		return nil, lockError(name, err)
	}
	files := []*os.File{lf}
	sf, err := lockFile(path, false)
	if err != nil {
		_ = lf.Close()
		return nil, lockError(path, err)
	}
	if sf != nil {
		files = append(files, sf)
	}
	removeStaleTemps(path)
	var (
		once sync.Once
		uerr error
	)
	return func() error {
		once.Do(func() {
			var errs []error
			for _, f := range files {
				// Closing alone would release the lock; unlocking first
				// also covers a descriptor duplicated behind our back.
				errs = append(errs, flock(f, syscall.LOCK_UN), f.Close())
			}
			if err := errors.Join(errs...); err != nil {
				uerr = fmt.Errorf("unlock %s: %w", name, err)
			}
		})
		return uerr
	}, nil
}

// maxLockTries is how many times lockFile opens a file that keeps being
// removed or replaced before it gives up.
const maxLockTries = 10

// lockFile opens name and takes an exclusive flock on it. With create set
// it creates a missing name; without, a missing name is no file and no
// error. It opens name again when name was removed or replaced between the
// open and the lock: a lock on a file no longer at name keeps no one out.
func lockFile(name string, create bool) (*os.File, error) {
	for range maxLockTries {
		f, err := openLockable(name, create)
		if f == nil {
			return nil, err
		}
		if err := flock(f, syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			_ = f.Close()
			return nil, err
		}
		held, err := f.Stat()
		if err != nil {
			_ = f.Close()
			return nil, err
		}
		now, err := os.Stat(name)
		if err == nil && os.SameFile(held, now) {
			return f, nil
		}
		_ = f.Close()
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return nil, errors.New("removed or replaced at every attempt to lock it")
}

// openLockable opens name for lockFile: read-write, as flock over NFS needs
// for an exclusive lock, or read-only when only that is allowed (as for a
// --dry-run on a state someone else owns).
func openLockable(name string, create bool) (*os.File, error) {
	if create {
		return os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o644)
	}
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrPermission) {
		f, err = os.Open(name)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return f, err
}

// lockError is the error of Lock failing to lock name.
func lockError(name string, err error) error {
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return fmt.Errorf("lock %s: %w", name, ErrLocked)
	}
	return fmt.Errorf("lock %s: %w", name, err)
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
