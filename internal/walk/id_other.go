//go:build !unix

package walk

import "io/fs"

// idOf identifies the folder p by its resolved path; fi is unused here.
func idOf(p string, fi fs.FileInfo) (fileID, error) {
	return realID(p)
}
