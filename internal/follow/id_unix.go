//go:build unix

package follow

import (
	"io/fs"
	"syscall"
)

// idOf identifies the file whose FileInfo is fi, and says how many names
// it has left (0: deleted, still open).
func idOf(fi fs.FileInfo) (id fileID, links uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, uint64(st.Nlink)
	}
	return fileID{}, 1
}
