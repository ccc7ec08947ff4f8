package summary

import (
	"slices"
	"testing"
)

func TestFiltersEqual(t *testing.T) {
	base := Filters{Hosts: []string{"h"}, Keys: []string{"14"}, Statuses: []int{503}}
	tests := []struct {
		name string
		o    Filters
		want bool
	}{
		{"same", Filters{Hosts: []string{"h"}, Keys: []string{"14"}, Statuses: []int{503}}, true},
		{"fail-on narrows nothing", Filters{Hosts: []string{"h"}, Keys: []string{"14"}, Statuses: []int{503}, FailOn: "never"}, true},
		{"hosts differ", Filters{Keys: []string{"14"}, Statuses: []int{503}}, false},
		{"keys differ", Filters{Hosts: []string{"h"}, Keys: []string{"15"}, Statuses: []int{503}}, false},
		{"statuses differ", Filters{Hosts: []string{"h"}, Keys: []string{"14"}, Statuses: []int{500}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := base.Equal(&tc.o); got != tc.want {
				t.Errorf("Equal = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMergeFiltersNarrow(t *testing.T) {
	a, b, c := New(Limits{}), New(Limits{}), New(Limits{})
	a.Events, b.Events, c.Events = 1, 1, 1 // not empty: empty parts take the next one's filters
	a.Filters = Filters{Hosts: []string{"h"}, Keys: []string{"14"}, Statuses: []int{503}}
	b.Filters = Filters{Hosts: []string{"h"}, Keys: []string{"14"}, Statuses: []int{503}}
	c.Filters = Filters{Statuses: []int{500}}
	s := New(Limits{})
	s.Merge(a)
	a.Filters.Hosts[0] = "changed"
	if !slices.Equal(s.Filters.Hosts, []string{"h"}) || !slices.Equal(s.Filters.Keys, []string{"14"}) || !slices.Equal(s.Filters.Statuses, []int{503}) {
		t.Fatalf("first merge: filters = %+v, want a's, not shared", s.Filters)
	}
	s.Merge(b)
	if s.Filters.Mixed {
		t.Errorf("same filters marked mixed")
	}
	s.Merge(c)
	if !s.Filters.Mixed {
		t.Errorf("other statuses not marked mixed")
	}
}

// TestMergeShards checks that shard reports of one N add up, that all N
// make a whole, and that shards of another N, or none, are mixed.
func TestMergeShards(t *testing.T) {
	part := func(k, n int) *Summary {
		s := New(Limits{})
		s.Events = 1 // not empty
		if n > 0 {
			s.Filters.Shard = Shards{N: n, Ks: []int{k}}
		}
		return s
	}
	tests := []struct {
		name    string
		parts   []*Summary
		want    string
		whole   bool
		missing []int
		mixed   bool
	}{
		{"one", []*Summary{part(2, 3)}, "2/3", false, []int{1, 3}, false},
		{"two, out of order", []*Summary{part(3, 3), part(1, 3)}, "1,3/3", false, []int{2}, false},
		{"all", []*Summary{part(2, 3), part(3, 3), part(1, 3)}, "", true, nil, false},
		{"the same twice", []*Summary{part(2, 3), part(2, 3)}, "2/3", false, []int{1, 3}, false},
		{"other N", []*Summary{part(1, 3), part(2, 2)}, "1/3", false, []int{2, 3}, true},
		{"unsharded", []*Summary{part(1, 3), part(0, 0)}, "1/3", false, []int{2, 3}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Limits{})
			for _, p := range tc.parts {
				s.Merge(p)
			}
			sh := &s.Filters.Shard
			if got := sh.String(); got != tc.want || sh.Whole() != tc.whole || !slices.Equal(sh.Missing(), tc.missing) || s.Filters.Mixed != tc.mixed {
				t.Errorf("merged: %q whole %v missing %v mixed %v; want %q %v %v %v",
					got, sh.Whole(), sh.Missing(), s.Filters.Mixed, tc.want, tc.whole, tc.missing, tc.mixed)
			}
			if len(tc.parts[0].Filters.Shard.Ks) > 0 && &tc.parts[0].Filters.Shard.Ks[0] == &sh.Ks[0] {
				t.Errorf("merged shards share memory with the first part's")
			}
		})
	}
}
