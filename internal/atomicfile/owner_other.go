//go:build !unix

package atomicfile

import "io/fs"

// owner reports no owner: this platform has no uid and gid to keep.
func owner(fs.FileInfo) (uid, gid int, ok bool) { return 0, 0, false }
