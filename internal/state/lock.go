package state

import "errors"

// ErrLocked is wrapped by Lock's error when another process (or another open
// of the same lock file) holds the lock.
var ErrLocked = errors.New("state: another synclog run holds the lock")

// LockSuffix is appended to the state path to name its lock file.
const LockSuffix = ".lock"
