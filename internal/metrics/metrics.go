// Package metrics exposes a summary.Summary as Prometheus metrics: served
// over HTTP for a scrape, or written as a textfile for node_exporter. Every
// value is read from the Summary, so the metrics and the report never
// disagree.
package metrics

import (
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"synclog/internal/classify"
	"synclog/internal/summary"
)

// OtherLabel is the label value of the events whose key or status is
// beyond the Summary's Limits.Keys, as the report's "(other)" rows.
const OtherLabel = "(other)"

// ClassNone is the class label of the responses with no classified body
// (no body in the log, or a 2xx/3xx body that is data).
const ClassNone = "none"

// The families, named by issue 17. All are counters: a Summary only grows.
var (
	descEscalations = prometheus.NewDesc("synclog_escalations_total",
		"Responses to escalate to Services Operations (an infra string in an HTTP 503), by infra key; keys beyond the report's key limit are counted as \"(other)\".",
		[]string{"key"}, nil)
	descFailed = prometheus.NewDesc("synclog_failed_responses_total",
		"HTTP responses with status 400 or more, by status; statuses beyond the report's key limit are counted as \"(other)\".",
		[]string{"status"}, nil)
	descResponses = prometheus.NewDesc("synclog_responses_total",
		"HTTP responses by class of body: server_code, infra, unknown, or none when no body was classified.",
		[]string{"class"}, nil)
	descNoBody503 = prometheus.NewDesc("synclog_no_body_503_total",
		"HTTP 503 responses with no body in the log.", nil, nil)
	descInputErrors = prometheus.NewDesc("synclog_input_errors_total",
		"Inputs that could not be read whole (truncated, corrupt, unreadable, not a Sync log).", nil, nil)
	descLines = prometheus.NewDesc("synclog_lines_total",
		"Lines read over all inputs.", nil, nil)
)

// point is one sample of a family: its value and its label value, if the
// family has a label.
type point struct {
	desc  *prometheus.Desc
	label string
	value float64
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

// Describe sends the descriptions of the six families.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descEscalations, descFailed, descResponses, descNoBody503, descInputErrors, descLines} {
		ch <- d
	}
}

// Collect sends the current values of the six families.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	var ps []point
	c.view(func(s *summary.Summary) { ps = points(s) })
	for _, p := range ps {
		ch <- constMetric(p.desc, prometheus.CounterValue, p.value, p.label)
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

// points reads the values of every family from s.
func points(s *summary.Summary) []point {
	var ps []point
	for _, kv := range escalations(s) {
		ps = append(ps, point{descEscalations, kv.label, kv.value})
	}
	for _, kv := range failedStatuses(s) {
		ps = append(ps, point{descFailed, kv.label, kv.value})
	}
	for _, kv := range responseClasses(s) {
		ps = append(ps, point{descResponses, kv.label, kv.value})
	}
	return append(ps,
		point{descNoBody503, "", float64(s.Totals[summary.NoBody503])},
		point{descInputErrors, "", float64(s.Incomplete())},
		point{descLines, "", float64(lines(s))},
	)
}

// labelled is one labelled value of a family.
type labelled struct {
	label string
	value float64
}

// bounded adds up values by label, in the order labels first come, with
// at most limit labels besides OtherLabel: the values of every further
// label go to OtherLabel. A label that is not valid UTF-8 has its bad
// bytes replaced; an empty one stands as classify.KeyEmpty (an empty
// label value would mean no label at all).
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
	if label == "" {
		label = classify.KeyEmpty
	}
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
// report may hold more until merged), count as OtherLabel.
func escalations(s *summary.Summary) []labelled {
	b := newBounded(keyLimit(s))
	t := &s.Escalated
	for i := range t.Ents {
		b.add(t.Ents[i].Key, float64(t.Ents[i].Val.N))
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
