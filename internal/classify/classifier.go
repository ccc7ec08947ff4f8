package classify

import (
	"cmp"
	"slices"
)

// Classifier sorts response bodies with a compiled table. It is read-only
// after New, so it is safe for concurrent use.
type Classifier struct {
	entries  []result       // by entry index
	exact    map[string]int // lookup form of key or alias -> entry index
	prefixes []prefixRule   // longest first
	maxExact int            // longest key in exact
}

// result is what a matching entry reports.
type result struct {
	kind        Kind
	key         string
	description string
}

// prefixRule is one compiled Entry.Prefix.
type prefixRule struct {
	prefix string // ASCII lower-cased
	entry  int
}

// New compiles tables into a Classifier. Later tables add to or override
// earlier ones by key (compared in lookup form, so "14" and "\"14\"" are one
// key): an override replaces Key's spelling and Class, replaces Description
// unless the new one is empty, and adds its Match and Prefix values to the
// earlier ones. Where an alias, key or prefix is claimed by several
// entries, the later one wins. Thus New(DefaultEntries(), user) applies a
// user's --codes file on top of the built-in table. New validates every
// entry as LoadEntries does; an error names the table and entry index.
func New(tables ...[]Entry) (*Classifier, error) {
	c := &Classifier{exact: make(map[string]int)}
	byKey := make(map[string]int)
	prefixAt := make(map[string]int) // prefix -> index in c.prefixes
	for ti, t := range tables {
		for ei, e := range t {
			ce, err := compileEntry(e)
			if err != nil {
				return nil, entryError(ti, ei, e.Key, err)
			}
			idx, ok := byKey[ce.key]
			if !ok {
				idx = len(c.entries)
				byKey[ce.key] = idx
				c.entries = append(c.entries, result{})
			}
			r := &c.entries[idx]
			r.kind = ce.kind
			r.key = e.Key
			if e.Description != "" || !ok {
				r.description = e.Description
			}
			for _, f := range append([]string{ce.key}, ce.aliases...) {
				c.exact[f] = idx
				c.maxExact = max(c.maxExact, len(f))
			}
			for _, p := range ce.prefix {
				if i, ok := prefixAt[p]; ok {
					c.prefixes[i].entry = idx
					continue
				}
				prefixAt[p] = len(c.prefixes)
				c.prefixes = append(c.prefixes, prefixRule{prefix: p, entry: idx})
			}
		}
	}
	slices.SortStableFunc(c.prefixes, func(a, b prefixRule) int {
		return cmp.Compare(len(b.prefix), len(a.prefix))
	})
	return c, nil
}

// Classify sorts body into a Class. It does not allocate, does no IO and
// does not keep body; Class.Text is a sub-slice of body.
//
// Normalisation, in order:
//   - ASCII whitespace (space, \t, \r, \n) is trimmed from both ends;
//   - up to two layers of JSON string quoting are stripped, trimming again
//     inside each: "x", "\"x\"" (doubly encoded), a lone \"x\", and ""x"".
//     A closing quote preceded by an odd number of backslashes is escaped
//     and does not end a layer. The result is Class.Text.
//
// For matching, Text is decoded into a stack buffer of MaxKeyBytes: JSON
// escapes (\" \\ \/ \n \t \r \b \f \uXXXX) are decoded once per layer of
// escaping (twice for "\"x\"" and \"x\"), only if Text was quoted; ASCII
// letters are lower-cased; escaped whitespace at the ends is trimmed.
//
// Matching, first hit wins:
//  1. exact, case-insensitive match of a table key or alias. Numbers match
//     as text: "014", "+14" and "14.0" are not "14" (no server sends them,
//     and JSON forbids leading zeros). A body whose decoded form is longer
//     than the longest key skips this step;
//  2. table prefixes, longest first, against the first MaxKeyBytes decoded
//     bytes;
//  3. an infra-shaped value the table does not list ("server issue: "
//     followed by anything, case-insensitive): Infra with Key "", Text set
//     and Description DescUnlisted (see Class.Unlisted). The load
//     balancers' strings are always ahead of any table;
//  4. empty (nothing left, including an escaped-whitespace-only string):
//     Unknown, KeyEmpty;
//  5. '<' followed by a letter, '!', '?' or '/' (<html, <!DOCTYPE, <?xml,
//     ...): Unknown, KeyHTML;
//  6. '{': Unknown, KeyJSON; '[': Unknown, KeyJSONArray;
//  7. anything else, including integers not in the table: Unknown with
//     Key "" and Text set.
func (c *Classifier) Classify(body []byte) Class {
	text, levels := normalise(body)
	var buf [MaxKeyBytes]byte
	n, complete := decode(&buf, text, levels)
	cl := c.match(buf[:n], complete, text)
	cl.Whole = complete
	return cl
}

// unlistedPrefix starts every infra string of the load balancers, in lookup
// form.
const unlistedPrefix = "server issue:"

// match classifies text, whose lookup form is key (complete when it is the
// whole of text), as Classify describes.
func (c *Classifier) match(key []byte, complete bool, text []byte) Class {
	n := len(key)
	if complete && n > 0 && n <= c.maxExact {
		if i, ok := c.exact[string(key)]; ok {
			return c.entries[i].class(text)
		}
	}
	for _, p := range c.prefixes {
		if n >= len(p.prefix) && string(key[:len(p.prefix)]) == p.prefix {
			return c.entries[p.entry].class(text)
		}
	}
	if n >= len(unlistedPrefix) && string(key[:len(unlistedPrefix)]) == unlistedPrefix {
		return Class{Kind: Infra, Description: DescUnlisted, Text: text}
	}
	if len(text) == 0 || (complete && n == 0) {
		return Class{Kind: Unknown, Key: KeyEmpty, Description: descEmpty, Text: text}
	}
	switch text[0] {
	case '<':
		if len(text) > 1 && isHTMLStart(text[1]) {
			return Class{Kind: Unknown, Key: KeyHTML, Description: descHTML, Text: text}
		}
	case '{':
		return Class{Kind: Unknown, Key: KeyJSON, Description: descJSON, Text: text}
	case '[':
		return Class{Kind: Unknown, Key: KeyJSONArray, Description: descJSONArray, Text: text}
	}
	return Class{Kind: Unknown, Text: text}
}

// class returns the Class that r reports for text.
func (r *result) class(text []byte) Class {
	return Class{Kind: r.kind, Key: r.key, Description: r.description, Text: text}
}

// isHTMLStart reports whether c may follow '<' at the start of an HTML or
// XML document: a letter, '!', '?' or '/'.
func isHTMLStart(c byte) bool {
	c = lowerASCII(c)
	return ('a' <= c && c <= 'z') || c == '!' || c == '?' || c == '/'
}
