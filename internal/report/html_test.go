package report

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"text/template"
	"time"

	"synclog/internal/classify"
	"synclog/internal/parse"
	"synclog/internal/summary"
)

// htmlPayloads are planted in every log-derived string of hostileSummary.
var htmlPayloads = []string{
	"<script>alert(1)</script>",
	`"><img src=x onerror=alert(1)>`,
	"</style><style>*{display:none}</style>",
	"]]><!--",
	"{{.Verdict}}",
}

// hostileSummary has a payload in each log-derived string that the HTML
// report shows: infra keys (escalations and reviews), unknown bodies, class
// descriptions, hosts, URL paths, methods, file names, network error and
// backoff details, input paths, errors and warnings.
func hostileSummary() *summary.Summary { return plantedSummary(htmlPayloads) }

// plantedSummary plants each of payloads in every log-derived string of
// the report.
func plantedSummary(payloads []string) *summary.Summary {
	s := summary.New(summary.Limits{})
	t0 := time.Date(2025, 11, 24, 9, 14, 5, 0, time.UTC)
	for i, p := range payloads {
		at := t0.Add(time.Duration(i) * time.Minute)
		file := "error-sync-" + p + ".txt"
		host := "https://node-" + strconv.Itoa(i) + p + "/1.5/1/storage/" + p
		key := "server issue: " + p
		desc := &classify.Class{Kind: classify.Unknown, Key: "k" + p, Description: "desc " + p, Text: []byte("k" + p)}
		feed(s, []item{
			resp(file, 1, at, "GET", 503, host, infra(key)),
			resp(file, 2, at, "GET", 500, host, infra(key+" review")),
			resp(file, 3, at, "GE"+p, 502, host, &classify.Class{Kind: classify.Unknown, Text: []byte("body " + p)}),
			resp(file, 4, at, "GET", 400, host, desc),
			resp(file, 5, at, "GET", 503, host+"/nobody", nil),
		})
		s.Add(&parse.Event{Kind: parse.KindNetworkError, File: file, Line: 6, Time: at, Method: []byte("GET"),
			URL: []byte(host), Detail: []byte("net " + p)}, nil)
		s.Add(&parse.Event{Kind: parse.KindBackoff, File: file, Line: 7, Time: at, Detail: []byte("bo " + p), Seconds: 1}, nil)
		s.AddInput(summary.Input{Path: file, Format: "plain", Error: "err " + p, Warnings: []string{"warn " + p}})
		s.AddSkipped("skipped-"+p, "why "+p)
	}
	return s
}

var (
	reTag     = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	reOnAttr  = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	reLoadRef = regexp.MustCompile(`(?i)\s(src|srcset|href|action|formaction|poster|data|background)\s*=`)
)

// TestHTMLEscapesLogContent checks that no payload of hostileSummary comes
// out as markup: every tag of the page is one of the template's, no tag
// has an event handler or a reference to load, and each payload shows as
// text.
func TestHTMLEscapesLogContent(t *testing.T) {
	for _, redact := range []bool{false, true} {
		out := render(t, hostileSummary(), Options{Format: "html", Redact: redact})
		for _, bad := range []string{"<script", "<img", "<svg onload", "<!--", "]]>"} {
			if strings.Contains(strings.ToLower(out), strings.ToLower(bad)) {
				i := strings.Index(strings.ToLower(out), strings.ToLower(bad))
				t.Errorf("redact %v: output holds %q: ...%s...", redact, bad, out[max(0, i-80):min(len(out), i+80)])
			}
		}
		if n := strings.Count(out, "</style>"); n != 1 {
			t.Errorf("redact %v: %d </style> tags, want 1 (the page's own)", redact, n)
		}
		if n := strings.Count(out, "<style>"); n != 1 {
			t.Errorf("redact %v: %d <style> tags, want 1", redact, n)
		}
		for _, tag := range reTag.FindAllString(out, -1) {
			if reOnAttr.MatchString(tag) {
				t.Errorf("redact %v: tag with an event handler: %s", redact, tag)
			}
			if reLoadRef.MatchString(tag) {
				t.Errorf("redact %v: tag that loads something: %s", redact, tag)
			}
		}
		for _, p := range htmlPayloads {
			esc := template.HTMLEscapeString(p)
			for _, want := range []string{"server issue: " + esc, "body " + esc, "desc " + esc, "net " + esc, "bo " + esc, "err " + esc, "warn " + esc} {
				if !strings.Contains(out, want) {
					t.Errorf("redact %v: output lacks the escaped text %q", redact, want)
				}
			}
		}
		// "{{" is not special in HTML: it must come out as it came in.
		if !strings.Contains(out, "{{.Verdict}}") {
			t.Errorf("redact %v: {{.Verdict}} is not shown literally", redact)
		}
	}
}

