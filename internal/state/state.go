// Package state remembers, between runs, how far each input has been read.
package state

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"synclog/internal/atomicfile"

	"synclog/internal/parse"
)

// FingerprintBytes is how many decoded bytes a fingerprint covers at most.
const FingerprintBytes = 4096

// Version is the state file format that Save writes and Load accepts.
const Version = 1

// Entry is what is remembered of one input.
//
// An input is identified by a fingerprint of its first decoded bytes, not by
// its name or inode, so a log renamed by rotation and later compressed is
// still recognised.
type Entry struct {
	// Prefix is how many first decoded bytes the fingerprint covers: at most
	// FingerprintBytes, less for a short input.
	Prefix int64 `json:"prefix"`
	// Hash is the lowercase hex SHA-256 of those Prefix bytes.
	Hash string `json:"hash"`
	Position
	// Name is the last name the input was seen under. It is for people and
	// is never used for matching.
	Name string `json:"name"`
	// Seen is when the input was last read (UTC).
	Seen time.Time `json:"seen"`
}

// Position is how far an input has been read: every event that begins in
// its first Offset decoded bytes has been counted, except the response
// that begins on line Held.
type Position struct {
	// Offset is how many decoded bytes have been read, at a line boundary,
	// or at the end of an input that was read to its end.
	Offset int64 `json:"offset"`
	// Lines is how many lines those Offset bytes hold.
	Lines int64 `json:"lines"`
	// Held is the line number of a response begun before Offset that was
	// not counted yet, because it was still waiting for its body at the
	// end of a log still being written (0: none).
	Held int64 `json:"held,omitempty"`
	// End is the decoded size of the input when it was read (0 in files
	// written before synclog kept it): the next run tells from it whether
	// a log has been written to since.
	End int64 `json:"end,omitempty"`
	// Tail is the lowercase hex SHA-256 of the TailBytes decoded bytes
	// just before Offset (all of them when Offset is smaller) of an
	// uncompressed log: the next run reads on from Offset without reading
	// what lies before, once it finds them unchanged ("": not kept).
	Tail string `json:"tail,omitempty"`
	// Context is the parse.Mark.Context at Offset: the next run reads on
	// from a little before Offset only if it finds the same there.
	Context string `json:"context,omitempty"`
	// Member is where the last but one gzip member of a gzip input read to
	// its end ended: when more members are appended, the next run decodes
	// from there (the member before the new ones rebuilds what the parser
	// held at Offset), not from the start (nil: not kept).
	Member *Member `json:"member,omitempty"`
	// File is the file the input was read from, as it was then: the next
	// run passes over an input read to its end and found unchanged
	// without reading it (nil: not a file).
	File *File `json:"file,omitempty"`
}

// Mark returns the point of the input p is at, as parse counts it.
func (p Position) Mark() parse.Mark {
	return parse.Mark{Offset: p.Offset, Lines: p.Lines, Held: p.Held, End: p.End, Context: p.Context}
}

// At returns the Position of the point m (nothing of the file: no Tail,
// Member, File).
func At(m parse.Mark) Position {
	return Position{Offset: m.Offset, Lines: m.Lines, Held: m.Held, End: m.End, Context: m.Context}
}

// TailBytes is how many bytes before an offset Position.Tail covers.
const TailBytes = 1024

// Member is where a gzip member ends in an input: Raw compressed bytes,
// Decoded bytes, in; Tail is the TailSum of the compressed bytes before
// Raw, which tells that they are still the ones read.
type Member struct {
	Raw     int64  `json:"raw"`
	Decoded int64  `json:"decoded"`
	Tail    string `json:"tail"`
}

// File identifies a file and its contents by what stat(2) says of it:
// its device and inode, its size and its modification time.
type File struct {
	Dev   uint64 `json:"dev"`
	Ino   uint64 `json:"ino"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime_ns"` // nanoseconds since 1970 (UTC)
}

