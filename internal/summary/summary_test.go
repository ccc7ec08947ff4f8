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