// TestHTMLControlCharacters checks that control and bidi characters are
// shown as escapes, as in the text report.
func TestHTMLControlCharacters(t *testing.T) {
	out := render(t, fixtureSummary(summary.Limits{}), Options{Format: "html"})
	if strings.ContainsAny(out, "\x1b\u202e\r") {
		t.Error("HTML output holds raw control or bidi characters")
	}
	if !strings.Contains(out, `\x1b[31mred\u202eevil\r\n`) {
		t.Error(`HTML output lacks the escaped hostile body \x1b[31mred\u202eevil\r\n`)
	}
}

// TestHTMLSelfContained checks the head of the page: charset, viewport,
// the CSP that forbids loading anything, a title with the verdict, and no
// script at all.
func TestHTMLSelfContained(t *testing.T) {
	s := fixtureSummary(summary.Limits{})
	out := render(t, s, Options{Format: "html"})
	v := buildView(s)
	for _, want := range []string{
		"<!DOCTYPE html>\n",
		`<meta charset="utf-8">`,
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		"<title>" + template.HTMLEscapeString(verdict(v)) + "</title>",
		"@media print",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML output lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url(", "<details"} {
		if strings.Contains(out, bad) {
			t.Errorf("HTML output holds %q", bad)
		}
	}
}

// TestHTMLSaysWhatTextSays checks that the HTML report carries the
// sentences of the text report, in the order of the page.
func TestHTMLSaysWhatTextSays(t *testing.T) {
	s := fixtureSummary(summary.Limits{})
	out := render(t, s, Options{Format: "html"})
	v := buildView(s)
	v.Redacted = false
	want := []string{verdict(v), whenLine(v)}
	for _, n := range notes(v) {
		want = append(want, n.text)
	}
	want = append(want, "Failed responses over time", "bucket: 10 s", titleNodes, titleEsc, samplesTitle(5), actionLine,
		titleRev, titleClasses, titleStatus, titleNoBody, bodyHint, titleNet, titleBackoff, titleInputs, titleTotals)
	at := 0
	for _, w := range want {
		i := strings.Index(out[at:], template.HTMLEscapeString(w))
		if i < 0 {
			t.Errorf("HTML output lacks %q after offset %d", w, at)
			continue
		}
		at += i
	}
	if !strings.Contains(out, `<tr class="bad">`) {
		t.Error("the incomplete input is not highlighted")
	}
	if !strings.Contains(out, `<h1 class="escalate">`) {
		t.Error("the escalate verdict is not marked")
	}
}

func TestHTMLEmpty(t *testing.T) {
	out := render(t, summary.New(summary.Limits{}), Options{Format: "html"})
	for _, want := range []string{
		`<h1 class="ok">OK: nothing to escalate (0 responses, 0 failed).</h1>`,
		"<p>No failed responses with a time.</p>",
		"<p>" + noEscLine + "</p>",
		"<p>No response bodies classified.</p>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("empty HTML report lacks %q", want)
		}
	}
	if strings.Contains(out, "<svg") {
		t.Error("empty HTML report draws a timeline")
	}
}

func TestHTMLUntimed(t *testing.T) {
	s := summary.New(summary.Limits{})
	feed(s, []item{resp("f", 1, time.Time{}, "GET", 503, "https://h/1.5/1/x", infra("server issue: getVS failed"))})
	out := render(t, s, Options{Format: "html"})
	for _, want := range []string{"<p>No failed responses with a time.</p>", "1 failed response had no time."} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
}

var (
	reBucket = regexp.MustCompile(`<g class="bucket" data-start="([^"]*)" data-failed="(\d+)" data-status-503="(\d+)" data-escalations="(\d+)"><title>([^<]*)</title>(.*?)</g>`)
	reRect   = regexp.MustCompile(`<rect class="(esc|s503|other)" data-count="(\d+)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/>`)
)

