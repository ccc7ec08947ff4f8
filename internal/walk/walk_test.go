//go:build unix

package walk

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// build creates the tree described by specs under the current folder:
// "p" is a file, "p/" a folder, "p -> target" a symbolic link, "p|" a FIFO
// and "p=" a Unix socket. Parent folders are made as needed.
func build(t *testing.T, specs []string) {
	t.Helper()
	for _, s := range specs {
		var p string
		switch {
		case strings.HasSuffix(s, "/"):
			p = s
		case strings.Contains(s, " -> "):
			p, _, _ = strings.Cut(s, " -> ")
		default:
			p = strings.TrimRight(s, "|=")
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Clean(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case strings.HasSuffix(s, "/"):
			err = os.MkdirAll(p, 0o755)
		case strings.Contains(s, " -> "):
			_, target, _ := strings.Cut(s, " -> ")
			err = os.Symlink(target, p)
		case strings.HasSuffix(s, "|"):
			err = syscall.Mkfifo(p, 0o644)
		case strings.HasSuffix(s, "="):
			var l net.Listener
			if l, err = net.Listen("unix", p); err == nil {
				t.Cleanup(func() { l.Close() })
			}
		default:
			err = os.WriteFile(p, []byte("line\n"), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestExpand(t *testing.T) {
	tests := []struct {
		name    string
		tree    []string
		args    []string
		opts    Options
		files   []string
		skipped []Skipped
		errs    []string
	}{
		{
			name:  "lexical, a folder's files before its subfolders",
			tree:  []string{"logs/b.txt", "logs/z.txt", "logs/a.txt", "logs/sub/c.txt", "logs/a-b/d.txt", "logs/empty/"},
			args:  []string{"logs"},
			files: []string{"logs/a.txt", "logs/b.txt", "logs/z.txt", "logs/a-b/d.txt", "logs/sub/c.txt"},
		},
		{
			name: "weave logs by epoch whatever the prefix",
			tree: []string{
				"weave/logs/error-sync-1700000010000.txt.gz",
				"weave/logs/success-sync-1700000005000.txt",
				"weave/logs/error-sync-1700000000000.txt",
				"weave/logs/aaa.txt",
			},
			args: []string{"weave"},
			files: []string{
				"weave/logs/error-sync-1700000000000.txt",
				"weave/logs/success-sync-1700000005000.txt",
				"weave/logs/error-sync-1700000010000.txt.gz",
				"weave/logs/aaa.txt",
			},
		},
		{
			name:  "rotations oldest first, live last",
			tree:  []string{"logs/sync.log", "logs/sync.log.1", "logs/sync.log.2.zst", "logs/sync.log.3.gz", "logs/sync.log.10.bz2", "logs/app.log"},
			args:  []string{"logs"},
			files: []string{"logs/app.log", "logs/sync.log.10.bz2", "logs/sync.log.3.gz", "logs/sync.log.2.zst", "logs/sync.log.1", "logs/sync.log"},
		},
		{
			name:  "dated rotations by date, live last",
			tree:  []string{"logs/sync.log", "logs/sync.log-20251201", "logs/sync.log-20251124.gz", "logs/sync.log-20251123.zst", "logs/zz"},
			args:  []string{"logs"},
			files: []string{"logs/sync.log-20251123.zst", "logs/sync.log-20251124.gz", "logs/sync.log-20251201", "logs/sync.log", "logs/zz"},
		},
		{
			name: "walking the current folder",
			tree: []string{"b.log", "a.log", ".cache/x.log"},
			args: []string{"."},
			// filepath.Join cleans "./a.log" to "a.log".
			files:   []string{"a.log", "b.log"},
			skipped: []Skipped{{".cache", "hidden"}},
		},
		{
			name:  "hidden entries skipped, except the folder given and files named",
			tree:  []string{"logs/ok.log", "logs/.hidden.log", "logs/.git/config", ".dot/x.log"},
			args:  []string{"logs", ".dot", "logs/.hidden.log"},
			files: []string{"logs/ok.log", ".dot/x.log", "logs/.hidden.log"},
			skipped: []Skipped{
				{"logs/.git", "hidden"},
				{"logs/.hidden.log", "hidden"},
			},
		},
		{
			name:  "symbolic links skipped by default",
			tree:  []string{"target.log", "other/x.log", "logs/a.log", "logs/file.log -> ../target.log", "logs/dir -> ../other"},
			args:  []string{"logs"},
			files: []string{"logs/a.log"},
			skipped: []Skipped{
				{"logs/dir", "symlink (use --follow)"},
				{"logs/file.log", "symlink (use --follow)"},
			},
		},
		{
			name:  "symbolic links named are kept or walked",
			tree:  []string{"target.log", "other/x.log", "link.log -> target.log", "linkdir -> other"},
			args:  []string{"link.log", "linkdir"},
			files: []string{"link.log", "linkdir/x.log"},
		},
		{
			name: "follow: files, folders, loops, broken links",
			tree: []string{
				"target.log", "other/x.log",
				"logs/a.log",
				"logs/file.log -> ../target.log",
				"logs/dir -> ../other",
				"logs/dir2 -> ../other",
				"logs/loop -> .",
				"logs/self -> self",
				"logs/gone -> nowhere",
			},
			args:  []string{"logs"},
			opts:  Options{Follow: true},
			files: []string{"logs/a.log", "logs/file.log", "logs/dir/x.log"},
			skipped: []Skipped{
				{"logs/gone", "broken symlink"},
				{"logs/self", "symlink loop"},
				{"logs/dir2", "already walked: logs/dir"},
				{"logs/loop", "symlink loop"},
			},
		},
		{
			name:  "follow: a link up the tree is a loop",
			tree:  []string{"logs/a/b/x.log", "logs/a/b/up -> ../.."},
			args:  []string{"logs"},
			opts:  Options{Follow: true},
			files: []string{"logs/a/b/x.log"},
			skipped: []Skipped{
				{"logs/a/b/up", "symlink loop"},
			},
		},
		{
			name:  "FIFOs and sockets skipped when found, FIFO kept when named",
			tree:  []string{"logs/a.log", "logs/pipe|", "logs/sock=", "logs/pipe-link -> pipe"},
			args:  []string{"logs", "logs/pipe"},
			opts:  Options{Follow: true},
			files: []string{"logs/a.log", "logs/pipe"},
			skipped: []Skipped{
				{"logs/pipe", "not a regular file: FIFO"},
				{"logs/pipe-link", "not a regular file: FIFO"},
				{"logs/sock", "not a regular file: socket"},
			},
		},
		{
			name:  "include on base names",
			tree:  []string{"logs/a.log", "logs/b.txt", "logs/sub/c.log", "logs/sub/d.txt"},
			args:  []string{"logs"},
			opts:  Options{Include: []string{"*.log"}},
			files: []string{"logs/a.log", "logs/sub/c.log"},
			skipped: []Skipped{
				{"logs/b.txt", "not included"},
				{"logs/sub/d.txt", "not included"},
			},
		},
		{
			name:  "include on relative paths only when the pattern has a slash",
			tree:  []string{"logs/a.log", "logs/sub/c.log", "logs/x/sub/e.log"},
			args:  []string{"logs"},
			opts:  Options{Include: []string{"sub/*.log"}},
			files: []string{"logs/sub/c.log"},
			skipped: []Skipped{
				{"logs/a.log", "not included"},
				{"logs/x/sub/e.log", "not included"},
			},
		},
		{
			name:  "exclude on base names drops files and folders",
			tree:  []string{"logs/a.log", "logs/b.txt", "logs/old/x.log", "logs/sub/keep.log", "logs/sub/old/y.log"},
			args:  []string{"logs"},
			opts:  Options{Exclude: []string{"*.txt", "old"}},
			files: []string{"logs/a.log", "logs/sub/keep.log"},
			skipped: []Skipped{
				{"logs/b.txt", "excluded"},
				{"logs/old", "excluded"},
				{"logs/sub/old", "excluded"},
			},
		},
		{
			name:  "exclude on relative paths, with include",
			tree:  []string{"logs/a.log", "logs/a.txt", "logs/sub/b.log", "logs/x/sub/c.log"},
			args:  []string{"logs"},
			opts:  Options{Include: []string{"*.log"}, Exclude: []string{"sub/*.log"}},
			files: []string{"logs/a.log", "logs/x/sub/c.log"},
			skipped: []Skipped{
				{"logs/a.txt", "not included"},
				{"logs/sub/b.log", "excluded"},
			},
		},
		{
			name:  "exclude with a slash does not match base names",
			tree:  []string{"logs/a.log", "logs/sub/b.log", "logs/x/sub/c.log"},
			args:  []string{"logs"},
			opts:  Options{Exclude: []string{"x/sub"}},
			files: []string{"logs/a.log", "logs/sub/b.log"},
			skipped: []Skipped{
				{"logs/x/sub", "excluded"},
			},
		},
		{
			name:  "files named ignore include and exclude",
			tree:  []string{"logs/a.log", "logs/b.txt"},
			args:  []string{"logs/b.txt", "logs"},
			opts:  Options{Include: []string{"*.log"}, Exclude: []string{"*.txt"}},
			files: []string{"logs/b.txt", "logs/a.log"},
			skipped: []Skipped{
				{"logs/b.txt", "excluded"},
			},
		},
		{
			name:  "missing path is an error, and the rest goes on",
			tree:  []string{"logs/a.log"},
			args:  []string{"missing.log", "logs", "gone/"},
			files: []string{"logs/a.log"},
			errs: []string{
				"stat missing.log: no such file or directory",
				"stat gone/: no such file or directory",
			},
		},
		{
			name:  "duplicates kept once, at first occurrence",
			tree:  []string{"logs/a.log", "logs/b.log"},
			args:  []string{"logs/b.log", "-", "logs", "./logs/a.log", "logs/", "-"},
			files: []string{"logs/b.log", "-", "logs/a.log"},
			skipped: []Skipped{
				{"logs/b.log", "duplicate"},
				{"./logs/a.log", "duplicate"},
				{"logs/", "duplicate"},
				{"-", "duplicate"},
			},
		},
		{
			name: "bad include pattern",
			tree: []string{"logs/a.log"},
			args: []string{"logs"},
			opts: Options{Include: []string{"*.log", "[a-"}},
			errs: []string{`include "[a-": syntax error in pattern`},
		},
		{
			name: "bad exclude pattern",
			tree: []string{"logs/a.log"},
			args: []string{"logs"},
			opts: Options{Exclude: []string{`\`}},
			errs: []string{`exclude "\\": syntax error in pattern`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			build(t, tc.tree)
			files, skipped, errs := Expand(tc.args, tc.opts)

			var gotFiles []string
			for _, f := range files {
				gotFiles = append(gotFiles, f.Path)
			}
			var gotErrs []string
			for _, err := range errs {
				gotErrs = append(gotErrs, err.Error())
			}
			if diff := cmp.Diff(tc.files, gotFiles, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("files mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.skipped, skipped, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("skipped mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.errs, gotErrs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("errs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExpandMissingIsNotExist(t *testing.T) {
	t.Chdir(t.TempDir())
	_, _, errs := Expand([]string{"missing"}, Options{})
	if len(errs) != 1 || !errors.Is(errs[0], fs.ErrNotExist) {
		t.Fatalf("errs = %v, want one fs.ErrNotExist", errs)
	}
}

func TestExpandPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root: an unreadable folder cannot be made, so permission denied cannot be tested")
	}
	t.Chdir(t.TempDir())
	build(t, []string{"logs/a.log", "logs/locked/x.log", "logs/z/b.log"})
	if err := os.Chmod("logs/locked", 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod("logs/locked", 0o755) })

	files, skipped, errs := Expand([]string{"logs"}, Options{})
	var got []string
	for _, f := range files {
		got = append(got, f.Path)
	}
	if diff := cmp.Diff([]string{"logs/a.log", "logs/z/b.log"}, got); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
	if len(skipped) != 0 {
		t.Errorf("skipped = %v, want none", skipped)
	}
	if len(errs) != 1 {
		t.Fatalf("errs = %v, want one", errs)
	}
	if got, want := errs[0].Error(), "walk logs/locked: permission denied"; got != want {
		t.Errorf("err = %q, want %q", got, want)
	}
	if !errors.Is(errs[0], fs.ErrPermission) {
		t.Errorf("errors.Is(%v, fs.ErrPermission) = false, want true", errs[0])
	}
}

// TestSkippedNotable checks which skips are worth a warning: those that
// may hide a log the user meant to scan, not those asked for by name or
// read under another path.
func TestSkippedNotable(t *testing.T) {
	tests := []struct {
		why  string
		want bool
	}{
		{"symlink (use --follow)", true},
		{"broken symlink", true},
		{"symlink loop", true},
		{"not a regular file: FIFO", true},
		{"hidden", false},
		{"excluded", false},
		{"not included", false},
		{"duplicate", false},
		{"already walked: logs/a", false},
	}
	for _, tc := range tests {
		if got := (Skipped{Path: "p", Why: tc.why}).Notable(); got != tc.want {
			t.Errorf("Skipped{Why: %q}.Notable() = %v, want %v", tc.why, got, tc.want)
		}
	}
}
