// Command floor is the benchmark floor for synclog: it decodes one file
// (gzip or zstd, detected from the first bytes, or plain) with the same
// decompression library as synclog, default options, and counts its lines.
// Nothing can read the file faster while still looking at every byte, so
// synclog's time over floor's is what parsing costs.
//
//	floor FILE
//
// prints "<lines> <decoded bytes>".
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: floor FILE")
		return 2
	}
	lines, n, err := count(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "floor: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%d %d\n", lines, n)
	return 0
}

// count decodes path and returns its number of '\n' and of decoded bytes.
func count(path string) (lines, n int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	magic, _ := br.Peek(4)
	var r io.Reader = br
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, 0, fmt.Errorf("gzip %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	case bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br)
		if err != nil {
			return 0, 0, fmt.Errorf("zstd %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	buf := make([]byte, 1<<20)
	for {
		m, err := r.Read(buf)
		lines += int64(bytes.Count(buf[:m], []byte{'\n'}))
		n += int64(m)
		if err == io.EOF {
			return lines, n, nil
		}
		if err != nil {
			return lines, n, fmt.Errorf("read %s: %w", path, err)
		}
	}
}
