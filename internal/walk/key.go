package walk

import (
	"cmp"
	"strconv"
	"strings"
)

// kind is a file's rank inside its set; lower sorts first.
type kind int

const (
	kindWeave    kind = iota // error-sync-<ms>.txt, success-sync-<ms>.txt
	kindNumbered             // NAME.<n>[.gz|.zst|.bz2]
	kindDated                // NAME-<YYYYMMDD>[.gz|.zst|.bz2]
	kindPlain                // the live NAME, and every other file
)

// sortKey orders the files of one folder so that logs come oldest first.
type sortKey struct {
	set  string // "" for weave logs, NAME for rotations of NAME, else the name itself
	kind kind
	n    uint64 // epoch ms (weave), rotation number (numbered), YYYYMMDD (dated)
	name string // the file's base name, the last tie-break
}

// keyOf returns the sort key of the file with base name name.
func keyOf(name string) sortKey {
	bare := trimCompression(name)
	for _, prefix := range [...]string{"error-sync-", "success-sync-"} {
		if ms, ok := strings.CutPrefix(bare, prefix); ok {
			if ms, ok := strings.CutSuffix(ms, ".txt"); ok {
				if n, ok := number(ms, 0); ok {
					return sortKey{set: "", kind: kindWeave, n: n, name: name}
				}
			}
		}
	}
	if i := strings.LastIndexByte(bare, '.'); i > 0 {
		if n, ok := number(bare[i+1:], 0); ok {
			return sortKey{set: bare[:i], kind: kindNumbered, n: n, name: name}
		}
	}
	if i := strings.LastIndexByte(bare, '-'); i > 0 {
		if n, ok := number(bare[i+1:], 8); ok {
			return sortKey{set: bare[:i], kind: kindDated, n: n, name: name}
		}
	}
	return sortKey{set: name, kind: kindPlain, name: name}
}

// compare returns -1, 0 or +1 as a sorts before, with or after b.
// Numbered rotations sort by descending number (the highest is the oldest).
func (a sortKey) compare(b sortKey) int {
	if c := naturalCompare(a.set, b.set); c != 0 {
		return c
	}
	if c := cmp.Compare(a.kind, b.kind); c != 0 {
		return c
	}
	if c := cmp.Compare(a.n, b.n); c != 0 {
		if a.kind == kindNumbered {
			return -c
		}
		return c
	}
	return naturalCompare(a.name, b.name)
}

// naturalCompare compares a and b in natural order: runs of ASCII digits
// compare by value (sync-2 before sync-19), everything else byte by byte.
// Runs of equal value with more leading zeros sort later, and names equal
// in natural order compare lexically, so the order is total.
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if !isDigit(a[i]) || !isDigit(b[j]) {
			if a[i] != b[j] {
				return cmp.Compare(a[i], b[j])
			}
			i, j = i+1, j+1
			continue
		}
		ei, ej := digitsEnd(a, i), digitsEnd(b, j)
		da := strings.TrimLeft(a[i:ei], "0")
		db := strings.TrimLeft(b[j:ej], "0")
		if c := cmp.Or(cmp.Compare(len(da), len(db)), strings.Compare(da, db), cmp.Compare(ei-i, ej-j)); c != 0 {
			return c
		}
		i, j = ei, ej
	}
	return cmp.Or(cmp.Compare(len(a)-i, len(b)-j), strings.Compare(a, b))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digitsEnd returns the index just past the run of digits of s at i.
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// trimCompression strips one trailing .gz, .zst or .bz2 from name.
func trimCompression(name string) string {
	for _, ext := range [...]string{".gz", ".zst", ".bz2"} {
		if bare, ok := strings.CutSuffix(name, ext); ok && bare != "" {
			return bare
		}
	}
	return name
}

// number parses s as a decimal number made of ASCII digits only; if width
// is not 0, s must have exactly width digits.
func number(s string, width int) (uint64, bool) {
	if s == "" || (width != 0 && len(s) != width) {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
