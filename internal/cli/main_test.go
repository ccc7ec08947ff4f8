package cli

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// go test ./internal/cli -update rewrites the scripts' expected output.
var update = flag.Bool("update", false, "update testscript files")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"synclog": func() { os.Exit(Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

func TestScript(t *testing.T) {
	logs, err := filepath.Abs("../../testdata/logs")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("LOGS", logs)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":    cmdExits,
			"genlog":   cmdGenlog,
			"cutbytes": cmdCutBytes,
			"flipbyte": cmdFlipByte,
			"padbytes": cmdPadBytes,
		},
	})
}

// cmdExits runs a command and checks its exact exit status:
//
//	exits 2 synclog scan missing.log
//
// Its stdout and stderr are kept for the stdout/stderr commands that follow.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d\nstderr:\n%s", got, want, ts.ReadFile("stderr"))
	}
}

// cmdGenlog writes a realistic log of N lines: every tenth record is an
// escalation (status line, TRACE body, WARN line).
//
//	genlog FILE N
func cmdGenlog(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: genlog FILE LINES")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	const host = "https://sync-1-us-west1-g.sync.services.mozilla.com/1.5/987654321/storage/"
	lines := []string{
		"Sync.Service\tINFO\tStarting sync",
		"Sync.Resource\tDEBUG\tGET success 200 " + host + "meta/global",
		"Sync.Engine.Bookmarks\tDEBUG\tFetching records",
		"Sync.Resource\tDEBUG\tGET success 200 " + host + "bookmarks?full=1",
		"Sync.Engine.Bookmarks\tTRACE\tRecords applied: 12",
		"Sync.Resource\tDEBUG\tGET fail 503 " + host + "history?full=1",
		"Sync.Resource\tTRACE\tGET body: \"server issue: database not in pool\"",
		"Sync.Resource\tWARN\tGET request to " + host + "history?full=1 failed with status 503",
		"Sync.Status\tDEBUG\tStatus.sync: success.sync => error.sync.reason.serverMaintenance",
		"Sync.Service\tINFO\tSync completed",
	}
	var b []byte
	for i := 0; i < n; i++ {
		b = strconv.AppendInt(b, 1756106023249+int64(i), 10)
		b = append(b, '\t')
		b = append(b, lines[i%len(lines)]...)
		b = append(b, '\n')
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), b, 0o644))
}

// cmdCutBytes truncates a file to N bytes, or drops -N bytes from its end.
//
//	cutbytes FILE N
func cmdCutBytes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cutbytes FILE N")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data[:offset(ts, args[1], len(data))], 0o644))
}

// cmdFlipByte inverts the bits of MASK (default all) in the byte at OFFSET
// ("mid" for the middle, negative from the end).
//
//	flipbyte FILE OFFSET [MASK]
func cmdFlipByte(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: flipbyte FILE OFFSET [MASK]")
	}
	mask := 0xff
	if len(args) == 3 {
		var err error
		mask, err = strconv.Atoi(args[2])
		ts.Check(err)
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	data[offset(ts, args[1], len(data))] ^= byte(mask)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o644))
}

// cmdPadBytes appends N copies of a byte (given as a number) to a file.
//
//	padbytes FILE N BYTE
func cmdPadBytes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: padbytes FILE N BYTE")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	c, err := strconv.Atoi(args[2])
	ts.Check(err)
	f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_APPEND|os.O_WRONLY, 0)
	ts.Check(err)
	_, err = f.Write(bytes.Repeat([]byte{byte(c)}, n))
	ts.Check(err)
	ts.Check(f.Close())
}

func offset(ts *testscript.TestScript, s string, size int) int {
	if s == "mid" {
		return size / 2
	}
	n, err := strconv.Atoi(s)
	ts.Check(err)
	if n < 0 {
		n += size
	}
	if n < 0 || n >= size {
		ts.Fatalf("offset %s outside a file of %d bytes", s, size)
	}
	return n
}
