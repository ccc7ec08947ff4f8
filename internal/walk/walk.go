// Package walk expands command-line paths into the list of files to scan.
package walk

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// Options configures Expand. The zero value skips symbolic links and
// keeps every regular file.
type Options struct {
	// Follow makes Expand follow symbolic links (to files and folders)
	// found while walking a folder. By default they are skipped and
	// reported in Skipped.
	Follow bool
	// Include holds path.Match patterns. If it is not empty, a file found
	// while walking is kept if and only if it matches one of them. A
	// pattern without "/" is matched against the file's base name and
	// against its slash-separated path relative to the walked folder; a
	// pattern with "/" against the relative path only. Include does not
	// apply to folders.
	Include []string
	// Exclude holds path.Match patterns, matched as Include's. A file that
	// matches one is dropped, and a folder that matches one is not entered.
	Exclude []string
}

// File is one input found.
type File struct {
	// Path is the path to open: a command-line path as given, "-" for
	// standard input, or a file's path joined under the folder given.
	Path string
}

// Skipped is a path Expand passed over, and why. Why is one of "hidden",
// "excluded", "not included", "symlink (use --follow)", "broken symlink",
// "symlink loop", "already walked: <folder>", "duplicate" or
// "not a regular file: <type>" (FIFO, socket, device, character device,
// irregular file).
type Skipped struct{ Path, Why string }

// WhyDuplicate is why a path given or found again, under the same cleaned
// form, is passed over.
const WhyDuplicate = "duplicate"

// The reasons of a Skipped entry that Notable tells apart. The others are
// written where they are found.
const (
	whyHidden      = "hidden"
	whyExcluded    = "excluded"
	whyNotIncluded = "not included"
	whyDuplicate   = WhyDuplicate
	whyWalked      = "already walked: " // + the folder's first path
)

// Notable reports whether s passed over something that its user may have
// meant to scan and that was read nowhere else: a symbolic link not
// followed, a broken or looping link, a file that is not regular. It is
// false for an entry skipped by name (hidden, excluded, not included) and
// for one read under another path (duplicate, already walked).
func (s Skipped) Notable() bool {
	switch s.Why {
	case whyHidden, whyExcluded, whyNotIncluded, whyDuplicate:
		return false
	}
	return !strings.HasPrefix(s.Why, whyWalked)
}

// Expand turns command-line paths into the files to scan, in scan order.
//
// A path that is "-" or not a folder is kept as given, whatever
// Include and Exclude say, even if it is a symbolic link or a FIFO. A path
// that is a folder is walked recursively: entries whose name starts with
// "." are skipped (the folder given itself is not), symbolic links are
// skipped unless o.Follow is set, and only regular files are kept; no file
// is opened. Each folder is walked at most once per path given, which
// stops symbolic link loops.
//
// Order: the files of a walked folder come first, then its subfolders,
// each in turn, in lexical order. Inside one folder, files sort by set,
// then by rank within the set, then by name. Firefox weave logs
// (error-sync-<ms>.txt and success-sync-<ms>.txt) form one set that sorts
// first, ordered by the epoch in the name. Rotations NAME.<n> and dated
// rotations NAME-<YYYYMMDD> (each optionally ending in .gz, .zst or .bz2)
// belong to the set NAME: numbered ones first, highest number first, then
// dated ones by date, then the live NAME. Every other file is a set of its
// own. Sets sort lexically by name, so unrelated files sort lexically.
//
// A file reached twice under the same cleaned path is kept once, at its
// first occurrence. A path that cannot be examined, or a folder that
// cannot be read, adds an error and the expansion goes on, so files, skipped
// and errs may all be non-empty. A malformed pattern in o is reported as
// the only error, before anything is examined.
func Expand(paths []string, o Options) (files []File, skipped []Skipped, errs []error) {
	if err := CheckPatterns(o); err != nil {
		return nil, nil, []error{err}
	}
	w := &walker{o: o, seen: make(map[string]bool)}
	for _, p := range paths {
		w.expand(p)
	}
	return w.files, w.skipped, w.errs
}

// CheckPatterns reports the first malformed pattern of o, so that a
// command can refuse it before anything is read.
func CheckPatterns(o Options) error {
	for _, set := range []struct {
		op       string
		patterns []string
	}{{"include", o.Include}, {"exclude", o.Exclude}} {
		for _, p := range set.patterns {
			if _, err := path.Match(p, ""); err != nil {
				return fmt.Errorf("%s %q: %w", set.op, p, err)
			}
		}
	}
	return nil
}

// walker holds the state of one Expand call.
type walker struct {
	o       Options
	seen    map[string]bool // cleaned paths already kept
	files   []File
	skipped []Skipped
	errs    []error
}

// root is the state of the walk of one folder given.
type root struct {
	visited map[fileID]string // folders walked, by identity, with their path
	active  map[fileID]bool   // folders being walked: the current one and its parents
}

// expand adds what one command-line path stands for.
func (w *walker) expand(p string) {
	if p == "-" {
		w.keep(p)
		return
	}
	fi, err := os.Stat(p)
	if err != nil {
		w.errs = append(w.errs, err)
		return
	}
	if !fi.IsDir() {
		w.keep(p)
		return
	}
	clean := filepath.Clean(p)
	if w.seen[clean] {
		w.skip(p, whyDuplicate)
		return
	}
	w.seen[clean] = true
	id, err := idOf(p, fi)
	if err != nil {
		w.errs = append(w.errs, err)
		return
	}
	r := &root{visited: make(map[fileID]string), active: make(map[fileID]bool)}
	w.dir(r, p, "", id)
}

