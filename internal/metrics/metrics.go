// Package metrics exposes a summary.Summary as Prometheus metrics: served
// over HTTP for a scrape, or written as a textfile for node_exporter. Every
// value is read from the Summary, so the metrics and the report never
// disagree.
package metrics

import (
	"cmp"
	"math"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"synclog/internal/classify"
	"synclog/internal/redact"
	"synclog/internal/summary"
)

// OtherLabel is the label value of the events whose key or status is
// beyond the Summary's Limits.Keys, as the report's "(other)" rows.
const OtherLabel = "(other)"

// ClassNone is the class label of the responses with no classified body
// (no body in the log, or a 2xx/3xx body that is data).
const ClassNone = "none"

// family is one family of counters read from a Summary.
type family struct {
	name  string
	label string // the label's name; "" when the family has none
	// folds reports that the family's label values are bounded by the
	// Summary's key limit, the rest counted as OtherLabel.
	folds bool
	desc  *prometheus.Desc
}

func newFamily(name, label string, folds bool, help string) *family {
	var labels []string
	if label != "" {
		labels = []string{label}
	}
	return &family{name: name, label: label, folds: folds, desc: prometheus.NewDesc(name, help, labels, nil)}
}

// The families, named by issue 17. All are counters: a Summary only grows.
var (
	famEscalations = newFamily("synclog_escalations_total", "key", true,
		"Responses to escalate to Services Operations (an infra string in an HTTP 503), by infra key; keys beyond the report's key limit are counted as \"(other)\".")
	famFailed = newFamily("synclog_failed_responses_total", "status", true,
		"HTTP responses with status 400 or more, by status; statuses beyond the report's key limit are counted as \"(other)\".")
	famResponses = newFamily("synclog_responses_total", "class", false,
		"HTTP responses by class of body: server_code, infra, unknown, or none when no body was classified.")
	famNoBody503 = newFamily("synclog_no_body_503_total", "", false,
		"HTTP 503 responses with no body in the log.")
	famInputErrors = newFamily("synclog_input_errors_total", "", false,
		"Inputs that could not be read whole (truncated, corrupt, unreadable, not a Sync log).")
	famLines = newFamily("synclog_lines_total", "", false,
		"Lines read over all inputs.")
)

// families lists the counter families in the order they are collected.
var families = []*family{famEscalations, famFailed, famResponses, famNoBody503, famInputErrors, famLines}

// point is one sample of a family: its label value ("" when the family
// has no label) and its value.
type point struct {
	fam   *family
	label string
	value float64
}

// points is a Collector of fixed samples of the counter families.
type points []point

// Describe sends the descriptions of the counter families.
func (points) Describe(ch chan<- *prometheus.Desc) {
	for _, f := range families {
		ch <- f.desc
	}
}

// Collect sends the samples.
func (ps points) Collect(ch chan<- prometheus.Metric) {
	for _, p := range ps {
		ch <- constMetric(p.fam.desc, prometheus.CounterValue, p.value, p.label)
	}
}

// constMetric returns the metric of desc with value v and label value
// label ("" for a family without labels), or an invalid metric that makes
// the scrape or the write fail with the reason.
func constMetric(desc *prometheus.Desc, t prometheus.ValueType, v float64, label string) prometheus.Metric {
	var labels []string
	if label != "" {
		labels = []string{label}
	}
	m, err := prometheus.NewConstMetric(desc, t, v, labels...)
	if err != nil {
		return prometheus.NewInvalidMetric(desc, err)
	}
	return m
}

// collector is the Collector NewCollector returns.
type collector struct {
	view func(fn func(*summary.Summary))
}

// NewCollector returns a prometheus.Collector whose values are read, at
// each scrape, from the summary that view hands to fn (view takes the
// caller's lock around fn, so that fn sees the summary between two
// updates). fn only reads the summary and does not keep it; the metrics
// are sent once view has returned.
func NewCollector(view func(fn func(*summary.Summary))) prometheus.Collector {
	return &collector{view: view}
}

// Describe sends the descriptions of the counter families.
func (c *collector) Describe(ch chan<- *prometheus.Desc) { points(nil).Describe(ch) }

// Collect sends the current values of the counter families.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	var ps points
	c.view(func(s *summary.Summary) { ps = pointsOf(s) })
	ps.Collect(ch)
}

// pointsOf reads the values of every family from s.
func pointsOf(s *summary.Summary) points {
	var ps points
	for _, f := range []struct {
		fam  *family
		vals []labelled
	}{{famEscalations, escalations(s)}, {famFailed, failedStatuses(s)}, {famResponses, responseClasses(s)}} {
		for _, kv := range f.vals {
			ps = append(ps, point{f.fam, kv.label, kv.value})
		}
	}
	return append(ps,
		point{famNoBody503, "", float64(s.Totals[summary.NoBody503])},
		point{famInputErrors, "", float64(s.Incomplete())},
		point{famLines, "", float64(lines(s))},
	)
}

