package state

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// errNotSaved reports a state file not laid out as Save lays it out (one
// written by hand, or by an older synclog): it is decoded the slow way.
var errNotSaved = errors.New("not laid out as Save writes it")

// decodeSaved decodes a state file laid out as Save writes it: its
// framing line by line, and each entry on its line, with a parser of the
// shape Save writes (an entry of another shape goes through
// encoding/json). Loading 50,000 entries with encoding/json alone took
// 0.2 s. It returns errNotSaved, having read part of r, when the framing
// is not Save's.
func decodeSaved(r *bufio.Reader) (*State, error) {
	line := func() ([]byte, error) {
		b, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			return nil, errNotSaved // a name longer than the buffer
		}
		if err != nil && (err != io.EOF || len(b) == 0) {
			return nil, errNotSaved
		}
		return bytes.TrimSuffix(b, []byte("\n")), nil
	}
	s := &State{}
	b, err := line()
	if err != nil || string(b) != "{" {
		return nil, errNotSaved
	}
	if b, err = line(); err != nil {
		return nil, err
	}
	v, ok := bytes.CutPrefix(b, []byte(`  "version": `))
	if v, ok2 := bytes.CutSuffix(v, []byte(",")); !ok || !ok2 {
		return nil, errNotSaved
	} else if s.Version, err = strconv.Atoi(string(v)); err != nil {
		return nil, errNotSaved
	}
	if b, err = line(); err != nil {
		return nil, err
	}
	switch string(b) {
	case `  "entries": []`:
	case `  "entries": [`:
		if err := s.decodeSavedEntries(line); err != nil {
			return nil, err
		}
	default:
		return nil, errNotSaved
	}
	if b, err = line(); err != nil || string(b) != "}" {
		return nil, errNotSaved
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, errNotSaved
	}
	return s, nil
}

// decodeSavedEntries decodes the entry lines up to the closing bracket.
func (s *State) decodeSavedEntries(line func() ([]byte, error)) error {
	for i := 0; ; i++ {
		b, err := line()
		if err != nil {
			return err
		}
		if string(b) == "  ]" && i > 0 {
			return nil
		}
		b, ok := bytes.CutPrefix(b, []byte("    "))
		if !ok {
			return errNotSaved
		}
		b = bytes.TrimSuffix(b, []byte(","))
		var e Entry
		if !e.parse(b) {
			e = Entry{}
			if err := json.Unmarshal(b, &e); err != nil {
				return fmt.Errorf("corrupt: entry %d: %w", i, err)
			}
		}
		if err := e.validate(); err != nil {
			return fmt.Errorf("corrupt: entry %d (%q): %w", i, e.Name, err)
		}
		s.Entries = append(s.Entries, e)
	}
}

// parse sets e from b, an entry as appendEntry writes it, and reports
// whether b was of that shape: an object of known keys whose values are
// integers, strings without escapes, and the objects of member and file.
func (e *Entry) parse(b []byte) bool {
	p := flat{b: b}
	return p.object(func(key string) (ok bool) {
		switch key {
		case "prefix":
			e.Prefix, ok = p.int()
		case "offset":
			e.Offset, ok = p.int()
		case "lines":
			e.Lines, ok = p.int()
		case "held":
			e.Held, ok = p.int()
		case "end":
			e.End, ok = p.int()
		case "hash":
			e.Hash, ok = p.str()
		case "tail":
			e.Tail, ok = p.str()
		case "context":
			e.Context, ok = p.str()
		case "name":
			e.Name, ok = p.str()
		case "seen":
			start := p.i
			if _, ok = p.str(); ok {
				ok = e.Seen.UnmarshalJSON(p.b[start:p.i]) == nil
			}
		case "member":
			e.Member = &Member{}
			ok = p.object(func(k string) bool { return p.member(e.Member, k) })
		case "file":
			e.File = &File{}
			ok = p.object(func(k string) bool { return p.file(e.File, k) })
		}
		return ok
	}) && p.i == len(p.b)
}

// flat parses the JSON that appendEntry writes, and nothing more.
type flat struct {
	b []byte
	i int
}

// object parses {"key":value,...}, calling field at each value.
func (p *flat) object(field func(key string) bool) bool {
	if !p.eat('{') {
		return false
	}
	for first := true; ; first = false {
		if p.eat('}') {
			return true
		}
		if !first && !p.eat(',') {
			return false
		}
		key, ok := p.str()
		if !ok || !p.eat(':') || !field(key) {
			return false
		}
	}
}

func (p *flat) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str parses a string without escapes (and without bytes JSON would
// escape or check: controls, non-ASCII).
func (p *flat) str() (string, bool) {
	if !p.eat('"') {
		return "", false
	}
	start := p.i
	for ; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			p.i++
			return string(p.b[start : p.i-1]), true
		case c == '\\' || c < 0x20 || c >= 0x7f:
			return "", false
		}
	}
	return "", false
}

// int parses a decimal integer that fits an int64, as JSON writes it (no
// leading zero).
func (p *flat) int() (int64, bool) {
	start := p.i
	p.eat('-')
	digits, ok := p.digits()
	n, err := strconv.ParseInt(string(p.b[start:p.i]), 10, 64)
	return n, ok && err == nil && len(digits) > 0
}

// uint parses a decimal integer that fits a uint64.
func (p *flat) uint() (uint64, bool) {
	digits, ok := p.digits()
	n, err := strconv.ParseUint(string(digits), 10, 64)
	return n, ok && err == nil
}

// digits parses decimal digits; ok is false for a leading zero.
func (p *flat) digits() (d []byte, ok bool) {
	start := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	d = p.b[start:p.i]
	return d, len(d) > 0 && (d[0] != '0' || len(d) == 1)
}

func (p *flat) member(m *Member, key string) (ok bool) {
	switch key {
	case "raw":
		m.Raw, ok = p.int()
	case "decoded":
		m.Decoded, ok = p.int()
	case "tail":
		m.Tail, ok = p.str()
	}
	return ok
}

func (p *flat) file(f *File, key string) (ok bool) {
	switch key {
	case "dev":
		f.Dev, ok = p.uint()
	case "ino":
		f.Ino, ok = p.uint()
	case "size":
		f.Size, ok = p.int()
	case "mtime_ns":
		f.MTime, ok = p.int()
	}
	return ok
}
