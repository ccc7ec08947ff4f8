package summary

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// in returns an input row named by spec: "name" read whole, "name!" not
// read whole, "name?" read whole with a warning. Its counts and
// fingerprint derive from the name.
func in(spec string) Input {
	name := strings.TrimRight(spec, "!?")
	x := Input{Path: name, Format: "plain", Layout: "desktop", Bytes: int64(len(name)) * 100,
		DecodedBytes: int64(len(name)) * 100, Lines: 10, Records: 7, Complete: true,
		Fingerprint: fmt.Sprintf("%016x%048x", len(name)*1000+int(name[0]), 0)}
	switch {
	case strings.HasSuffix(spec, "!"):
		x.Complete, x.Error, x.State, x.UnverifiedEvents, x.UnverifiedEscalations = false, "cut", "TRUNCATED", 3, 1
	case strings.HasSuffix(spec, "?"):
		x.Warnings = []string{"w"}
	}
	return x
}

func paths(ins []Input) []string {
	out := make([]string, 0, len(ins))
	for _, x := range ins {
		out = append(out, x.Path)
	}
	return out
}

// TestAddInputCap checks which rows a Summary keeps: the first ones up to
// Limits.Inputs, then an input not read whole or with warnings takes the
// place of the last row kept that is neither; the rows kept stay in
// input order, and every input is counted.
func TestAddInputCap(t *testing.T) {
	tests := []struct {
		name       string
		add        []string
		keep       []string
		folded     int64
		incomplete int64 // folded
		warned     int64 // folded
	}{
		{"under the cap", []string{"a", "b!"}, []string{"a", "b"}, 0, 0, 0},
		{"clean past the cap", []string{"a", "b", "c", "d", "e"}, []string{"a", "b", "c"}, 2, 0, 0},
		{"damaged evicts the last clean", []string{"a", "b", "c", "d!"}, []string{"a", "b", "d"}, 1, 0, 0},
		{"warned evicts too", []string{"a", "b", "c", "d?"}, []string{"a", "b", "d"}, 1, 0, 0},
		{"evictions keep input order", []string{"a", "x!", "b", "c", "y!", "w?", "z!"}, []string{"x", "y", "w"}, 4, 1, 0},
		{"damaged past damaged rows", []string{"x!", "y!", "z!", "u!", "v?"}, []string{"x", "y", "z"}, 2, 1, 1},
		{"clean after the cap filled with damaged", []string{"x!", "y!", "z!", "a"}, []string{"x", "y", "z"}, 1, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Limits{Inputs: 3})
			var incomplete int64
			for _, spec := range tc.add {
				x := in(spec)
				s.AddInput(x)
				if !x.Complete {
					incomplete++
				}
			}
			if got := paths(s.Inputs); !slices.Equal(got, tc.keep) {
				t.Errorf("rows = %v, want %v", got, tc.keep)
			}
			f := &s.FoldedInputs
			if f.N != tc.folded || f.Incomplete != tc.incomplete || f.Warned != tc.warned {
				t.Errorf("folded = %d (%d incomplete, %d warned), want %d (%d, %d)",
					f.N, f.Incomplete, f.Warned, tc.folded, tc.incomplete, tc.warned)
			}
			if got := s.NumInputs(); got != int64(len(tc.add)) {
				t.Errorf("NumInputs() = %d, want %d", got, len(tc.add))
			}
			if got := s.Incomplete(); got != incomplete {
				t.Errorf("Incomplete() = %d, want %d", got, incomplete)
			}
			if s.Whole() != (incomplete == 0) {
				t.Errorf("Whole() = %v with %d inputs not read whole", s.Whole(), incomplete)
			}
		})
	}
}

// TestFoldedCounts checks that the folded inputs add up what their rows
// held.
func TestFoldedCounts(t *testing.T) {
	s := New(Limits{Inputs: 1})
	all := []Input{in("keep"), in("ab!"), in("cde?"), in("f")}
	all[3].Layout, all[3].LongLines, all[3].Fingerprint = "logcat", 2, ""
	for _, x := range all {
		s.AddInput(x)
	}
	// "ab!" takes keep's place; the rest are folded.
	if got := paths(s.Inputs); !slices.Equal(got, []string{"ab"}) {
		t.Fatalf("rows = %v, want [ab]", got)
	}
	want := FoldedInputs{N: 3, Bytes: 800, DecodedBytes: 800, Lines: 30, Records: 21, LongLines: 2, Warned: 1,
		Layouts: []string{"desktop", "logcat"}, Printed: 2}
	if diff := cmp.Diff(want, s.FoldedInputs, cmpopts.IgnoreUnexported(FoldedInputs{})); diff != "" {
		t.Errorf("folded (-want +got):\n%s", diff)
	}
	wantPrints := []uint64{PrintOf(all[0].Fingerprint), PrintOf(all[2].Fingerprint)}
	slices.Sort(wantPrints)
	if got := s.FoldedInputs.SortedPrints(); !slices.Equal(got, wantPrints) {
		t.Errorf("prints = %x, want %x", got, wantPrints)
	}
}

