package follow

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultRecheck is Options.Recheck's default.
const DefaultRecheck = 2 * time.Second

// watch starts what wakes the readers: file system notifications on dirs
// (data on any event, names on a new, renamed or removed entry) and a
// recheck timer, or, with Options.Poll or when notifications cannot be
// had (inotify watches exhausted: ENOSPC), a polling timer. It returns
// the function that stops them.
func (f *follower) watch(dirs map[string]bool) (stop func()) {
	tick := f.o.Poll
	var w *fsnotify.Watcher
	if tick <= 0 {
		var err error
		if w, err = fsnotify.NewWatcher(); err == nil {
			for d := range dirs {
				if err = w.Add(d); err != nil {
					break
				}
			}
			if err != nil {
				w.Close()
			}
		}
		tick = f.o.Recheck
		if tick <= 0 {
			tick = DefaultRecheck
		}
		if err != nil {
			w, tick = nil, DefaultPoll
			f.note("no file system notifications (%v): checking the files every %v", err, tick)
		}
	}
	done := make(chan struct{})
	if w != nil {
		go f.notified(w)
	}
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				f.data.fire()
				f.names.fire()
			case <-done:
				return
			}
		}
	}()
	return func() {
		close(done)
		if w != nil {
			w.Close()
		}
	}
}

// notified turns the events of w into wake-ups, until w is closed. An
// error (the kernel's queue overflowed) wakes everyone: the readers look
// for themselves.
func (f *follower) notified(w *fsnotify.Watcher) {
	for {
		select {
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			f.data.fire()
			if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove) {
				f.names.fire()
			}
		case _, ok := <-w.Errors:
			if !ok {
				return
			}
			f.data.fire()
			f.names.fire()
		}
	}
}

// taken is a file of a folder that is or was read: busy while it is, and
// then known by its size and modification time, so that a new file that
// gets a deleted file's inode is still seen.
type taken struct {
	busy bool
	size int64
	mod  time.Time
}

// folder follows the files of dir: those there at the start as Options
// say, and those that appear later from their start.
func (f *follower) folder(dir string) {
	seen := make(map[fileID]*taken)
	initial := true
	for {
		names := f.names.wait()
		ents, err := os.ReadDir(dir)
		if err != nil && initial {
			f.note("%v", err)
		}
		present := make(map[fileID]bool, len(ents))
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") || !e.Type().IsRegular() {
				continue
			}
			p := filepath.Join(dir, e.Name())
			fi, err := e.Info()
			if err != nil {
				continue
			}
			id := fileIDOf(fi, p)
			present[id] = true
			if f.isTaken(seen, id, fi) {
				continue
			}
			tk := &taken{busy: true}
			f.mu.Lock()
			seen[id] = tk
			f.mu.Unlock()
			first := initial
			f.wg.Go(func() { f.folderFile(p, first, tk) })
		}
		f.mu.Lock()
		for id := range seen {
			if !present[id] && !seen[id].busy {
				delete(seen, id)
			}
		}
		f.mu.Unlock()
		initial = false
		select {
		case <-names:
		case <-f.ctx.Done():
			return
		}
	}
}

// isTaken reports whether the file id, whose FileInfo is fi, is being
// read or was read as it is now.
func (f *follower) isTaken(seen map[fileID]*taken, id fileID, fi fs.FileInfo) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	tk, ok := seen[id]
	return ok && (tk.busy || tk.size == fi.Size() && tk.mod.Equal(fi.ModTime()))
}

// folderFile reads the file p of a watched folder (initial: it was there
// at the start) until it is deleted, and then marks tk as done with it.
func (f *follower) folderFile(p string, initial bool, tk *taken) {
	defer func() {
		f.mu.Lock()
		tk.busy = false
		f.mu.Unlock()
	}()
	fl, err := os.Open(p)
	if err != nil {
		return
	}
	defer fl.Close()
	f.openedFile(fl, p, initial, func() bool { return deleted(fl) })
	if fi, err := fl.Stat(); err == nil {
		f.mu.Lock()
		tk.size, tk.mod = fi.Size(), fi.ModTime()
		f.mu.Unlock()
	}
}

// fileIDOf identifies the file p whose FileInfo is fi.
func fileIDOf(fi fs.FileInfo, p string) fileID {
	id, _ := idOf(fi)
	if id == (fileID{}) {
		id.name = p
	}
	return id
}
