//go:build unix

package walk

import (
	"io/fs"
	"syscall"
)

// idOf identifies the folder p, whose FileInfo (from Stat) is fi.
func idOf(p string, fi fs.FileInfo) (fileID, error) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil
	}
	return realID(p)
}
