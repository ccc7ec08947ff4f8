package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath returns Debian's chromium, or chromium on PATH, or "".
func chromiumPath() string {
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	p, _ := exec.LookPath("chromium")
	return p
}

// artifactsDir is $SYNCLOG_ARTIFACTS (CI keeps it), or a temporary folder.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SYNCLOG_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// bucketCounts is one timeline bucket: failed responses, the HTTP 503s
// among them, and the escalations among those.
type bucketCounts struct{ Failed, S503, Esc int64 }

// domBucket is a `#timeline g.bucket` as the browser sees it.
type domBucket struct {
	Start  string `json:"start"`
	Failed int64  `json:"failed"`
	S503   int64  `json:"s503"`
	Esc    int64  `json:"esc"`
	Rects  []struct {
		Class string `json:"class"`
		Count int64  `json:"count"`
	} `json:"rects"`
}

// pageFacts is what the test reads from the loaded report.
type pageFacts struct {
	Pwned       string      `json:"pwned"` // typeof window.__pwned
	Scripts     int         `json:"scripts"`
	Images      int         `json:"images"`
	SVGs        int         `json:"svgs"`
	Styles      int         `json:"styles"`
	OnAttrs     []string    `json:"onAttrs"` // elements with an on* attribute
	BodyDisplay string      `json:"bodyDisplay"`
	Text        string      `json:"text"`
	Buckets     []domBucket `json:"buckets"`
}

// phoneFacts is the width of the page at a phone's width, the elements
// (outside scroll wrappers) that stick out, and the columns of the storage
// node table that cannot be read whole.
type phoneFacts struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Wide        []string `json:"wide"`
	NodeCols    int      `json:"nodeCols"`   // columns of the storage node table
	Unreadable  []string `json:"unreadable"` // its columns not readable whole
}

// phoneFactsJS measures phoneFacts. A column of the storage node table is
// readable if its header is on screen and not cut (scrollWidth within
// clientWidth), or if the rows are stacked and each of its cells is on
// screen, not cut, and labelled with the header (::before).
const phoneFactsJS = `(() => {
	const w = document.documentElement.clientWidth;
	const wide = [];
	for (const e of document.body.querySelectorAll('*')) {
		if (e.closest('.scroll')) continue;
		const r = e.getBoundingClientRect();
		if (r.right > w + 0.5) wide.push(e.tagName + (e.className && typeof e.className === 'string' ? '.' + e.className : '') + ' ' + Math.round(r.right));
	}
	const whole = e => {
		const r = e.getBoundingClientRect();
		return r.width > 0 && r.left >= -0.5 && r.right <= w + 0.5 && e.scrollWidth <= e.clientWidth + 1;
	};
	const h2 = [...document.querySelectorAll('h2')].find(h => h.textContent.includes('by storage node'));
	const table = h2 && h2.parentElement.querySelector('table');
	const unreadable = [];
	const ths = table ? [...table.querySelectorAll('thead th')] : [];
	ths.forEach((th, i) => {
		if (whole(th)) return;
		const cells = [...table.querySelectorAll('tbody tr')].map(tr => tr.children[i]);
		const labelled = cells.length > 0 && cells.every(td => whole(td) &&
			getComputedStyle(td, '::before').content === JSON.stringify(th.textContent));
		if (!labelled) unreadable.push(th.textContent);
	});
	return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, wide: wide.slice(0, 10),
		nodeCols: ths.length, unreadable: unreadable};
})()`

const pageFactsJS = `(() => {
	const on = [];
	for (const e of document.querySelectorAll('*')) {
		for (const a of e.attributes) {
			if (a.name.toLowerCase().startsWith('on')) on.push(e.tagName + ' ' + a.name);
		}
	}
	return {
		pwned: typeof window.__pwned,
		scripts: document.querySelectorAll('script').length,
		images: document.querySelectorAll('img, image').length,
		svgs: document.querySelectorAll('svg').length,
		styles: document.querySelectorAll('style, link').length,
		onAttrs: on,
		bodyDisplay: getComputedStyle(document.body).display,
		text: document.body.textContent,
		buckets: [...document.querySelectorAll('#timeline g.bucket')].map(g => ({
			start: g.getAttribute('data-start'),
			failed: Number(g.getAttribute('data-failed')),
			s503: Number(g.getAttribute('data-status-503')),
			esc: Number(g.getAttribute('data-escalations')),
			rects: [...g.querySelectorAll('rect')].map(r => ({
				class: r.getAttribute('class'),
				count: Number(r.getAttribute('data-count')),
			})),
		})),
	};
})()`

