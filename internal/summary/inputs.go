package summary

import (
	"hash/fnv"
	"slices"
	"strconv"
)

// MaxFoldedPrints is how many prints of folded inputs' fingerprints a
// Summary lists (see FoldedInputs.Prints): 800 KB in memory, about 2 MB of
// JSON.
const MaxFoldedPrints = 100_000

// FoldedInputs adds up the inputs that a Summary counts but keeps no row
// for, because it already holds Limits.Inputs rows (see AddInput).
type FoldedInputs struct {
	N int64 // inputs folded
	// Bytes, DecodedBytes, Lines, Records and LongLines add up the
	// folded inputs' fields of the same names.
	Bytes, DecodedBytes, Lines, Records, LongLines int64
	Incomplete                                     int64 // of them, not read whole
	Warned                                         int64 // of them, read whole but with warnings
	// UnverifiedEvents and UnverifiedEscalations add up the folded
	// inputs' fields of the same names.
	UnverifiedEvents, UnverifiedEscalations int64
	// Layouts are the layouts found in the folded inputs, sorted, without
	// "" (none recognised).
	Layouts []string
	// Printed counts the folded inputs that have a fingerprint; prints
	// holds the PrintOf of the smallest MaxFoldedPrints of those (and
	// possibly more, until SortedPrints), so that which are listed does
	// not depend on the order inputs were folded in.
	Printed int64
	prints  []uint64
}

// PrintOf returns the print of fingerprint fp, for telling inputs apart
// in little memory: its first 16 hex digits as a number (64 bits of the
// SHA-256 of state.Fingerprint), or a 64-bit hash of fp when it does not
// start with 16 hex digits.
func PrintOf(fp string) uint64 {
	if len(fp) >= 16 {
		if p, err := strconv.ParseUint(fp[:16], 16, 64); err == nil {
			return p
		}
	}
	h := fnv.New64a()
	h.Write([]byte(fp))
	return h.Sum64()
}

// AddPrint records that a folded input had the fingerprint print p.
func (f *FoldedInputs) AddPrint(p uint64) {
	f.Printed++
	f.prints = append(f.prints, p)
	if len(f.prints) >= 2*MaxFoldedPrints {
		f.prints = smallest(f.prints)
	}
}

// SortedPrints returns the prints of the folded inputs listed: the
// smallest MaxFoldedPrints, sorted, in a slice of their own. The other
// Printed-len(result) are not kept.
func (f *FoldedInputs) SortedPrints() []uint64 {
	return smallest(slices.Clone(f.prints))
}

// smallest sorts ps and cuts it to MaxFoldedPrints.
func smallest(ps []uint64) []uint64 {
	slices.Sort(ps)
	if len(ps) > MaxFoldedPrints {
		clear(ps[MaxFoldedPrints:])
		ps = ps[:MaxFoldedPrints]
	}
	return ps
}

// AddLayout records that a folded input had layout l ("" is not recorded).
func (f *FoldedInputs) AddLayout(l string) {
	if i, found := slices.BinarySearch(f.Layouts, l); !found && l != "" {
		f.Layouts = slices.Insert(f.Layouts, i, l)
	}
}

// add folds the input in.
func (f *FoldedInputs) add(in *Input) {
	f.N++
	f.Bytes += in.Bytes
	f.DecodedBytes += in.DecodedBytes
	f.Lines += in.Lines
	f.Records += in.Records
	f.LongLines += in.LongLines
	switch {
	case !in.Complete:
		f.Incomplete++
	case len(in.Warnings) > 0:
		f.Warned++
	}
	f.UnverifiedEvents += in.UnverifiedEvents
	f.UnverifiedEscalations += in.UnverifiedEscalations
	f.AddLayout(in.Layout)
	if in.Fingerprint != "" {
		f.AddPrint(PrintOf(in.Fingerprint))
	}
}

// Merge adds o into f. f shares no memory with o afterwards.
func (f *FoldedInputs) Merge(o *FoldedInputs) {
	f.N += o.N
	f.Bytes += o.Bytes
	f.DecodedBytes += o.DecodedBytes
	f.Lines += o.Lines
	f.Records += o.Records
	f.LongLines += o.LongLines
	f.Incomplete += o.Incomplete
	f.Warned += o.Warned
	f.UnverifiedEvents += o.UnverifiedEvents
	f.UnverifiedEscalations += o.UnverifiedEscalations
	for _, l := range o.Layouts {
		f.AddLayout(l)
	}
	for _, p := range o.prints {
		f.AddPrint(p)
	}
	// o's prints beyond those it kept are not among the smallest of
	// the two, but they are counted.
	f.Printed += o.Printed - int64(len(o.prints))
}

// notable reports whether in's row is kept first: it was not read whole,
// or has warnings.
func notable(in *Input) bool { return !in.Complete || len(in.Warnings) > 0 }

// AddInput records the statistics of one input file. Call it once per
// input, in input order. s keeps at most Limits.Inputs rows: the first
// ones, until it holds that many; then an input not read whole or with
// warnings takes the place of the last row kept that is neither (that row
// is folded), so that such inputs are listed first, up to the limit. The
// rows kept stay in input order; every other input is folded into
// FoldedInputs, where it is still counted (Incomplete, Whole).
func (s *Summary) AddInput(in Input) {
	if len(s.Inputs) < s.Limits.Inputs {
		s.Inputs = append(s.Inputs, in)
		return
	}
	if notable(&in) && !s.allNotable {
		// Rows only ever gain warnings, so once every row kept is
		// notable, it stays so.
		if i := lastClean(s.Inputs); i >= 0 {
			s.FoldedInputs.add(&s.Inputs[i])
			s.Inputs = append(slices.Delete(s.Inputs, i, i+1), in)
			return
		}
		s.allNotable = true
	}
	s.FoldedInputs.add(&in)
}

// lastClean returns the index of the last row of ins that is not notable,
// or -1.
func lastClean(ins []Input) int {
	for i := len(ins) - 1; i >= 0; i-- {
		if !notable(&ins[i]) {
			return i
		}
	}
	return -1
}

// mergeInputs adds o's inputs after s's own. The rows s keeps are those
// one Summary fed every input in order keeps, because that choice depends
// only on the order of the notable inputs among themselves and of the
// others among themselves: the first Limits.Inputs notable ones, then the
// first of the others. o's folded inputs would be folded there too, as
// long as o's Limits.Inputs is at least s's.
func (s *Summary) mergeInputs(o *Summary) {
	for _, in := range o.Inputs {
		in.Warnings = slices.Clip(in.Warnings) // a warning added to s's row goes to a copy
		s.AddInput(in)
	}
	s.FoldedInputs.Merge(&o.FoldedInputs)
}

// NumInputs returns how many inputs s counts: its rows and the inputs
// folded.
func (s *Summary) NumInputs() int64 { return int64(len(s.Inputs)) + s.FoldedInputs.N }
