package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// logrotatePath is Debian's logrotate; the test skips without it, and
// fails without it under CI=true.
const logrotatePath = "/usr/sbin/logrotate"

// TestWatchLogrotate runs the real logrotate on a log that synclog watch
// follows while a goroutine appends escalations to it, and checks that
// every escalation is printed once and counted once in the report.
func TestWatchLogrotate(t *testing.T) {
	needInstalled(t, logrotatePath)
	bin := buildSynclog(t)
	for _, tc := range []struct {
		name, conf string
		folder     bool // watch the log's folder, else the log
		// serial keeps logrotate and the writer apart: copytruncate loses
		// what is written between its copy and its truncation, for any
		// reader; that is logrotate's, not synclog's.
		serial bool
	}{
		{"create-compress-folder", "create 0644\n    compress", true, false},
		{"create-file", "create 0644", false, false},
		{"copytruncate-delaycompress-folder", "copytruncate\n    compress\n    delaycompress", true, true},
		{"copytruncate-file", "copytruncate", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			logs := filepath.Join(dir, "logs")
			if err := os.Mkdir(logs, 0o755); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(logs, "sync.log")
			appendLog(t, log, "")
			conf := filepath.Join(dir, "logrotate.conf")
			rule := fmt.Sprintf("%s {\n    rotate 20\n    missingok\n    %s\n}\n", log, tc.conf)
			if err := os.WriteFile(conf, []byte(rule), 0o644); err != nil {
				t.Fatal(err)
			}
			path := log
			if tc.folder {
				path = logs
			}
			report := filepath.Join(dir, "report.json")
			w := startWatch(t, bin, nil, "--from-start", "-f", "json", "-o", report, path)
			// Once escalation 0 is out, watch follows the log.
			appendLog(t, log, escalation(0))
			waitFor(t, 10*time.Second, w.out.String, func(s string) bool { return strings.Count(s, "\n") >= 1 }, "first escalation line")
			const n, rotations = 300, 6
			rotateWhileAppending(t, log, conf, filepath.Join(dir, "state"), n, rotations, tc.serial)
			waitFor(t, 20*time.Second, w.out.String, func(s string) bool { return strings.Count(s, "\n") >= n }, fmt.Sprintf("%d escalation lines", n))
			time.Sleep(1500 * time.Millisecond) // a second reading of a rotated copy would come in this time
			if code := w.stop(t); code != 1 {
				t.Errorf("exit status %d, want 1; stderr: %s", code, w.errOut.String())
			}
			checkOnce(t, w.out.String(), n)
			if s := w.errOut.String(); s != "" {
				t.Errorf("stderr = %q, want nothing", s)
			}
			if got := escalationsIn(t, report); got != n {
				t.Errorf("report: %d escalations, want %d", got, n)
			}
			ents, _ := os.ReadDir(logs)
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Logf("files after %d rotations: %v", rotations, names)
		})
	}
}

// rotateWhileAppending appends escalations 1..n-1 to log, a few at a
// time, while logrotate -f rotates it rotations times (serial: never
// during a write). The writer never creates the log: logrotate does (a
// log the writer created between logrotate's rename and create would be
// renamed aside by logrotate, and a reader of sync.log never see it).
func rotateWhileAppending(t *testing.T, log, conf, stateFile string, n, rotations int, serial bool) {
	t.Helper()
	var mu sync.Mutex
	lock := func() func() {
		if !serial {
			return func() {}
		}
		mu.Lock()
		return mu.Unlock
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 1; i < n; i += 3 {
			unlock := lock()
			var b strings.Builder
			for j := i; j < min(i+3, n); j++ {
				b.WriteString(escalation(j))
			}
			appendExisting(t, log, b.String())
			unlock()
			time.Sleep(3 * time.Millisecond)
		}
	})
	for range rotations {
		time.Sleep(40 * time.Millisecond)
		unlock := lock()
		out, err := exec.Command(logrotatePath, "-f", "-s", stateFile, conf).CombinedOutput()
		unlock()
		if err != nil {
			t.Errorf("logrotate: %v\n%s", err, out)
		}
	}
	wg.Wait()
}

// appendExisting appends s to the file path in one write, waiting (up to
// 5 s) for the file to exist.
func appendExisting(t *testing.T, path, s string) {
	for range 500 {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if errors.Is(err, fs.ErrNotExist) {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if err != nil {
			t.Error(err)
			return
		}
		_, err = f.WriteString(s)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Error(err)
		}
		return
	}
	t.Errorf("%s missing for 5 s", path)
}

// needInstalled skips the test when the program path is missing, and
// fails it then under CI=true: CI must run it.
func needInstalled(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; CI must run this test", path)
		}
		t.Skipf("%s is not installed", path)
	}
}