// State is the whole state file. It is not safe for concurrent use; Lock
// keeps two processes apart.
type State struct {
	// Version is the file format; Save sets it to Version.
	Version int `json:"version"`
	// Entries holds one entry per input fingerprint.
	Entries []Entry `json:"entries"`

	idx *index // built by the first Find or Update
}

// Load reads the state file at path. A missing file is an empty State, not an
// error. A file that is not a valid state (including a 0-byte file, which
// Save never writes) is an error naming path, so that a damaged state never
// silently restarts every input from the beginning. So is a path that is
// not a regular file: a FIFO would hold the run, lock taken, until a writer
// came, and Save would replace a device.
func Load(path string) (*State, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("load state %s: not a regular file", path)
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &State{Version: Version}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load state %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	s, err := decodeSaved(br)
	if errors.Is(err, errNotSaved) {
		if _, err = f.Seek(0, io.SeekStart); err == nil {
			br.Reset(f)
			s, err = decode(br)
		}
	}
	if err == nil {
		err = s.checkVersion()
	}
	if err != nil {
		return nil, fmt.Errorf("load state %s: %w", path, err)
	}
	return s, nil
}

// checkVersion refuses a state of another format; a state without a
// version ("{}", a file written by hand) is of this one.
func (s *State) checkVersion() error {
	switch {
	case s.Version == 0:
		s.Version = Version
	case s.Version != Version:
		return fmt.Errorf("unsupported version %d (this synclog reads version %d)", s.Version, Version)
	}
	return nil
}

// decode parses and validates a state file, entry by entry: a state of
// 50,000 inputs is never held whole as text (a whole-file decode took
// 190 MiB).
func decode(r io.Reader) (*State, error) {
	dec := json.NewDecoder(r)
	s := &State{}
	tok, err := dec.Token()
	switch {
	case err != nil:
		return nil, fmt.Errorf("corrupt: %w", err)
	case tok == nil:
		return nil, errors.New("corrupt: top level is null, want an object")
	case tok != json.Delim('{'):
		return nil, fmt.Errorf("corrupt: top level is %v, want an object", tok)
	}
	for dec.More() {
		if err := s.decodeField(dec); err != nil {
			return nil, err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, fmt.Errorf("corrupt: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("corrupt: unexpected data after the top-level object")
	}
	return s, nil
}

// decodeField decodes one member of the top-level object into s; members
// synclog does not know are passed over.
func (s *State) decodeField(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("corrupt: %w", err)
	}
	switch tok {
	case "version":
		err = dec.Decode(&s.Version)
	case "entries":
		err = s.decodeEntries(dec)
	default:
		var skip json.RawMessage
		err = dec.Decode(&skip)
	}
	if err != nil && !strings.HasPrefix(err.Error(), "corrupt") {
		err = fmt.Errorf("corrupt: %w", err)
	}
	return err
}

// decodeEntries decodes the entries array (or null), validating each.
func (s *State) decodeEntries(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("corrupt: entries is %v, want an array", tok)
	}
	for i := 0; dec.More(); i++ {
		var e Entry
		if err := dec.Decode(&e); err != nil {
			return err
		}
		if err := e.validate(); err != nil {
			return fmt.Errorf("corrupt: entry %d (%q): %w", i, e.Name, err)
		}
		s.Entries = append(s.Entries, e)
	}
	_, err = dec.Token() // the closing bracket
	return err
}

