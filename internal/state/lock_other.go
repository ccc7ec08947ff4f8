//go:build !(linux || android || darwin || ios || freebsd || netbsd || openbsd || dragonfly)

package state

import (
	"errors"
	"fmt"
)

// Lock is not available on this platform: it always returns an error wrapping
// errors.ErrUnsupported, so that runs are never left unprotected silently.
func Lock(path string) (unlock func() error, err error) {
	return nil, fmt.Errorf("lock %s: %w", path+LockSuffix, errors.ErrUnsupported)
}
