package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"synclog/internal/classify"
	"synclog/internal/summary"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// TestMarkdownRendersForTickets renders the Markdown report with a
// CommonMark + GFM renderer (the dialect of GitHub and GitLab, raw HTML
// allowed as they allow <details>) and checks the result: every table
// renders as a table with as many cells per row as headers, the <details>
// blocks are the report's own, and no log content becomes HTML.
func TestMarkdownRendersForTickets(t *testing.T) {
	s := fixtureSummary(summary.Limits{})
	hostile := []string{
		`<script>alert(1)</script>`,
		`"><img src=x onerror=alert(2)>`,
		`</details><details open><summary>fake</summary>`,
		"| a | b |\n| --- | --- |",
	}
	for i, h := range hostile {
		feed(s, []item{
			resp("f.log", 100+i, time.UnixMilli(1757623044413), "GET", 503, "https://h.example/"+h, infra("server issue: "+h)),
			resp("f.log", 200+i, time.UnixMilli(1757623044413), "GET", 500, "https://h.example/", &classify.Class{Kind: classify.Unknown, Text: []byte(h)}),
		})
	}
	var src bytes.Buffer
	if err := Render(&src, s, Options{Format: "markdown"}); err != nil {
		t.Fatal(err)
	}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	var out bytes.Buffer
	if err := md.Convert(src.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()

	if n, want := strings.Count(got, "<table>"), strings.Count(src.String(), "\n| ---"); n != want || n == 0 {
		t.Errorf("%d tables rendered, %d in the source", n, want)
	}
	tableRe := regexp.MustCompile(`(?s)<table>.*?</table>`)
	rowRe := regexp.MustCompile(`(?s)<tr>.*?</tr>`)
	for _, tbl := range tableRe.FindAllString(got, -1) {
		rows := rowRe.FindAllString(tbl, -1)
		head := strings.Count(rows[0], "<th")
		for _, r := range rows[1:] {
			if n := strings.Count(r, "<td"); n != head {
				t.Errorf("row with %d cells under %d headers: %s", n, head, r)
			}
		}
	}
	if open, want := strings.Count(got, "<details>"), strings.Count(src.String(), "\n<details><summary>"); open != want || open != strings.Count(got, "</details>") {
		t.Errorf("%d <details>, %d </details>, %d written by the report", open, strings.Count(got, "</details>"), want)
	}
	for _, tag := range []string{"<script", "<img", "<details open", "<b>"} {
		if strings.Contains(got, tag) {
			t.Errorf("log content became HTML: %s", tag)
		}
	}
	if !strings.Contains(got, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the <script> body is not shown as text")
	}
}

// TestMarkdownSkipped checks the section of entries a folder walk passed
// over: each path escaped like other log content, its table intact, and
// the count of the entries not listed.
func TestMarkdownSkipped(t *testing.T) {
	src := render(t, skippedSummary(), Options{Format: "markdown"})
	for _, want := range []string{
		"\n### " + titleSkipped + " (4)\n",
		`| logs/\\x1b\[31mred.log | hidden |`,
		`| logs/a\|b\*c\_d.log | excluded |`,
		`| logs/\<img src=x onerror=alert(1)\>.log | symlink (use --follow) |`,
		"\nNote: 1 more entry was passed over and not listed.\n",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("Markdown report lacks %q:\n%s", want, src)
		}
	}
	var out bytes.Buffer
	md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := md.Convert([]byte(src), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, "<img") || strings.Contains(got, "\x1b") {
		t.Errorf("a skipped path became markup or an escape sequence:\n%s", got)
	}
	for _, want := range []string{"<td>logs/a|b*c_d.log</td>", "<td>logs/&lt;img src=x onerror=alert(1)&gt;.log</td>", `<td>logs/\x1b[31mred.log</td>`} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered Markdown lacks %s", want)
		}
	}
	if src := render(t, fixtureSummary(summary.Limits{}), Options{Format: "markdown"}); strings.Contains(src, titleSkipped) {
		t.Errorf("report with nothing skipped shows %q", titleSkipped)
	}
}