// TestHTMLReportInBrowser renders the HTML report of every fixture (the
// hostile one included) with the real command, loads it in headless
// Chromium, and checks that it loads nothing, logs nothing, runs none of
// the planted payloads but shows them as text, that its timeline has the
// counts of the CSV rows, and that it fits a phone.
func TestHTMLReportInBrowser(t *testing.T) {
	exe := chromiumPath()
	if exe == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (/usr/bin/chromium, or chromium on PATH); CI must run this test")
		}
		t.Skip("chromium is not installed")
	}
	paths, err := filepath.Glob("../../testdata/logs/*.log")
	if err != nil || !slices.ContainsFunc(paths, func(p string) bool { return filepath.Base(p) == "hostile.log" }) {
		t.Fatalf("fixtures %v (%v): want hostile.log among them", paths, err)
	}
	// hostile.log first: the report keeps the first few samples of each
	// list, and the other fixtures' bodyless 503s must not push its
	// payloads out of them.
	i := slices.IndexFunc(paths, func(p string) bool { return filepath.Base(p) == "hostile.log" })
	hostile := paths[i]
	paths = append([]string{hostile}, slices.Delete(paths, i, i+1)...)
	dir := t.TempDir()
	reportPath := filepath.Join(dir, "report.html")
	synclog := func(args ...string) []byte {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := Run(append(args, paths...), strings.NewReader(""), &out, &errOut); code != 1 {
			t.Fatalf("synclog %s: exit %d, want 1 (escalations)\n%s", strings.Join(args, " "), code, errOut.String())
		}
		return out.Bytes()
	}
	synclog("scan", "--format", "html", "-o", reportPath)
	csvOut := synclog("scan", "--format", "csv")
	var report struct {
		Timeline struct {
			BucketSeconds int64 `json:"bucket_seconds"`
			Untimed       int64 `json:"untimed"`
			Buckets       []struct {
				Start string `json:"start"`
			} `json:"buckets"`
		} `json:"timeline"`
	}
	if err := json.Unmarshal(synclog("scan", "--format", "json"), &report); err != nil {
		t.Fatal(err)
	}
	bs := report.Timeline.BucketSeconds
	if bs <= 0 || len(report.Timeline.Buckets) == 0 {
		t.Fatalf("JSON timeline: %+v", report.Timeline)
	}

	// The timeline, counted from the CSV rows alone.
	rows, err := csv.NewReader(bytes.NewReader(csvOut)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("CSV: %d rows, %v", len(rows), err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	want := map[int64]bucketCounts{}
	var timed, untimed int64
	for _, r := range rows[1:] {
		if r[col["time"]] == "" {
			untimed++
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, r[col["time"]])
		if err != nil {
			t.Fatalf("CSV time %q: %v", r[col["time"]], err)
		}
		k := floorDiv(at.Unix(), bs)
		c := want[k]
		c.Failed++
		if r[col["status"]] == "503" {
			c.S503++
		}
		if r[col["escalate"]] == "true" {
			c.Esc++
		}
		want[k] = c
		timed++
	}
	if untimed != report.Timeline.Untimed {
		t.Errorf("CSV rows without a time: %d; JSON timeline.untimed: %d", untimed, report.Timeline.Untimed)
	}

	// The browser: no network beyond the file itself, no console.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx, cancel = chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 800),
	)
	defer cancel()
	ctx, cancel = chromedp.NewContext(ctx)
	defer cancel()

	docURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(reportPath)}).String()
	var (
		mu       sync.Mutex
		requests []string
		problems []string
	)
	err = chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, ev.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning ||
				ev.Type == runtime.ConsoleAPICalledTypeAssert {
				problems = append(problems, fmt.Sprintf("console.%s (%d args)", ev.Type, len(ev.Args)))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				problems = append(problems, fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 800), chromedp.Navigate(docURL)); err != nil {
		t.Fatalf("load %s: %v", docURL, err)
	}
	facts, err := chromedp.Run(ctx, chromedp.Evaluate[pageFacts](pageFactsJS))
	if err != nil {
		t.Fatal(err)
	}
	desktop, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}

	// A phone: nothing may be wider than the screen but inside a scroll
	// wrapper.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))); err != nil {
		t.Fatal(err)
	}
	overflow, err := chromedp.Run(ctx, chromedp.Evaluate[phoneFacts](phoneFactsJS))
	if err != nil {
		t.Fatal(err)
	}
	phone, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	art := artifactsDir(t)
	for _, shot := range []struct {
		name string
		png  []byte
	}{{"report.png", desktop}, {"report-phone.png", phone}} {
		p := filepath.Join(art, shot.name)
		if err := os.WriteFile(p, shot.png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	cancel() // close the browser: every event is in
	mu.Lock()
	defer mu.Unlock()

	t.Logf("requests: %q; %d buckets of %d s; %d CSV rows with a time, %d without", requests, len(facts.Buckets), bs, timed, untimed)
	// (a) Nothing loaded but the document.
	for _, u := range requests {
		if u != docURL {
			t.Errorf("the report made a request for %q", u)
		}
	}
	// (b) Nothing logged.
	for _, p := range problems {
		t.Errorf("browser console: %s", p)
	}
	// (c) No payload ran or became markup; each shows as text.
	if facts.Pwned != "undefined" {
		t.Errorf("window.__pwned is %s: a payload ran", facts.Pwned)
	}
	if facts.Scripts != 0 || facts.Images != 0 || facts.SVGs != 1 || facts.Styles != 1 {
		t.Errorf("DOM has %d scripts, %d images, %d svg (want 1), %d style/link (want 1)", facts.Scripts, facts.Images, facts.SVGs, facts.Styles)
	}
	if len(facts.OnAttrs) > 0 {
		t.Errorf("elements with event handler attributes: %v", facts.OnAttrs)
	}
	if facts.BodyDisplay == "none" {
		t.Error("a payload hid the page")
	}
	for _, p := range []string{
		`<script>window.__pwned=1</script>`,
		`\"><img src=x onerror=window.__pwned=2>`,
		`<svg onload=window.__pwned=3>`,
		`/storage/clients/"><script>window.__pwned=4</script>`,
		`/storage/prefs/"><img/src=x/onerror=window.__pwned=5>`,
		`]]></style><style>body{display:none}</style>{{template "x"}} {{.Verdict}}`,
	} {
		if !strings.Contains(facts.Text, p) {
			t.Errorf("the page does not show the text %q", p)
		}
	}
	if strings.Contains(facts.Text, "window.__pwned=9") {
		t.Error("the page shows a request body (POST Body:), which counts nowhere")
	}

	// (d) The timeline: one group per JSON bucket, with the counts of the
	// CSV rows.
	if len(facts.Buckets) != len(report.Timeline.Buckets) {
		t.Fatalf("%d #timeline g.bucket, want %d (JSON timeline.buckets)", len(facts.Buckets), len(report.Timeline.Buckets))
	}
	var drawn int64
	seen := map[int64]bool{}
	for i, b := range facts.Buckets {
		if b.Start != report.Timeline.Buckets[i].Start {
			t.Errorf("bucket %d: data-start %q, JSON start %q", i, b.Start, report.Timeline.Buckets[i].Start)
		}
		at, err := time.Parse(time.RFC3339Nano, b.Start)
		if err != nil {
			t.Fatalf("bucket %d: data-start %q: %v", i, b.Start, err)
		}
		if at.Unix()%bs != 0 {
			t.Errorf("bucket %d: start %s is not aligned on %d s", i, b.Start, bs)
		}
		k := floorDiv(at.Unix(), bs)
		seen[k] = true
		w := want[k]
		if got := (bucketCounts{b.Failed, b.S503, b.Esc}); got != w {
			t.Errorf("bucket %d (%s): data-* %+v, CSV rows %+v", i, b.Start, got, w)
		}
		rect := map[string]int64{}
		for _, r := range b.Rects {
			if r.Count <= 0 {
				t.Errorf("bucket %d: rect %s with data-count %d", i, r.Class, r.Count)
			}
			rect[r.Class] += r.Count
			drawn += r.Count
		}
		if rect["esc"] != w.Esc || rect["s503"] != w.S503-w.Esc || rect["other"] != w.Failed-w.S503 || len(rect) > 3 {
			t.Errorf("bucket %d (%s): rects %v, want esc %d s503 %d other %d from the CSV rows", i, b.Start, rect, w.Esc, w.S503-w.Esc, w.Failed-w.S503)
		}
	}
	for k, c := range want {
		if !seen[k] {
			t.Errorf("CSV rows in bucket %s (%+v) have no group in the timeline", time.Unix(k*bs, 0).UTC().Format(time.RFC3339), c)
		}
	}
	if drawn != timed {
		t.Errorf("the rects count %d failed responses, the CSV has %d rows with a time", drawn, timed)
	}

	// (e) The phone.
	if overflow.InnerWidth != 390 || overflow.ScrollWidth > overflow.InnerWidth {
		t.Errorf("phone: scrollWidth %d, viewport %d: the page is wider than the screen: %v", overflow.ScrollWidth, overflow.InnerWidth, overflow.Wide)
	}
	if len(overflow.Wide) > 0 {
		t.Errorf("phone: elements wider than the screen outside a scroll wrapper: %v", overflow.Wide)
	}
	if overflow.NodeCols != 6 || len(overflow.Unreadable) > 0 {
		t.Errorf("phone: storage node table: %d columns, want 6; not readable whole at 390 px: %v", overflow.NodeCols, overflow.Unreadable)
	}
}

// floorDiv is a/b rounded down (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}