// keep adds p to the files unless its cleaned form was already kept.
func (w *walker) keep(p string) {
	clean := filepath.Clean(p)
	if w.seen[clean] {
		w.skip(p, whyDuplicate)
		return
	}
	w.seen[clean] = true
	w.files = append(w.files, File{Path: p})
}

// skip records that p was passed over.
func (w *walker) skip(p, why string) {
	w.skipped = append(w.skipped, Skipped{Path: p, Why: why})
}

// found is a file or folder kept while reading a folder.
type found struct {
	path, rel string
	key       sortKey // files only
	id        fileID  // folders only
	link      bool    // reached through a symbolic link
}

// dir walks the folder dir, whose path relative to the folder given is
// rel ("" for that folder itself) and whose identity is id.
func (w *walker) dir(r *root, dir, rel string, id fileID) {
	r.visited[id] = dir
	r.active[id] = true
	defer delete(r.active, id)

	entries, err := os.ReadDir(dir)
	if err != nil {
		w.errs = append(w.errs, walkError(dir, err))
	}
	var files, dirs []found
	for _, e := range entries {
		f, typ, ok := w.entry(e, dir, rel)
		switch {
		case !ok:
		case typ.IsDir():
			dirs = append(dirs, f)
		default:
			files = append(files, f)
		}
	}

	slices.SortStableFunc(files, func(a, b found) int { return a.key.compare(b.key) })
	for _, f := range files {
		w.keep(f.path)
	}
	for _, d := range dirs {
		switch first, ok := r.visited[d.id]; {
		case r.active[d.id]:
			w.skip(d.path, "symlink loop")
		case ok:
			w.skip(d.path, whyWalked+first)
		default:
			w.dir(r, d.path, d.rel, d.id)
		}
	}
}

// entry examines e, an entry of the folder dir whose relative path is rel.
// It returns the entry as found and its type (of the target, for a
// symbolic link followed), and ok if and only if the entry is kept: a
// folder to walk or a regular file to scan. Otherwise it has recorded why
// not, as a skip or an error.
func (w *walker) entry(e fs.DirEntry, dir, rel string) (f found, typ fs.FileMode, ok bool) {
	name := e.Name()
	f = found{path: filepath.Join(dir, name), rel: path.Join(rel, name)}
	if strings.HasPrefix(name, ".") {
		w.skip(f.path, whyHidden)
		return f, 0, false
	}
	if matchAny(w.o.Exclude, name, f.rel) {
		w.skip(f.path, whyExcluded)
		return f, 0, false
	}
	typ = e.Type()
	var fi fs.FileInfo // of the folder, or of a symbolic link's target
	if typ&fs.ModeSymlink != 0 {
		if fi, ok = w.target(f.path); !ok {
			return f, 0, false
		}
		typ, f.link = fi.Mode().Type(), true
	}
	if typ.IsDir() {
		var err error
		if fi == nil {
			if fi, err = e.Info(); err != nil {
				w.errs = append(w.errs, err)
				return f, 0, false
			}
		}
		if f.id, err = idOf(f.path, fi); err != nil {
			w.errs = append(w.errs, err)
			return f, 0, false
		}
		return f, typ, true
	}
	if len(w.o.Include) > 0 && !matchAny(w.o.Include, name, f.rel) {
		w.skip(f.path, whyNotIncluded)
		return f, 0, false
	}
	if !typ.IsRegular() {
		w.skip(f.path, "not a regular file: "+typeName(typ))
		return f, 0, false
	}
	f.key = keyOf(name)
	return f, typ, true
}

// target returns the file the symbolic link p leads to, and ok if and only
// if it is to be followed; otherwise it has recorded why not.
func (w *walker) target(p string) (fi fs.FileInfo, ok bool) {
	if !w.o.Follow {
		w.skip(p, "symlink (use --follow)")
		return nil, false
	}
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, syscall.ELOOP):
		w.skip(p, "symlink loop")
		return nil, false
	case errors.Is(err, fs.ErrNotExist):
		w.skip(p, "broken symlink")
		return nil, false
	case err != nil:
		w.errs = append(w.errs, err)
		return nil, false
	}
	return fi, true
}

// walkError words a failure to read folder dir as "walk <dir>: <reason>",
// keeping the reason for errors.Is.
func walkError(dir string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &fs.PathError{Op: "walk", Path: dir, Err: err}
}

// matchAny reports whether one of patterns matches a file or folder with
// base name name and relative path rel. The patterns are already checked.
func matchAny(patterns []string, name, rel string) bool {
	for _, p := range patterns {
		if !strings.Contains(p, "/") {
			if ok, _ := path.Match(p, name); ok {
				return true
			}
		}
		if ok, _ := path.Match(p, rel); ok {
			return true
		}
	}
	return false
}

// typeName names the type of a file that is neither a folder nor regular.
func typeName(t fs.FileMode) string {
	switch {
	case t&fs.ModeNamedPipe != 0:
		return "FIFO"
	case t&fs.ModeSocket != 0:
		return "socket"
	case t&fs.ModeCharDevice != 0:
		return "character device"
	case t&fs.ModeDevice != 0:
		return "device"
	default:
		return "irregular file"
	}
}

// fileID identifies a folder: by device and inode where the system
// provides them, else by its absolute path with symbolic links resolved.
type fileID struct {
	dev, ino uint64
	real     string
}

// realID identifies the folder p by its resolved absolute path.
func realID(p string) (fileID, error) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return fileID{}, err
	}
	if real, err = filepath.Abs(real); err != nil {
		return fileID{}, fmt.Errorf("abs %s: %w", p, err)
	}
	return fileID{real: real}, nil
}