// validate reports the first field of e that no Update could have written.
func (e *Entry) validate() error {
	switch {
	case e.Prefix < 0 || e.Prefix > FingerprintBytes:
		return fmt.Errorf("prefix %d outside [0, %d]", e.Prefix, FingerprintBytes)
	case len(e.Hash) != 2*sha256.Size || !isLowerHex(e.Hash):
		return fmt.Errorf("hash %.70q is not %d lowercase hex digits", e.Hash, 2*sha256.Size)
	case e.Offset < 0:
		return fmt.Errorf("offset %d is negative", e.Offset)
	case e.Lines < 0 || e.Lines > e.Offset:
		return fmt.Errorf("lines %d outside [0, offset %d]", e.Lines, e.Offset)
	case e.Held < 0 || e.Held > e.Lines:
		return fmt.Errorf("held line %d outside [0, lines %d]", e.Held, e.Lines)
	case e.End < 0:
		return fmt.Errorf("end %d is negative", e.End)
	case e.Tail != "" && (len(e.Tail) != 2*sha256.Size || !isLowerHex(e.Tail)):
		return fmt.Errorf("tail %.70q is not %d lowercase hex digits", e.Tail, 2*sha256.Size)
	case e.Context != "" && (len(e.Context) != 2*sha256.Size || !isLowerHex(e.Context)):
		return fmt.Errorf("context %.70q is not %d lowercase hex digits", e.Context, 2*sha256.Size)
	case e.Member != nil && (e.Member.Raw <= 0 || e.Member.Decoded <= 0 || e.Member.Decoded >= e.Offset ||
		len(e.Member.Tail) != 2*sha256.Size || !isLowerHex(e.Member.Tail)):
		return fmt.Errorf("member %+v is not the end of a gzip member before offset %d", *e.Member, e.Offset)
	case e.File != nil && e.File.Size < 0:
		return fmt.Errorf("file size %d is negative", e.File.Size)
	}
	return nil
}

func isLowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Save writes s to path atomically: it writes a temporary file in the same
// folder, syncs it, renames it over path and syncs the folder (see
// atomicfile.Replace). It sets s.Version to Version. A new file gets mode
// 0644; an existing file keeps its mode, and its owner when run as root.
//
// If Save fails before the rename, the old file is untouched and the
// temporary file is removed. If only the final folder sync fails, the new
// state is in place but may not survive a crash.
func (s *State) Save(path string) error {
	s.Version = Version
	if err := atomicfile.Replace(path, tempPrefix(filepath.Base(path))+"*", s.encode); err != nil {
		return fmt.Errorf("save state %s: %w", path, err)
	}
	return nil
}

// encode writes s as JSON, one entry per line, an entry at a time.
func (s *State) encode(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "{\n  \"version\": %d,\n  \"entries\": [", s.Version)
	var b []byte
	for i := range s.Entries {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n    ")
		var err error
		if b, err = appendEntry(b[:0], &s.Entries[i]); err != nil {
			return err
		}
		bw.Write(b)
	}
	if len(s.Entries) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
}

// appendEntry appends e to b as json.Marshal writes it (TestAppendEntry),
// without reflection: 50,000 entries took 0.1 s through json.Marshal.
func appendEntry(b []byte, e *Entry) ([]byte, error) {
	num := func(b []byte, key string, n int64) []byte {
		b = append(append(append(b, ",\""...), key...), "\":"...)
		return strconv.AppendInt(b, n, 10)
	}
	str := func(b []byte, key, v string) []byte {
		b = append(append(append(b, ",\""...), key...), "\":"...)
		return appendString(b, v)
	}
	b = append(b, `{"prefix":`...)
	b = strconv.AppendInt(b, e.Prefix, 10)
	b = str(b, "hash", e.Hash)
	b = num(b, "offset", e.Offset)
	b = num(b, "lines", e.Lines)
	if e.Held != 0 {
		b = num(b, "held", e.Held)
	}
	if e.End != 0 {
		b = num(b, "end", e.End)
	}
	if e.Tail != "" {
		b = str(b, "tail", e.Tail)
	}
	if e.Context != "" {
		b = str(b, "context", e.Context)
	}
	if m := e.Member; m != nil {
		b = strconv.AppendInt(append(b, `,"member":{"raw":`...), m.Raw, 10)
		b = num(b, "decoded", m.Decoded)
		b = str(b, "tail", m.Tail)
		b = append(b, '}')
	}
	if f := e.File; f != nil {
		b = append(b, `,"file":{"dev":`...)
		b = strconv.AppendUint(b, f.Dev, 10)
		b = append(b, `,"ino":`...)
		b = strconv.AppendUint(b, f.Ino, 10)
		b = num(b, "size", f.Size)
		b = num(b, "mtime_ns", f.MTime)
		b = append(b, '}')
	}
	b = str(b, "name", e.Name)
	t, err := e.Seen.MarshalJSON() // fails outside years 0 to 9999, as json.Marshal does
	return append(append(append(b, `,"seen":`...), t...), '}'), err
}

