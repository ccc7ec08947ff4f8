// Command many writes the inputs of scripts/bench.sh's many-inputs cases:
// a tar archive of many empty members, or a folder of many small Sync logs
// (each different, so that none is the twin of another).
//
//	many -tar N [-gzip] -o FILE     a tar of N empty members
//	many -files N -per K -o DIR     N small logs, K per sub-folder of DIR
//
// It writes nothing else and prints nothing on success.
package main

import (
	"archive/tar"
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/gzip"
)

func main() { os.Exit(run(os.Args[1:], os.Stderr)) }

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("many", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tarN := fs.Int("tar", 0, "write a tar of `N` empty members")
	gz := fs.Bool("gzip", false, "gzip the tar")
	files := fs.Int("files", 0, "write `N` small logs")
	per := fs.Int("per", 1000, "logs per sub-folder (`K`)")
	out := fs.String("o", "", "output file (-tar) or folder (-files)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var err error
	switch {
	case *out == "" || (*tarN > 0) == (*files > 0) || *per < 1:
		err = errors.New("usage: many -tar N [-gzip] -o FILE | many -files N [-per K] -o DIR")
	case *tarN > 0:
		err = writeTar(*out, *tarN, *gz)
	default:
		err = writeFiles(*out, *files, *per)
	}
	if err != nil {
		fmt.Fprintf(stderr, "many: %v\n", err)
		return 1
	}
	return 0
}

// writeTar writes a tar of n empty regular members to name, gzipped if gz.
func writeTar(name string, n int, gz bool) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriter(f)
	var w io.Writer = bw
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(bw)
		w = zw
	}
	tw := tar.NewWriter(w)
	for i := range n {
		hdr := &tar.Header{Name: fmt.Sprintf("logs/%03d/sync-%07d.log", i/1000, i), Mode: 0o644, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// logText is a small Sync log; %d makes each one different.
const logText = "1757623043901\tSync.Service\tINFO\tStarting sync at 2025-09-11 20:37:23 in browser session many-%d\n" +
	"1757623044413\tSync.Resource\tDEBUG\tGET success 200 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/info/collections\n" +
	"1757623044471\tSync.Resource\tDEBUG\tGET fail 503 https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/storage/meta/global\n"

// writeFiles writes n small logs under dir, per to a sub-folder.
func writeFiles(dir string, n, per int) error {
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("part-%04d", i/per))
		if i%per == 0 {
			if err := os.MkdirAll(sub, 0o755); err != nil {
				return err
			}
		}
		name := filepath.Join(sub, fmt.Sprintf("sync-%07d.log", i))
		if err := os.WriteFile(name, fmt.Appendf(nil, logText, i), 0o644); err != nil {
			return err
		}
	}
	return nil
}