// addUp returns the points of every list added up by family and label,
// the labels of a family that folds bounded by limit (see bounded): the
// labels of earlier lists keep their place.
func addUp(limit int, lists ...points) points {
	bs := make(map[*family]*bounded)
	for _, ps := range lists {
		for _, p := range ps {
			b := bs[p.fam]
			if b == nil {
				b = newBounded(math.MaxInt)
				if p.fam.folds {
					b = newBounded(limit)
				}
				bs[p.fam] = b
			}
			b.add(p.label, p.value)
		}
	}
	var out points
	for _, f := range families {
		if b := bs[f]; b != nil {
			for _, kv := range b.list() {
				out = append(out, point{f, kv.label, kv.value})
			}
		}
	}
	return out
}

// labelled is one labelled value of a family.
type labelled struct {
	label string
	value float64
}

// bounded adds up values by label, in the order labels first come, with
// at most limit labels besides OtherLabel: the values of every further
// label go to OtherLabel. A label that is not valid UTF-8 has its bad
// bytes replaced.
type bounded struct {
	limit int
	kept  int // labels other than OtherLabel
	order []string
	vals  map[string]float64
}

func newBounded(limit int) *bounded {
	return &bounded{limit: limit, vals: make(map[string]float64)}
}

// add adds v to label's value.
func (b *bounded) add(label string, v float64) {
	label = strings.ToValidUTF8(label, "\uFFFD")
	if _, ok := b.vals[label]; !ok && label != OtherLabel {
		if b.kept >= b.limit {
			label = OtherLabel
		} else {
			b.kept++
		}
	}
	if _, ok := b.vals[label]; !ok {
		b.order = append(b.order, label)
	}
	b.vals[label] += v
}

// list returns the labelled values, in the order labels first came.
func (b *bounded) list() []labelled {
	out := make([]labelled, 0, len(b.order))
	for _, l := range b.order {
		out = append(out, labelled{l, b.vals[l]})
	}
	return out
}

// keyLimit is the number of keys a table of s keeps (see summary.Limits).
func keyLimit(s *summary.Summary) int {
	if s.Limits.Keys > 0 {
		return s.Limits.Keys
	}
	return summary.DefaultKeys
}

// escalations returns the escalations by key, from s.Escalated: its
// "(other)" bucket, and any key past the key limit (a table rebuilt from a
// report may hold more until merged), count as OtherLabel. Personal data
// in a key (an unlisted infra string is free text) is redacted as in the
// report, the stand-ins numbered in the table's order, which a growing
// Summary keeps; an empty key stands as classify.KeyEmpty (an empty label
// value means no label).
func escalations(s *summary.Summary) []labelled {
	b := newBounded(keyLimit(s))
	r := redact.New()
	t := &s.Escalated
	for i := range t.Ents {
		b.add(cmp.Or(r.String(t.Ents[i].Key), classify.KeyEmpty), float64(t.Ents[i].Val.N))
	}
	if t.HasOther {
		b.add(OtherLabel, float64(t.Other.N))
	}
	return b.list()
}

// failedStatuses returns the failed responses by status, as escalations.
func failedStatuses(s *summary.Summary) []labelled {
	b := newBounded(keyLimit(s))
	t := &s.FailedStatus
	for i := range t.Ents {
		b.add(strconv.Itoa(t.Ents[i].Key), float64(t.Ents[i].Val.N))
	}
	if t.HasOther {
		b.add(OtherLabel, float64(t.Other.N))
	}
	return b.list()
}

// responseClasses returns the responses by class of body: the three kinds,
// then ClassNone for the rest, so that the four add up to
// Totals[Responses]. ClassNone is never below zero.
func responseClasses(s *summary.Summary) []labelled {
	out := make([]labelled, 0, classify.NumKinds+1)
	var bodies int64
	for _, k := range []classify.Kind{classify.ServerCode, classify.Infra, classify.Unknown} {
		n := s.Totals[summary.KindTotal(k)]
		bodies += n
		out = append(out, labelled{k.String(), float64(n)})
	}
	return append(out, labelled{ClassNone, float64(max(s.Totals[summary.Responses]-bodies, 0))})
}

// lines returns the lines read over every input of s, folded ones
// included.
func lines(s *summary.Summary) int64 {
	n := s.FoldedInputs.Lines
	for i := range s.Inputs {
		n += s.Inputs[i].Lines
	}
	return n
}

// isClass reports whether v is a class label of synclog_responses_total.
func isClass(v string) bool {
	if v == ClassNone {
		return true
	}
	_, ok := classify.ParseKind(v)
	return ok
}
