package report

import (
	"cmp"
	"slices"
)

// merger is the constraint on the values held by a capped table: *V can
// merge another V into itself. off is added to every sequence number held by
// src (see Summary.seq); merging into a zero V makes a deep copy.
type merger[V any] interface {
	*V
	merge(src *V, off int64, l *Limits)
}

// entry is one kept key of a capped table.
type entry[K cmp.Ordered, V any] struct {
	key   K
	first int64 // sequence number of the first event seen for key
	val   V
}

// capped is a map that keeps at most a given number of distinct keys: the
// keys whose first event came earliest. Events for any further key are
// aggregated in other. Merging tables in input order keeps the same keys as
// one table fed every event in order (see Summary.Merge for the counts).
//
// ents is sorted by first; idx maps a key to its index in ents.
type capped[K cmp.Ordered, V any, P merger[V]] struct {
	idx      map[K]int
	ents     []entry[K, V]
	other    V
	hasOther bool
}

// slot returns the value of k, adding k (first seen at seq) if the table
// holds fewer than limit keys, or the other bucket if it is full.
// The pointer is valid until the next call that changes t.
func (t *capped[K, V, P]) slot(k K, seq int64, limit int) *V {
	if i, ok := t.idx[k]; ok {
		return &t.ents[i].val
	}
	if len(t.ents) >= limit {
		t.hasOther = true
		return &t.other
	}
	if t.idx == nil {
		t.idx = make(map[K]int)
	}
	t.idx[k] = len(t.ents)
	t.ents = append(t.ents, entry[K, V]{key: k, first: seq})
	return &t.ents[len(t.ents)-1].val
}

// slotBytes is slot for a string-keyed table and a []byte key: a key
// already present, or a full table, costs no allocation (the compiler does
// not copy b for a map lookup m[string(b)]).
func slotBytes[V any, P merger[V]](t *capped[string, V, P], b []byte, seq int64, limit int) *V {
	if i, ok := t.idx[string(b)]; ok {
		return &t.ents[i].val
	}
	if len(t.ents) >= limit {
		t.hasOther = true
		return &t.other
	}
	return t.slot(string(b), seq, limit)
}

// merge adds o into t (o's sequence numbers shifted by off) and then keeps
// the limit earliest keys, folding the rest into other. o is not changed and
// shares no memory with t afterwards.
func (t *capped[K, V, P]) merge(o *capped[K, V, P], off int64, l *Limits, limit int) {
	for i := range o.ents {
		e := &o.ents[i]
		if j, ok := t.idx[e.key]; ok {
			P(&t.ents[j].val).merge(&e.val, off, l)
			t.ents[j].first = min(t.ents[j].first, e.first+off)
			continue
		}
		if t.idx == nil {
			t.idx = make(map[K]int)
		}
		t.idx[e.key] = len(t.ents)
		t.ents = append(t.ents, entry[K, V]{key: e.key, first: e.first + off})
		P(&t.ents[len(t.ents)-1].val).merge(&e.val, off, l)
	}
	if o.hasOther {
		P(&t.other).merge(&o.other, off, l)
		t.hasOther = true
	}
	t.fold(l, limit)
}

// fold restores the invariants after a merge: ents sorted by first, at most
// limit entries, the rest merged into other.
func (t *capped[K, V, P]) fold(l *Limits, limit int) {
	sorted := slices.IsSortedFunc(t.ents, func(a, b entry[K, V]) int { return cmp.Compare(a.first, b.first) })
	if sorted && len(t.ents) <= limit {
		return
	}
	if !sorted {
		// first values are distinct (one event adds one key per table),
		// so this order is total; ties fall back to the key.
		slices.SortFunc(t.ents, func(a, b entry[K, V]) int {
			return cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.key, b.key))
		})
	}
	if len(t.ents) > limit {
		for i := limit; i < len(t.ents); i++ {
			P(&t.other).merge(&t.ents[i].val, 0, l)
			t.hasOther = true
		}
		clear(t.ents[limit:])
		t.ents = t.ents[:limit]
	}
	clear(t.idx)
	for i := range t.ents {
		t.idx[t.ents[i].key] = i
	}
}

// count is a plain counter, the value of a capped table of counts.
type count struct{ n int64 }

func (c *count) merge(src *count, _ int64, _ *Limits) { c.n += src.n }

// counts is a capped table of counters.
type counts[K cmp.Ordered] = capped[K, count, *count]

// inc adds one to c.
func (c *count) inc() { c.n++ }