// TestHTMLTimeline checks the SVG against the view's timeline: one group
// per bucket in order with its counts, and rects whose counts add up.
func TestHTMLTimeline(t *testing.T) {
	for _, s := range []*summary.Summary{fixtureSummary(summary.Limits{}), hostileSummary()} {
		v := buildView(s)
		out := render(t, s, Options{Format: "html"})
		groups := reBucket.FindAllStringSubmatch(out, -1)
		if len(groups) != len(v.Timeline.Buckets) || len(groups) == 0 {
			t.Fatalf("%d bucket groups, want %d", len(groups), len(v.Timeline.Buckets))
		}
		if n := strings.Count(out, `<g class="bucket"`); n != len(groups) {
			t.Fatalf("%d bucket groups, %d of them well-formed", n, len(groups))
		}
		var peak int64
		for _, x := range v.Timeline.Buckets {
			peak = max(peak, x.Failed)
		}
		if !strings.Contains(out, "<span>"+i64(peak)+" failed</span>") {
			t.Errorf("the y axis does not say %d", peak)
		}
		for i, g := range groups {
			x := v.Timeline.Buckets[i]
			want := []string{x.Start, i64(x.Failed), i64(x.Status503), i64(x.Escalations)}
			if got := g[1:5]; strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("bucket %d: data = %v, want %v", i, got, want)
			}
			if !strings.HasPrefix(g[5], x.Start+": ") {
				t.Errorf("bucket %d: title %q", i, g[5])
			}
			count := map[string]int64{}
			var top float64 = chartH
			for _, r := range reRect.FindAllStringSubmatch(g[6], -1) {
				n, _ := strconv.ParseInt(r[2], 10, 64)
				if n <= 0 {
					t.Errorf("bucket %d: rect with count %d", i, n)
				}
				count[r[1]] += n
				y, _ := strconv.ParseFloat(r[3], 64)
				top = min(top, y)
			}
			if strings.Count(g[6], "<rect") != len(reRect.FindAllString(g[6], -1)) {
				t.Errorf("bucket %d: malformed rect in %q", i, g[6])
			}
			if count["esc"] != x.Escalations || count["s503"] != x.Status503-x.Escalations || count["other"] != x.Failed-x.Status503 {
				t.Errorf("bucket %d: rect counts %v, want esc %d s503 %d other %d", i, count,
					x.Escalations, x.Status503-x.Escalations, x.Failed-x.Status503)
			}
			if x.Failed == peak && top != chartPadT {
				t.Errorf("bucket %d: the busiest bucket reaches y=%v, want %v", i, top, float64(chartPadT))
			}
			if top < 0 {
				t.Errorf("bucket %d: bar above the chart (y=%v)", i, top)
			}
		}
	}
}

func TestHTMLRedaction(t *testing.T) {
	out := render(t, fixtureSummary(summary.Limits{}), Options{Format: "html", Redact: true})
	for _, bad := range []string{"123456", "user:secret@", "NOT REDACTED"} {
		if strings.Contains(out, bad) {
			t.Errorf("redacted HTML report holds %q", bad)
		}
	}
	for _, want := range []string{"/1.5/user-1/", "Personal data redacted"} {
		if !strings.Contains(out, want) {
			t.Errorf("redacted HTML report lacks %q", want)
		}
	}
	out = render(t, fixtureSummary(summary.Limits{}), Options{Format: "html"})
	for _, want := range []string{"/1.5/123456/", `<p class="note priv">NOT REDACTED`} {
		if !strings.Contains(out, want) {
			t.Errorf("unredacted HTML report lacks %q", want)
		}
	}
}

func TestHTMLDeterministic(t *testing.T) {
	a := render(t, hostileSummary(), Options{Format: "html", Redact: true})
	for range 20 {
		if b := render(t, hostileSummary(), Options{Format: "html", Redact: true}); a != b {
			t.Fatal("Render(html) is not deterministic")
		}
	}
}

func TestHTMLWriteError(t *testing.T) {
	if err := Render(failWriter{}, fixtureSummary(summary.Limits{}), Options{Format: "html"}); !errors.Is(err, errWrite) {
		t.Errorf("Render(html) to a failing writer = %v, want %v", err, errWrite)
	}
}

// TestHTMLSkipped checks the section of entries a folder walk passed over:
// each path shown as escaped text, never as markup or a raw control
// character, and the count of the entries not listed.
func TestHTMLSkipped(t *testing.T) {
	out := render(t, skippedSummary(), Options{Format: "html"})
	for _, want := range []string{
		"<h2>" + titleSkipped + "</h2>",
		`<td class="m p" data-h="Path">logs/\x1b[31mred.log</td><td data-h="Why">hidden</td>`,
		`<td class="m p" data-h="Path">logs/a|b*c_d.log</td>`,
		`<td class="m p" data-h="Path">logs/&lt;img src=x onerror=alert(1)&gt;.log</td>`,
		`<p class="muted">Note: 1 more entry was passed over and not listed.</p>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML report lacks %s", want)
		}
	}
	if strings.Contains(out, "<img") || strings.Contains(out, "\x1b") {
		t.Error("a skipped path became markup or a raw escape sequence")
	}
	for _, tag := range reTag.FindAllString(out, -1) {
		if reOnAttr.MatchString(tag) || reLoadRef.MatchString(tag) {
			t.Errorf("tag from a skipped path: %s", tag)
		}
	}
	if out := render(t, fixtureSummary(summary.Limits{}), Options{Format: "html"}); strings.Contains(out, titleSkipped) {
		t.Errorf("report with nothing skipped shows %q", titleSkipped)
	}
}
