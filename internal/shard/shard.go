// Package shard splits a scan's inputs into N shards by a stable hash of
// each input's identity, so that N runs cover the inputs exactly once.
package shard

import (
	"fmt"
	"hash/fnv"
	"path"
	"strconv"
	"strings"
)

// Spec is one shard of N: K counts from 1, as in GNU split's -n K/N.
// The zero value is not a shard; Parse returns a valid one.
type Spec struct{ K, N int }

// String formats s as "K/N", the form Parse reads.
func (s Spec) String() string { return strconv.Itoa(s.K) + "/" + strconv.Itoa(s.N) }

// Parse reads "K/N" with 1 <= K <= N (decimal, no signs or spaces).
func Parse(v string) (Spec, error) {
	k, n, ok := strings.Cut(v, "/")
	ki, kerr := strconv.Atoi(k)
	ni, nerr := strconv.Atoi(n)
	if !ok || kerr != nil || nerr != nil || !digits(k) || !digits(n) {
		return Spec{}, fmt.Errorf("shard %q: want K/N, two whole numbers", v)
	}
	if ni < 1 || ki < 1 || ki > ni {
		return Spec{}, fmt.Errorf("shard %q: want 1 <= K <= N (K counts from 1)", v)
	}
	return Spec{K: ki, N: ni}, nil
}

// digits reports whether s is made of ASCII digits only, and not empty.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// compressed are the endings removed from an identity: a rotated log and
// its compressed copy (sync.log.1, sync.log.1.gz) are one log to a scan,
// which reads it once, so they must fall in one shard.
var compressed = [...]string{".gz", ".zst", ".zstd", ".bz2"}

// Identity returns the identity that places an input in a shard: name (a
// path relative to the folder it was found under, or a tar member name)
// with slashes for separators, no leading "./" or "/", and one
// compression ending removed.
func Identity(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = strings.TrimLeft(path.Clean("/"+name), "/")
	for _, ext := range compressed {
		if bare, ok := strings.CutSuffix(name, ext); ok && bare != "" && !strings.HasSuffix(bare, "/") {
			return bare
		}
	}
	return name
}

// Of returns the shard, 1 to n, of the input whose identity (see
// Identity) is id: the FNV-1a 64-bit hash of id, modulo n, plus one. It
// depends on nothing but id and n: not on the machine, the run or the
// order of the inputs. n must be at least 1.
func Of(id string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int(h.Sum64()%uint64(n)) + 1
}

// Has reports whether the input named name (see Identity) is in shard s.
func (s Spec) Has(name string) bool { return Of(Identity(name), s.N) == s.K }
