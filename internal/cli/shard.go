package cli

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"synclog/internal/scan"
	"synclog/internal/shard"
	"synclog/internal/summary"
	"synclog/internal/walk"
)

// checkShard reads --shard into o.shardSpec. Standard input cannot be
// split by path: with more than one shard it is refused, since every
// shard would read the same stream, or a stream of its own that no other
// shard sees. --shard 1/1 is every input, as no --shard.
func (o *scanOptions) checkShard() error {
	if o.shard == "" {
		return nil
	}
	sp, err := shard.Parse(o.shard)
	if err != nil {
		return &usageError{fmt.Sprintf("--shard %s: want K/N with 1 <= K <= N, K counting from 1 "+
			"(in a Kubernetes Indexed Job: --shard $((JOB_COMPLETION_INDEX+1))/N)", o.shard)}
	}
	if sp.N > 1 && slices.Contains(o.paths, "-") {
		return &usageError{fmt.Sprintf("--shard %s: standard input (-) cannot be split into shards; give files or folders", o.shard)}
	}
	if sp.N > 1 {
		o.shardSpec = sp
	}
	return nil
}

// shardsOf is the summary's record of sp: none when not sharding.
func shardsOf(sp shard.Spec) summary.Shards {
	if sp.N == 0 {
		return summary.Shards{}
	}
	return summary.Shards{N: sp.N, Ks: []int{sp.K}}
}

// inputShard is a scan.Shard: own[i] says whether input i is the run's.
type inputShard struct {
	sp  shard.Spec
	own []bool
}

func (s *inputShard) Input(i int) bool        { return s.own[i] }
func (s *inputShard) Member(name string) bool { return s.sp.Has(name) }

// shardOf returns the scan.Shard of sp over inputs, found under the PATHs
// roots, or nil when not sharding.
func shardOf(sp shard.Spec, roots, inputs []string) scan.Shard {
	if sp.N == 0 {
		return nil
	}
	s := &inputShard{sp: sp, own: make([]bool, len(inputs))}
	for i, p := range inputs {
		s.own[i] = sp.Has(relName(roots, p))
	}
	return s
}

// ownSkipped keeps the entries of skipped that are the shard sp's, by
// their path as inputs are, so that merged shard reports list each once.
func ownSkipped(sp shard.Spec, roots []string, skipped []walk.Skipped) []walk.Skipped {
	if sp.N == 0 {
		return skipped
	}
	return slices.DeleteFunc(skipped, func(sk walk.Skipped) bool { return !sp.Has(relName(roots, sk.Path)) })
}

// relName is the name of the input p that places it in a shard: its path
// relative to the first of the PATHs roots it is under (as walk.Expand
// joined it), or its base name when it is a PATH itself. It does not
// depend on where the folder given is, so that hosts that mount an
// archive in different places shard it alike.
func relName(roots []string, p string) string {
	for _, r := range roots {
		rel, err := filepath.Rel(r, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		if rel == "." {
			break
		}
		return filepath.ToSlash(rel)
	}
	return filepath.Base(p)
}
