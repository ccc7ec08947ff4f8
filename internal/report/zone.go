package report

import (
	"time"
)

// zoned returns s, a report time (timeLayout, UTC), as shown in loc:
// RFC 3339 with milliseconds and loc's offset ("2025-08-25T09:13:20.298+02:00").
// s is returned as is when loc is nil, when s is "" (no time) and when s
// does not parse. JSON and CSV keep UTC: only the text, Markdown and HTML
// renderers call zoned.
func zoned(s string, loc *time.Location) string {
	if loc == nil || s == "" {
		return s
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return s
	}
	return t.In(loc).Format(timeLayout)
}

// zoneDoc converts the time cells of d's tables, and the timeline's bucket
// starts, for display in loc (see zoned). d.Timeline becomes a copy, so
// that the view, which JSON writes, keeps UTC.
func zoneDoc(d *doc, loc *time.Location) {
	if loc == nil {
		return
	}
	for _, s := range []*section{d.Esc, d.Rev, d.Classes, d.Status, d.Nodes, d.NoBody, d.Net, d.Backoff, d.Inputs, d.Skipped, d.Totals} {
		if s == nil {
			continue
		}
		for _, g := range s.Tables {
			for _, r := range g.Rows {
				for i := range r.Cells {
					if r.Cells[i].Kind == cellTime {
						r.Cells[i].Text = zoned(r.Cells[i].Text, loc)
					}
				}
			}
		}
	}
	if d.Timeline != nil {
		tl := *d.Timeline
		tl.Buckets = make([]viewBucket, len(d.Timeline.Buckets))
		for i, x := range d.Timeline.Buckets {
			x.Start = zoned(x.Start, loc)
			tl.Buckets[i] = x
		}
		d.Timeline = &tl
	}
}

// zoneName names loc in prose: "UTC" for nil or UTC, "local time" for
// time.Local, else its IANA name.
func zoneName(loc *time.Location) string {
	switch loc {
	case nil, time.UTC:
		return "UTC"
	case time.Local:
		return "local time"
	}
	return loc.String()
}