// TestPrintOf checks that a fingerprint's print is its first 16 hex
// digits, and that a fingerprint that has none still gets one.
func TestPrintOf(t *testing.T) {
	if got := PrintOf("0123456789abcdef" + strings.Repeat("0", 48)); got != 0x0123456789abcdef {
		t.Errorf("PrintOf(hex) = %x, want 123456789abcdef", got)
	}
	if PrintOf("01") == PrintOf("02") {
		t.Errorf("PrintOf(%q) = PrintOf(%q)", "01", "02")
	}
}

// TestMergeInputs checks that summaries of consecutive runs of inputs,
// merged in order, keep the rows and fold the counts that one summary fed
// every input does, wherever the runs are cut, parts past the cap
// included.
func TestMergeInputs(t *testing.T) {
	specs := strings.Fields("a b! c d? e f! g h i! j k? l m n! o")
	l := Limits{Inputs: 4}
	one := New(l)
	for _, spec := range specs {
		one.AddInput(in(spec))
	}
	opts := cmp.Options{cmpopts.IgnoreUnexported(FoldedInputs{}), cmpopts.EquateEmpty()}
	for cut1 := 0; cut1 <= len(specs); cut1++ {
		for cut2 := cut1; cut2 <= len(specs); cut2++ {
			merged := New(l)
			for _, part := range [][]string{specs[:cut1], specs[cut1:cut2], specs[cut2:]} {
				s := New(l)
				for _, spec := range part {
					s.AddInput(in(spec))
				}
				merged.Merge(s)
			}
			if diff := cmp.Diff(one.Inputs, merged.Inputs, opts); diff != "" {
				t.Fatalf("cuts %d,%d: rows differ (-one +merged):\n%s", cut1, cut2, diff)
			}
			if diff := cmp.Diff(one.FoldedInputs, merged.FoldedInputs, opts); diff != "" {
				t.Fatalf("cuts %d,%d: folded differ (-one +merged):\n%s", cut1, cut2, diff)
			}
			if !slices.Equal(one.FoldedInputs.SortedPrints(), merged.FoldedInputs.SortedPrints()) {
				t.Fatalf("cuts %d,%d: folded prints differ", cut1, cut2)
			}
		}
	}
}

// TestMergeInputsSharesNothing checks that a warning added to a row
// merged in does not reach the summary it came from.
func TestMergeInputsSharesNothing(t *testing.T) {
	o := New(Limits{})
	x := in("a?")
	x.Warnings = make([]string, 1, 4)
	x.Warnings[0] = "w"
	o.AddInput(x)
	s := New(Limits{})
	s.Merge(o)
	s.Inputs[0].Warnings = append(s.Inputs[0].Warnings, "added")
	if got := o.Inputs[0].Warnings[:cap(o.Inputs[0].Warnings)][1]; got != "" {
		t.Errorf("the merged-from row's warnings hold %q", got)
	}
}

// TestFoldedPrintsBounded checks that a Summary lists the smallest
// MaxFoldedPrints prints of its folded inputs, whatever the order they
// were folded in, and counts the others.
func TestFoldedPrintsBounded(t *testing.T) {
	n := 2*MaxFoldedPrints + 123
	var fwd, back, half1, half2 FoldedInputs
	for i := range n {
		p := uint64(i) * 0x9e3779b97f4a7c15 // distinct, in no order
		fwd.AddPrint(p)
		if i < n/2 {
			half1.AddPrint(p)
		} else {
			half2.AddPrint(p)
		}
	}
	for i := n - 1; i >= 0; i-- {
		back.AddPrint(uint64(i) * 0x9e3779b97f4a7c15)
	}
	half1.Merge(&half2)
	want := fwd.SortedPrints()
	if len(want) != MaxFoldedPrints || !slices.IsSorted(want) {
		t.Fatalf("SortedPrints() holds %d prints (sorted: %v), want %d sorted", len(want), slices.IsSorted(want), MaxFoldedPrints)
	}
	for name, f := range map[string]*FoldedInputs{"fwd": &fwd, "backwards": &back, "merged halves": &half1} {
		if f.Printed != int64(n) {
			t.Errorf("%s: Printed = %d, want %d", name, f.Printed, n)
		}
		if !slices.Equal(f.SortedPrints(), want) {
			t.Errorf("%s: SortedPrints() differs from fwd's", name)
		}
	}
}
