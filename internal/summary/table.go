package summary

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

// Entry is one kept key of a capped table.
type Entry[K cmp.Ordered, V any] struct {
	Key   K
	First int64 // sequence number of the first event seen for key
	Val   V
}

// Table is a map that keeps at most a given number of distinct keys: the
// keys whose first event came earliest. Events for any further key are
// aggregated in other. Merging tables in input order keeps the same keys as
// one table fed every event in order (see Summary.Merge for the counts).
//
// ents is sorted by first; idx maps a key to its index in ents.
type Table[K cmp.Ordered, V any, P merger[V]] struct {
	idx      map[K]int
	Ents     []Entry[K, V]
	Other    V
	HasOther bool
}

// slot returns the value of k, adding k (first seen at seq) if the table
// holds fewer than limit keys, or the other bucket if it is full.
// The pointer is valid until the next call that changes t.
func (t *Table[K, V, P]) slot(k K, seq int64, limit int) *V {
	if i, ok := t.idx[k]; ok {
		return &t.Ents[i].Val
	}
	if len(t.Ents) >= limit {
		t.HasOther = true
		return &t.Other
	}
	if t.idx == nil {
		t.idx = make(map[K]int)
	}
	t.idx[k] = len(t.Ents)
	t.Ents = append(t.Ents, Entry[K, V]{Key: k, First: seq})
	return &t.Ents[len(t.Ents)-1].Val
}

// slotBytes is slot for a string-keyed table and a []byte key: a key
// already present, or a full table, costs no allocation (the compiler does
// not copy b for a map lookup m[string(b)]).
func slotBytes[V any, P merger[V]](t *Table[string, V, P], b []byte, seq int64, limit int) *V {
	if i, ok := t.idx[string(b)]; ok {
		return &t.Ents[i].Val
	}
	if len(t.Ents) >= limit {
		t.HasOther = true
		return &t.Other
	}
	return t.slot(string(b), seq, limit)
}

// merge adds o into t (o's sequence numbers shifted by off) and then keeps
// the limit earliest keys, folding the rest into other. o is not changed and
// shares no memory with t afterwards.
func (t *Table[K, V, P]) merge(o *Table[K, V, P], off int64, l *Limits, limit int) {
	for i := range o.Ents {
		e := &o.Ents[i]
		if j, ok := t.idx[e.Key]; ok {
			P(&t.Ents[j].Val).merge(&e.Val, off, l)
			t.Ents[j].First = min(t.Ents[j].First, e.First+off)
			continue
		}
		if t.idx == nil {
			t.idx = make(map[K]int)
		}
		t.idx[e.Key] = len(t.Ents)
		t.Ents = append(t.Ents, Entry[K, V]{Key: e.Key, First: e.First + off})
		P(&t.Ents[len(t.Ents)-1].Val).merge(&e.Val, off, l)
	}
	if o.HasOther {
		P(&t.Other).merge(&o.Other, off, l)
		t.HasOther = true
	}
	t.fold(l, limit)
}

// fold restores the invariants after a merge: ents sorted by first, at most
// limit entries, the rest merged into other.
func (t *Table[K, V, P]) fold(l *Limits, limit int) {
	sorted := slices.IsSortedFunc(t.Ents, func(a, b Entry[K, V]) int { return cmp.Compare(a.First, b.First) })
	if sorted && len(t.Ents) <= limit {
		return
	}
	if !sorted {
		// first values are distinct (one event adds one key per table),
		// so this order is total; ties fall back to the key.
		slices.SortFunc(t.Ents, func(a, b Entry[K, V]) int {
			return cmp.Or(cmp.Compare(a.First, b.First), cmp.Compare(a.Key, b.Key))
		})
	}
	if len(t.Ents) > limit {
		for i := limit; i < len(t.Ents); i++ {
			P(&t.Other).merge(&t.Ents[i].Val, 0, l)
			t.HasOther = true
		}
		clear(t.Ents[limit:])
		t.Ents = t.Ents[:limit]
	}
	clear(t.idx)
	for i := range t.Ents {
		t.idx[t.Ents[i].Key] = i
	}
}

// Put adds key k, first seen at event first, with value v, to t as it is
// rebuilt from a report; a key put twice is merged into one. Unlike the
// tables Add fills, t may hold more than Limits.Keys keys, in any order,
// until it is merged into a Summary (Summary.Merge folds and sorts).
func (t *Table[K, V, P]) Put(k K, first int64, v *V, l *Limits) {
	if i, ok := t.idx[k]; ok {
		P(&t.Ents[i].Val).merge(v, 0, l)
		t.Ents[i].First = min(t.Ents[i].First, first)
		return
	}
	if t.idx == nil {
		t.idx = make(map[K]int)
	}
	t.idx[k] = len(t.Ents)
	t.Ents = append(t.Ents, Entry[K, V]{Key: k, First: first, Val: *v})
}

// PutOther adds v to t's "(other)" bucket, as Put adds a key.
func (t *Table[K, V, P]) PutOther(v *V, l *Limits) {
	P(&t.Other).merge(v, 0, l)
	t.HasOther = true
}

// Count is a plain counter, the value of a capped table of counts.
type Count struct{ N int64 }

func (c *Count) merge(src *Count, _ int64, _ *Limits) { c.N += src.N }

// Counts is a capped table of counters.
type Counts[K cmp.Ordered] = Table[K, Count, *Count]

// inc adds one to c.
func (c *Count) inc() { c.N++ }
