package classify

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// codesJSON is the built-in response-code table.
//
//go:embed codes.json
var codesJSON []byte

// defaultEntries parses codesJSON once. It is a read-only view of the
// embedded table; DefaultEntries hands out copies.
var defaultEntries = sync.OnceValues(func() ([]Entry, error) {
	return LoadEntries(bytes.NewReader(codesJSON))
})

// Entry is one row of a response-code table, as read from JSON.
type Entry struct {
	// Key is the canonical value ("14", "server issue: pool exhausted"). It
	// is matched itself, case-insensitively, after the same normalisation
	// as a body (so "\"14\"" and "14" are the same key). Must not be empty.
	Key string `json:"key"`
	// Class is "server_code", "infra" or "unknown" (the Kind names).
	Class string `json:"class"`
	// Description is a human description of Key; may be empty.
	Description string `json:"description"`
	// Match lists further exact aliases of Key, matched case-insensitively
	// after normalisation (e.g. the Android client's descriptions).
	Match []string `json:"match,omitempty"`
	// Prefix lists case-insensitive prefixes of the normalised body that
	// classify as Key (e.g. "application error: crash id").
	Prefix []string `json:"prefix,omitempty"`
}

// table is the JSON document holding entries.
type table struct {
	Entries *[]Entry `json:"entries"`
}

// DefaultEntries returns a copy of the built-in table (codes.json, embedded
// in the binary). The caller may modify the result.
func DefaultEntries() []Entry {
	es, err := defaultEntries()
	if err != nil {
		// codes.json is compiled in and checked by the tests.
		panic("classify: invalid embedded codes.json: " + err.Error())
	}
	out := make([]Entry, len(es))
	for i, e := range es {
		e.Match = slices.Clone(e.Match)
		e.Prefix = slices.Clone(e.Prefix)
		out[i] = e
	}
	return out
}

// LoadEntries reads a table in the codes.json format,
// {"entries":[{"key":..., "class":..., "description":..., "match":[...],
// "prefix":[...]}, ...]}, from r and validates every entry. Unknown fields
// are an error, to catch typos. Errors start with "classify: " and name the
// offending entry by its index in "entries". LoadEntries does not close r.
func LoadEntries(r io.Reader) ([]Entry, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var t table
	if err := dec.Decode(&t); err != nil {
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			return nil, fmt.Errorf("classify: decode codes table: at byte %d: %w", se.Offset, err)
		}
		if errors.Is(err, io.EOF) {
			return nil, errors.New("classify: decode codes table: empty input")
		}
		return nil, fmt.Errorf("classify: decode codes table: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("classify: decode codes table: unexpected data after the top-level object")
	}
	if t.Entries == nil {
		return nil, errors.New(`classify: decode codes table: missing "entries" array`)
	}
	for i, e := range *t.Entries {
		if _, err := compileEntry(e); err != nil {
			return nil, entryError(-1, i, e.Key, err)
		}
	}
	return *t.Entries, nil
}

// compiledEntry is an Entry in lookup form.
type compiledEntry struct {
	kind    Kind
	key     string   // lookup form of Entry.Key
	aliases []string // lookup forms of Entry.Match
	prefix  []string // lower-cased Entry.Prefix
}

// kindOf returns the Kind named s.
func kindOf(s string) (Kind, bool) {
	for _, k := range []Kind{ServerCode, Infra, Unknown} {
		if s == k.String() {
			return k, true
		}
	}
	return Unknown, false
}

// compileEntry validates e and returns its lookup forms.
func compileEntry(e Entry) (compiledEntry, error) {
	var ce compiledEntry
	kind, ok := kindOf(e.Class)
	if !ok {
		return ce, fmt.Errorf(`class %q is not one of "server_code", "infra", "unknown"`, e.Class)
	}
	ce.kind = kind
	key, err := exactForm("key", e.Key)
	if err != nil {
		return ce, err
	}
	ce.key = key
	for _, m := range e.Match {
		f, err := exactForm("match", m)
		if err != nil {
			return ce, err
		}
		ce.aliases = append(ce.aliases, f)
	}
	for _, p := range e.Prefix {
		switch {
		case p == "":
			return ce, errors.New("prefix is empty")
		case isSpace(p[0]):
			return ce, fmt.Errorf("prefix %q starts with whitespace and can never match", p)
		case len(p) > MaxKeyBytes:
			return ce, fmt.Errorf("prefix %.20q... is longer than %d bytes", p, MaxKeyBytes)
		}
		ce.prefix = append(ce.prefix, asciiLower(p))
	}
	return ce, nil
}

// exactForm returns the lookup form of a key or alias s, or an error saying
// why s can never match.
func exactForm(what, s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("%s is empty", what)
	}
	f, ok := lookupForm(s)
	if !ok {
		return "", fmt.Errorf("%s %.20q... is longer than %d bytes", what, s, MaxKeyBytes)
	}
	if f == "" {
		return "", fmt.Errorf("%s %q is empty after normalisation", what, s)
	}
	return f, nil
}

// asciiLower returns s with ASCII letters lower-cased, as Classify folds
// bodies (other bytes are compared as they are).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerASCII(c)
	}
	return string(b)
}

// entryError wraps err with the position of the entry: table (or -1 for a
// single table) and index i in its entries.
func entryError(table, i int, key string, err error) error {
	where := fmt.Sprintf("entries[%d]", i)
	if table >= 0 {
		where = fmt.Sprintf("table %d: %s", table, where)
	}
	if key != "" {
		where += fmt.Sprintf(" (key %q)", key)
	}
	return fmt.Errorf("classify: %s: %w", where, err)
}