// appendString appends v as a JSON string, as json.Marshal writes it.
func appendString(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(v) // escapes, and bad UTF-8, as it does
			return append(b, q...)
		}
	}
	return append(append(append(b, '"'), v...), '"')
}

// tempPrefix is how the names of Save's temporary files for a file
// named base begin; CreateTemp ends them with decimal digits.
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// removeStaleTemps removes the temporary files of Save for path:
// regular files named by tempPrefix and digits. The caller holds the lock,
// so none of them belongs to a Save under way. It is best effort: what
// cannot be removed stays.
func removeStaleTemps(path string) {
	dir, prefix := filepath.Dir(path), tempPrefix(filepath.Base(path))
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		digits, ok := strings.CutPrefix(e.Name(), prefix)
		if ok && digits != "" && strings.Trim(digits, "0123456789") == "" && e.Type().IsRegular() {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// Find returns the entry whose fingerprint matches head, or nil if none does.
// head is the first FingerprintBytes decoded bytes of an input, or all of
// them when the input is shorter; longer heads are cut to FingerprintBytes.
//
// An entry matches when len(head) >= e.Prefix and the SHA-256 of
// head[:e.Prefix] is e.Hash. When several match, the one with the longest
// Prefix wins, then the one with the largest Offset. So the same content
// under a new name or encoding (sync.log → sync.log.1 → sync.log.1.gz)
// finds its entry, and an entry made when the input was short still matches
// after it has grown.
//
// Find does not detect copytruncate: a truncated input whose new first bytes
// happen to equal the old ones still matches. The caller compares
// e.Offset with the input's decoded size, and reads from 0 when the size is
// smaller. (When the new first bytes differ, or the input is now shorter than
// e.Prefix, Find returns nil and the input is read from 0 anyway.)
//
// Find costs one hash of head, and one more per distinct shorter Prefix
// held (entries of inputs that were short when last read) when that
// misses, whatever the number of entries: they are indexed. Entries must
// not be changed but through Update and Prune once Find has been called.
//
// The returned pointer points into s.Entries and is valid until the next
// call to Update or Prune.
func (s *State) Find(head []byte) *Entry { return s.FindHead(HeadOf(head)) }

// FindHead is Find, for a head hashed already.
func (s *State) FindHead(h Head) *Entry {
	e, _ := s.FindRef(h)
	return e
}

// Ref names the entry that FindRef found for a head, or says that it found
// none, so that UpdateRef need not look for it again.
type Ref struct {
	k  key
	ok bool
}

// FindRef is FindHead, and returns a Ref of what it found.
func (s *State) FindRef(h Head) (*Entry, Ref) {
	i := s.findSum(h.b, h.sum)
	if i < 0 {
		return nil, Ref{}
	}
	e := &s.Entries[i]
	return e, Ref{k: keyOf(e), ok: true}
}

// findSum returns the index of the entry Find returns for head, cut to
// FingerprintBytes, whose SHA-256 is full; or -1.
func (s *State) findSum(head []byte, full [sha256.Size]byte) int {
	x := s.indexed()
	var sum [sha256.Size]byte
	if x.lengths[int64(len(head))] > 0 {
		// The longest possible match first: the usual hit.
		if i, ok := x.at[key{int64(len(head)), full}]; ok {
			return i
		}
	}
	best := -1
	h := sha256.New()
	done := 0
	for _, n := range x.sorted {
		if n >= int64(len(head)) {
			break
		}
		h.Write(head[done:n])
		done = int(n)
		if i, ok := x.at[key{n, [sha256.Size]byte(h.Sum(sum[:0]))}]; ok {
			best = i // a longer one comes later
		}
	}
	return best
}

// key is what the index of a State looks entries up by.
type key struct {
	prefix int64
	hash   [sha256.Size]byte
}

// index makes Find and Update cost the same whatever the number of
// entries (a rerun over 50,000 files took 230 s when each looked at all).
type index struct {
	n       int           // len(Entries) when built: a change rebuilds it
	at      map[key]int   // entry by fingerprint: of two alike, the larger Offset
	lengths map[int64]int // how many entries have each Prefix
	sorted  []int64       // the Prefixes held, ascending
	dups    bool          // some entries share a fingerprint (a file written so)
}

// indexed returns s's index, built anew when Entries changed length
// outside Update and Prune.
func (s *State) indexed() *index {
	if s.idx != nil && s.idx.n == len(s.Entries) {
		return s.idx
	}
	x := &index{n: len(s.Entries), at: make(map[key]int, len(s.Entries)), lengths: make(map[int64]int)}
	for i := range s.Entries {
		e := &s.Entries[i]
		k := keyOf(e)
		if j, ok := x.at[k]; ok {
			x.dups = true
			if e.Offset <= s.Entries[j].Offset {
				continue
			}
		}
		x.at[k] = i
	}
	for i := range s.Entries {
		x.count(s.Entries[i].Prefix, 1)
	}
	s.idx = x
	return x
}

// count adds d entries of Prefix n.
func (x *index) count(n int64, d int) {
	was := x.lengths[n]
	x.lengths[n] = was + d
	switch {
	case was == 0 && d > 0:
		i, _ := slices.BinarySearch(x.sorted, n)
		x.sorted = slices.Insert(x.sorted, i, n)
	case was+d == 0:
		delete(x.lengths, n)
		if i, ok := slices.BinarySearch(x.sorted, n); ok {
			x.sorted = slices.Delete(x.sorted, i, i+1)
		}
	}
}

// keyOf returns e's key; a Hash that is not hex (never written by Update,
// refused by Load) gets one no head has.
func keyOf(e *Entry) key {
	k := key{prefix: e.Prefix}
	if _, err := hex.Decode(k.hash[:], []byte(e.Hash)); err != nil {
		k.prefix = -1
	}
	return k
}

// Update records that the input whose first bytes are head (as for Find) has
// been read up to at, under name at time now. It replaces the entry Find would return, or adds one, and fingerprints the
// whole of head again: an entry made when the input was 100 bytes long gets a
// FingerprintBytes fingerprint once the input has grown. Other entries with
// the same new fingerprint are dropped, so fingerprints stay unique.
//
// head should come from the same read as at; Update does not check it. It
// returns the entry's Hash.
func (s *State) Update(head []byte, name string, at Position, now time.Time) string {
	return s.UpdateHead(HeadOf(head), name, at, now)
}

// UpdateHead is Update, for a head hashed already.
func (s *State) UpdateHead(h Head, name string, at Position, now time.Time) string {
	return s.put(s.findSum(h.b, h.sum), h, name, at, now)
}

// UpdateRef is UpdateHead, for a head that FindRef found r for: it
// replaces the entry with h's own fingerprint, if there is one, else the
// one r names, if it is still there, else it adds one. Unlike UpdateHead,
// it does not look for an entry of a shorter first part of h again: one
// made since FindRef (by another input that shares it) is left as it is.
func (s *State) UpdateRef(h Head, r Ref, name string, at Position, now time.Time) string {
	x := s.indexed()
	i, ok := x.at[key{int64(len(h.b)), h.sum}]
	if !ok && r.ok {
		i, ok = x.at[r.k]
	}
	if !ok {
		i = -1
	}
	return s.put(i, h, name, at, now)
}

// put replaces entry i (-1: adds one) with the entry of h, read up to at
// under name at time now, and returns its Hash.
func (s *State) put(i int, h Head, name string, at Position, now time.Time) string {
	e := Entry{
		Prefix:   int64(len(h.b)),
		Hash:     h.Fingerprint(),
		Position: at,
		Name:     name,
		Seen:     now.UTC(),
	}
	x := s.indexed()
	if i < 0 {
		s.Entries = append(s.Entries, e)
		x.n++
		x.at[keyOf(&e)] = len(s.Entries) - 1
		x.count(e.Prefix, 1)
		return e.Hash
	}
	old := keyOf(&s.Entries[i])
	if x.at[old] == i {
		delete(x.at, old)
	}
	x.count(old.prefix, -1)
	s.Entries[i] = e
	x.at[keyOf(&e)] = i
	x.count(e.Prefix, 1)
	if x.dups {
		// Only a file written with twins has them: drop e's.
		kept := s.Entries[:0]
		for j, o := range s.Entries {
			if j == i || o.Prefix != e.Prefix || o.Hash != e.Hash {
				kept = append(kept, o)
			}
		}
		clear(s.Entries[len(kept):])
		s.Entries, s.idx = kept, nil
	}
	return e.Hash
}

// Under reports whether s remembers reading an input last seen under the
// folder dir (by its Name). A nil State remembers nothing.
func (s *State) Under(dir string) bool {
	if s == nil {
		return false
	}
	prefix := filepath.Clean(dir) + string(filepath.Separator)
	for _, e := range s.Entries {
		if strings.HasPrefix(filepath.Clean(e.Name), prefix) {
			return true
		}
	}
	return false
}

// Prune drops the entries last seen before cutoff, such as those of rotated
// logs deleted long ago, so that the state does not grow for ever.
func (s *State) Prune(cutoff time.Time) {
	kept := s.Entries[:0]
	for _, e := range s.Entries {
		if !e.Seen.Before(cutoff) {
			kept = append(kept, e)
		}
	}
	clear(s.Entries[len(kept):])
	s.Entries, s.idx = kept, nil
}

// cut returns at most the first FingerprintBytes bytes of head.
func cut(head []byte) []byte {
	if len(head) > FingerprintBytes {
		return head[:FingerprintBytes]
	}
	return head
}

// TailSum returns what Position.Tail holds for b, the bytes before an
// offset (only the last TailBytes of them count).
func TailSum(b []byte) string { return hash(b[max(0, len(b)-TailBytes):]) }

// Fingerprint returns the fingerprint of an input whose first decoded bytes
// are head: the hex SHA-256 of at most its first FingerprintBytes, as an
// Entry's Hash. Reports carry it so that the same input read twice (in one
// run, or in two reports merged) is told apart from another one.
func Fingerprint(head []byte) string { return HeadOf(head).Fingerprint() }

// Head is an input's first decoded bytes, at most FingerprintBytes of
// them, with their SHA-256: what Find and Update look an input up by, and
// what its fingerprint is made of, hashed once per input.
type Head struct {
	b   []byte
	sum [sha256.Size]byte
}

// HeadOf returns the Head of an input whose first decoded bytes are b; it
// keeps b (cut to FingerprintBytes), which must not change after.
func HeadOf(b []byte) Head {
	b = cut(b)
	return Head{b: b, sum: sha256.Sum256(b)}
}

// Bytes returns h's bytes.
func (h Head) Bytes() []byte { return h.b }

// Sum returns the SHA-256 of h's bytes: the same for two Heads exactly
// when their Fingerprints are.
func (h Head) Sum() [sha256.Size]byte { return h.sum }

// Fingerprint returns h's fingerprint (see Fingerprint).
func (h Head) Fingerprint() string { return hex.EncodeToString(h.sum[:]) }

// SumOf returns the Sum of the Head an entry was made from (see
// Entry.Hash); ok is false when e.Hash is not one.
func SumOf(e *Entry) (sum [sha256.Size]byte, ok bool) {
	k := keyOf(e)
	return k.hash, k.prefix >= 0
}

func hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
