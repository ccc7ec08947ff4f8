//go:build !unix

package follow

import "io/fs"

// idOf identifies the file whose FileInfo is fi, and says how many names
// it has left. Without inode numbers, files are told apart by name only:
// the zero fileID, and always one name.
func idOf(fs.FileInfo) (id fileID, links uint64) { return fileID{}, 1 }
