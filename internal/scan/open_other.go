//go:build !linux

package scan

import (
	"context"
	"os"

	"synclog/internal/state"
)

// fileID returns the zero File: outside Linux no input is passed over as
// unchanged, for want of a device and inode number to tell files apart.
func fileID(os.FileInfo) state.File { return state.File{} }

// openNoWait opens path for reading. Outside Linux, open(2) of a FIFO
// waits for a writer, and no signal ends that wait.
func openNoWait(path string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// openInputFile opens path as Open does.
func openInputFile(ctx context.Context, path string) (inputFile, fileInfo, error) {
	f, fi, err := Open(ctx, path)
	if err != nil {
		return nil, fileInfo{}, err
	}
	return f, infoOf(fi), nil
}

// waitWriter does nothing: openNoWait has waited for a writer already.
func waitWriter(context.Context, *os.File) error { return nil }
