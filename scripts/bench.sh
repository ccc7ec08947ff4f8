#!/usr/bin/env bash
# bench.sh: end-to-end benchmark of synclog on a large synthetic log.
#
# usage: scripts/bench.sh [SIZE] [WORKDIR]
#
#   SIZE     log size, with a K, M or G suffix (powers of 1024); default 1G.
#            scripts/bench.sh 64M is a quick smoke run (well under a minute).
#   WORKDIR  where binaries, data and outputs go; default <repo>/bench
#            (git-ignored). Data is reused while SIZE and the generator stay
#            the same.
#
# It builds synclog, the generator (internal/synth/cmd) and the floor
# (scripts/floor), writes SIZE of log (seed 1, TRACE bodies on) with its
# ground truth, compresses it with gzip -6 and zstd -3 (one thread), and
# writes 8 shards of SIZE/8 as .zst. Then it times, each as a whole process,
# RUNS times, taking the median wall time:
#   floor      decode + count lines, same library as synclog (plain/gzip/zstd)
#   grep       grep -c -F 'fail 503' on the plain file
#   synclog    scan --format json on the plain, .gz and .zst files, checking
#              the totals against the generator's truth (MISMATCH: exit 1)
#   many files synclog on the 8 shards at once (with -j if synclog has it),
#              and one at a time (sequential loop, wall times summed)
#   logcat     only with BENCH_LAYOUTS=1 in the environment: synclog scan on
#              a logcat log of SIZE (same seed and traffic, -layout logcat),
#              checked against its own truth, next to the desktop scan
#   many       only with BENCH_MANY=1 in the environment: memory with many
#              inputs (scripts/many writes them, whatever SIZE): a scan of a
#              .tar.gz of 200k empty members, a scan of a folder of 50k small
#              logs (1,000 sub-folders of 50), and a merge of the 1,000 JSON
#              reports of those sub-folders, checked against the folder's;
#              peak RSS should stay under 64 MiB whatever the number of inputs
#   state      scan --state over three logs of 256 MiB (plain, .zst, .gz;
#              BENCH_STATE_SIZE in the environment changes it): a first
#              run, a rerun with nothing new, a rerun after a 1 MiB append
#              to the plain log (checked against the append's own truth)
#   small      100 MB of log in 20 KB files (about 5,000), scanned as a
#              folder, next to the same bytes as one file and rg -c
#   soak       only with BENCH_SOAK=1 in the environment: scripts/soak.sh
#              (synclog watch under 60 s of appends at 10 MiB/s: memory
#              flat, every escalation printed once; SOAK_SECONDS shortens it)
# and prints the machine and one Markdown table on standard output (two
# with BENCH_MANY=1).
#
# Wall time is taken with bash's EPOCHREALTIME around the timed process
# (microseconds; GNU time's %e has only 10 ms resolution, too coarse for the
# smoke run); peak RSS is GNU time's %M. Raw numbers: WORKDIR/out/raw.tsv.
#
# Needs go, gzip, zstd, jq, and GNU time as /usr/bin/time
# (Debian/Ubuntu: apt-get install time). Installs nothing. RUNS=5 in the
# environment takes the median of 5 runs instead of 3.
set -euo pipefail

RUNS=${RUNS:-3} # runs per measurement; the environment may override it
# BENCH_LAYOUTS=1 also times a logcat log (needs synclog's logcat parser).
BENCH_LAYOUTS=${BENCH_LAYOUTS:-0}
# BENCH_MANY=1 also measures memory with many inputs (a minute or two more).
BENCH_MANY=${BENCH_MANY:-0}
SHARDS=8
SIZE=${1:-1G}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${2:-$ROOT/bench}

die() { echo "bench.sh: $*" >&2; exit 1; }
log() { echo "bench.sh: [${SECONDS}s] $*" >&2; }

# --- prerequisites -----------------------------------------------------------
if [[ ! -x /usr/bin/time ]]; then
	die "/usr/bin/time (GNU time) is missing; install it (Debian/Ubuntu: apt-get install time)"
fi
/usr/bin/time -f '%e %M' -o /dev/null true 2>/dev/null ||
	die "/usr/bin/time does not take -f/-o: GNU time is needed (apt-get install time)"
for tool in go gzip zstd jq grep awk; do
	command -v "$tool" >/dev/null || die "$tool is missing"
done

# to_bytes 64M -> 67108864
to_bytes() {
	local s=${1^^}
	s=${s%B}
	s=${s%I}
	[[ $s =~ ^([0-9]+)([KMGT]?)$ ]] || return 1
	local n=${BASH_REMATCH[1]}
	case ${BASH_REMATCH[2]} in
	K) n=$((n << 10)) ;;
	M) n=$((n << 20)) ;;
	G) n=$((n << 30)) ;;
	T) n=$((n << 40)) ;;
	esac
	echo "$n"
}
BYTES=$(to_bytes "$SIZE") || die "bad SIZE '$SIZE' (want e.g. 64M, 256M, 1G)"
((BYTES >= SHARDS * 1024)) || die "SIZE '$SIZE' is too small"

mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
BIN=$WORK/bin DATA=$WORK/data OUT=$WORK/out
mkdir -p "$BIN" "$DATA" "$OUT"

# --- build -------------------------------------------------------------------
log "building into $BIN"
(
	cd "$ROOT"
	go build -o "$BIN/synclog" ./cmd/synclog
	go build -o "$BIN/synth" ./internal/synth/cmd
	go build -o "$BIN/floor" ./scripts/floor
	go build -o "$BIN/many" ./scripts/many
)
SYNCLOG=$BIN/synclog

# --- data --------------------------------------------------------------------
PLAIN=$DATA/sync.log
TRUTH=$DATA/sync.truth.json
# reuse DIR STAMP: whether DIR holds the data made under STAMP (what made
# it: sizes, seeds, the generator's hash), which DIR/stamp records.
reuse() {
	[[ -f $1/stamp && $(<"$1/stamp") == "$2" ]] || return 1
	log "reusing the data in $1"
}
stamp="$BYTES $(sha256sum "$BIN/synth" | cut -c1-16) seed=1 shards=$SHARDS"
if ! reuse "$DATA" "$stamp"; then
	# Files only: the folders below hold data of their own stamps.
	find "$DATA" -maxdepth 1 -type f -delete
	log "generating $SIZE ($BYTES bytes), seed 1"
	"$BIN/synth" -bytes "$BYTES" -seed 1 -trace=true -o "$PLAIN" -truth "$TRUTH"
	log "gzip -6"
	gzip -6 -c "$PLAIN" >"$PLAIN.gz"
	log "zstd -3 (one thread)"
	zstd -3 -T1 -q -c "$PLAIN" >"$PLAIN.zst"
	log "$SHARDS shards of $((BYTES / SHARDS)) bytes"
	for ((i = 1; i <= SHARDS; i++)); do
		"$BIN/synth" -q -bytes $((BYTES / SHARDS)) -seed $((1000 + i)) -trace=true -o - \
			-truth "$DATA/shard-$i.truth.json" | zstd -3 -T1 -q -c >"$DATA/shard-$i.log.zst"
	done
	echo "$stamp" >"$DATA/stamp"
fi
LOGCAT=$DATA/sync-logcat.log
LOGCAT_TRUTH=$DATA/sync-logcat.truth.json
# Kept with the rest while the stamp holds: a new stamp deletes $DATA's files.
if ((BENCH_LAYOUTS)) && [[ ! -f $LOGCAT_TRUTH ]]; then
	log "generating $SIZE of logcat, seed 1"
	"$BIN/synth" -bytes "$BYTES" -seed 1 -trace=true -layout logcat -o "$LOGCAT" -truth "$LOGCAT_TRUTH"
fi
SHARD_FILES=()
for ((i = 1; i <= SHARDS; i++)); do SHARD_FILES+=("$DATA/shard-$i.log.zst"); done
PLAIN_BYTES=$(stat -c %s "$PLAIN")
SHARD_BYTES=$(jq -s 'map(.bytes) | add' "$DATA"/shard-*.truth.json)

# --- measuring ---------------------------------------------------------------
printf 'case\trun\twall_s\ttime_e_s\trss_kib\n' >"$OUT/raw.tsv"

# timed_run NAME STDOUT CMD...: runs CMD once under GNU time, stdout to
# STDOUT; sets T_WALL (seconds) and T_RSS (KiB). Exit status 0 or 1 is fine
# (synclog: escalations found; grep: no match); anything else is fatal.
timed_run() {
	local name=$1 stdout=$2
	shift 2
	local rc=0 t0 t1
	t0=$EPOCHREALTIME
	/usr/bin/time -f '%e %M' -o "$OUT/time" "$@" >"$stdout" 2>"$OUT/stderr" || rc=$?
	t1=$EPOCHREALTIME
	if ((rc > 1)); then
		cat "$OUT/stderr" >&2
		die "$name: exit status $rc: $*"
	fi
	# GNU time writes "Command exited with non-zero status N" first.
	local e m
	read -r e m < <(tail -n 1 "$OUT/time")
	T_WALL=$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.3f", b - a }')
	T_RSS=$m
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${RUN:-0}" "$T_WALL" "$e" "$m" >>"$OUT/raw.tsv"
}

median() { printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"; }
maxof() { printf '%s\n' "$@" | sort -g | tail -n 1; }

# measure KEY NAME STDOUT CMD...: RUNS runs; sets WALL[KEY], RSS[KEY].
declare -A WALL RSS
measure() {
	local key=$1 name=$2 stdout=$3
	shift 3
	local walls=() rsss=()
	for ((RUN = 1; RUN <= RUNS; RUN++)); do
		timed_run "$key" "$stdout" "$@"
		walls+=("$T_WALL")
		rsss+=("$T_RSS")
	done
	WALL[$key]=$(median "${walls[@]}")
	RSS[$key]=$(maxof "${rsss[@]}")
	log "$name: median ${WALL[$key]} s, peak RSS ${RSS[$key]} KiB"
}

# check NAME REPORT.json TRUTH-JSON-TEXT: compares the totals with the truth.
MISMATCH=0
check() {
	local name=$1 report=$2 truth=$3 f got want
	for f in responses failed_responses escalations no_body_503 network_errors; do
		got=$(jq ".totals.$f" "$report")
		want=$(jq ".$f" <<<"$truth")
		if [[ $got != "$want" ]]; then
			echo "MISMATCH $name: totals.$f = $got, truth $want"
			MISMATCH=1
		fi
	done
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
log "timing, $RUNS runs each (load average $LOAD0)"
measure floor-plain "floor" "$OUT/floor-plain.txt" "$BIN/floor" "$PLAIN"
measure floor-gzip "floor" "$OUT/floor-gzip.txt" "$BIN/floor" "$PLAIN.gz"
measure floor-zstd "floor" "$OUT/floor-zstd.txt" "$BIN/floor" "$PLAIN.zst"
for f in plain gzip zstd; do
	read -r lines _ <"$OUT/floor-$f.txt"
	[[ $lines == "$(jq .lines "$TRUTH")" ]] || die "floor $f counted $lines lines, truth $(jq .lines "$TRUTH")"
done
measure grep "grep -c -F 'fail 503'" "$OUT/grep.txt" grep -c -F 'fail 503' "$PLAIN"

measure synclog-plain "synclog" "$OUT/synclog-plain.json" "$SYNCLOG" scan --format json "$PLAIN"
check "synclog plain" "$OUT/synclog-plain.json" "$(<"$TRUTH")"
measure synclog-gzip "synclog" "$OUT/synclog-gzip.json" "$SYNCLOG" scan --format json "$PLAIN.gz"
check "synclog gzip" "$OUT/synclog-gzip.json" "$(<"$TRUTH")"
measure synclog-zstd "synclog" "$OUT/synclog-zstd.json" "$SYNCLOG" scan --format json "$PLAIN.zst"
check "synclog zstd" "$OUT/synclog-zstd.json" "$(<"$TRUTH")"

if ((BENCH_LAYOUTS)); then
	measure synclog-logcat "synclog logcat" "$OUT/synclog-logcat.json" "$SYNCLOG" scan --format json "$LOGCAT"
	check "synclog logcat" "$OUT/synclog-logcat.json" "$(<"$LOGCAT_TRUTH")"
fi

# Many files at once; -j only if this synclog has it.
help=$("$SYNCLOG" scan --help 2>&1 || true)
JOBS=()
many_case="synclog $SHARDS files, no -j"
if grep -qE -- '(^|[[:space:],])-j([[:space:],=]|$)|--jobs' <<<"$help"; then
	JOBS=(-j "$(nproc)")
	many_case="synclog $SHARDS files -j $(nproc)"
fi
shard_truth=$(jq -s '{responses: map(.responses) | add, failed_responses: map(.failed_responses) | add,
	escalations: map(.escalations) | add, no_body_503: map(.no_body_503) | add,
	network_errors: map(.network_errors) | add}' "$DATA"/shard-*.truth.json)
measure many-par "$many_case" "$OUT/synclog-many.json" "$SYNCLOG" scan --format json "${JOBS[@]}" "${SHARD_FILES[@]}"
check "$many_case" "$OUT/synclog-many.json" "$shard_truth"

# The same files one at a time: the wall times of the 8 runs are summed.
seq_walls=() seq_rss=()
for ((r = 1; r <= RUNS; r++)); do
	sum=0 peak=0
	for ((i = 1; i <= SHARDS; i++)); do
		RUN=$r timed_run "synclog shard $i" "$OUT/synclog-shard-$i.json" \
			"$SYNCLOG" scan --format json "$DATA/shard-$i.log.zst"
		sum=$(awk -v a="$sum" -v b="$T_WALL" 'BEGIN { printf "%.3f", a + b }')
		if ((T_RSS > peak)); then peak=$T_RSS; fi
	done
	seq_walls+=("$sum")
	seq_rss+=("$peak")
done
for ((i = 1; i <= SHARDS; i++)); do
	check "synclog shard $i" "$OUT/synclog-shard-$i.json" "$(<"$DATA/shard-$i.truth.json")"
done
WALL[many-seq]=$(median "${seq_walls[@]}")
RSS[many-seq]=$(maxof "${seq_rss[@]}")
log "synclog $SHARDS files one at a time: median ${WALL[many-seq]} s"

# --- many inputs (BENCH_MANY=1) ------------------------------------------------
if ((BENCH_MANY)); then
	MANY=$DATA/many
	many_stamp="$(sha256sum "$BIN/many" | cut -c1-16) tar=200000 files=50000 per=50"
	if ! reuse "$MANY" "$many_stamp"; then
		rm -rf "$MANY"
		mkdir -p "$MANY"
		log "many inputs: a tar of 200k empty members, 50k small logs"
		"$BIN/many" -tar 200000 -gzip -o "$MANY/members.tar.gz"
		"$BIN/many" -files 50000 -per 50 -o "$MANY/files"
		echo "$many_stamp" >"$MANY/stamp"
	fi
	# The shard reports are this synclog's, written anew each run.
	SHARDS_OUT=$OUT/many-shards
	rm -rf "$SHARDS_OUT"
	mkdir -p "$SHARDS_OUT"
	log "many inputs: 1,000 shard reports"
	find "$MANY/files" -mindepth 1 -maxdepth 1 -type d -print0 |
		xargs -0 -P "$(nproc)" -I{} sh -c '"$1" scan --no-redact -f json -o "$2/$(basename "$3").json" "$3"; [ $? -le 1 ]' \
			sh "$SYNCLOG" "$SHARDS_OUT" {} ||
		die "many inputs: a shard scan failed"
	measure many-tar "synclog scan, 200k tar members" "$OUT/many-tar.json" "$SYNCLOG" scan -f json "$MANY/members.tar.gz"
	measure many-files "synclog scan, 50k files" "$OUT/many-files.json" "$SYNCLOG" scan --no-redact -f json "$MANY/files"
	# --state over the same folder: a first run (no state file: the rm
	# costs nothing next to it), then a rerun with nothing new.
	measure many-state "synclog scan --state, 50k files, first run" "$OUT/many-state.json" \
		sh -c 'rm -f "$1"; exec "$2" scan --no-redact -f json --state "$1" "$3"' sh "$OUT/many.state" "$SYNCLOG" "$MANY/files"
	# Each of these logs ends with a 503 still waiting for its body: --state
	# holds it for the next run, which counts it once it finds the log
	# unchanged. The two runs add up to the scan without --state.
	"$SYNCLOG" scan --no-redact -f json --state "$OUT/many.state" "$MANY/files" >"$OUT/many-held.json" || (($? == 1)) ||
		die "many inputs: the second --state run failed"
	for f in responses failed_responses no_body_503; do
		got=$(jq -s "map(.totals.$f) | add" "$OUT/many-state.json" "$OUT/many-held.json")
		want=$(jq ".totals.$f" "$OUT/many-files.json")
		if [[ $got != "$want" ]]; then
			echo "MISMATCH many inputs: two --state runs' totals.$f = $got, the scan without $want"
			MISMATCH=1
		fi
	done
	measure many-rerun "synclog scan --state, 50k files, nothing new" "$OUT/many-rerun.json" \
		"$SYNCLOG" scan --no-redact -f json --state "$OUT/many.state" "$MANY/files"
	[[ $(jq .totals.responses "$OUT/many-rerun.json") == 0 ]] || {
		echo "MISMATCH many inputs: a rerun with nothing new counted responses"
		MISMATCH=1
	}
	measure many-merge "synclog merge, 1,000 reports" "$OUT/many-merge.json" \
		"$SYNCLOG" merge --redact=false -f json "$SHARDS_OUT"/*.json
	for f in responses failed_responses no_body_503; do
		got=$(jq ".totals.$f" "$OUT/many-merge.json")
		want=$(jq ".totals.$f" "$OUT/many-files.json")
		if [[ $got != "$want" ]]; then
			echo "MISMATCH many inputs: merge totals.$f = $got, the folder's scan $want"
			MISMATCH=1
		fi
	done
fi

# --- incremental runs and many small files -----------------------------------
# State: three logs of BENCH_STATE_SIZE (256M unless the environment says
# otherwise, whatever SIZE), plain, .zst and .gz (seeds 2, 3, 4:
# three logs, not one log three times, which --state would read once). A
# first --state run, a rerun with nothing new, and a rerun after 1 MiB is
# appended to the plain log (its own ground truth: exactly what the rerun
# must report). Small files: 100 MB of log split at line ends into files
# of 20 KB, scanned as a folder, next to the same bytes as one file and
# rg -c over the folder.
INCR=$DATA/incr
STATE_BYTES=$(to_bytes "${BENCH_STATE_SIZE:-256M}") || die "bad BENCH_STATE_SIZE"
incr_stamp="$STATE_BYTES $(sha256sum "$BIN/synth" | cut -c1-16) small=100M/20K"
if ! reuse "$INCR" "$incr_stamp"; then
	rm -rf "$INCR"
	mkdir -p "$INCR/small"
	log "incremental: three logs of $STATE_BYTES bytes, a 1 MiB append, 100 MB in 20 KB files"
	"$BIN/synth" -q -bytes "$STATE_BYTES" -seed 2 -o "$INCR/state.log" -truth "$INCR/state.truth.json"
	"$BIN/synth" -q -bytes "$STATE_BYTES" -seed 3 -o - -truth "$INCR/zst.truth.json" | zstd -3 -T1 -q -c >"$INCR/state.log.zst"
	"$BIN/synth" -q -bytes "$STATE_BYTES" -seed 4 -o - -truth "$INCR/gz.truth.json" | gzip -6 -c >"$INCR/state.log.gz"
	"$BIN/synth" -q -bytes 1M -seed 5 -o "$INCR/append.log" -truth "$INCR/append.truth.json"
	"$BIN/synth" -q -bytes 100M -seed 6 -o "$INCR/small.log"
	(cd "$INCR/small" && split -C 20480 -d -a 5 --additional-suffix=.log ../small.log part-)
	echo "$incr_stamp" >"$INCR/stamp"
fi
ST=$OUT/state
rm -rf "$ST"
mkdir -p "$ST"
cp "$INCR/state.log" "$ST/state.log" # appended to below; the rest is only read
ln -s "$INCR/state.log.zst" "$INCR/state.log.gz" "$ST/"
STATE_INPUTS=("$ST/state.log" "$ST/state.log.zst" "$ST/state.log.gz")
state_truth=$(jq -s '{responses: map(.responses) | add, failed_responses: map(.failed_responses) | add,
	escalations: map(.escalations) | add, no_body_503: map(.no_body_503) | add,
	network_errors: map(.network_errors) | add}' "$INCR"/state.truth.json "$INCR"/zst.truth.json "$INCR"/gz.truth.json)
# Each run of a case starts from the same state file: first runs from none.
state_runs() { # state_runs KEY NAME PREP: RUNS runs, PREP (a function) before each
	local key=$1 name=$2 prep=$3 walls=() rsss=()
	for ((RUN = 1; RUN <= RUNS; RUN++)); do
		$prep
		timed_run "$key" "$OUT/$key.json" "$SYNCLOG" scan -f json --state "$ST/state.json" "${STATE_INPUTS[@]}"
		walls+=("$T_WALL")
		rsss+=("$T_RSS")
	done
	WALL[$key]=$(median "${walls[@]}")
	RSS[$key]=$(maxof "${rsss[@]}")
	log "$name: median ${WALL[$key]} s, peak RSS ${RSS[$key]} KiB"
}
PLAIN_STATE_SIZE=$(stat -c %s "$ST/state.log")
prep_first() { rm -f "$ST/state.json"; }
prep_rerun() { cp "$ST/state.first.json" "$ST/state.json"; }
prep_append() {
	truncate -s "$PLAIN_STATE_SIZE" "$ST/state.log"
	cat "$INCR/append.log" >>"$ST/state.log"
	cp "$ST/state.first.json" "$ST/state.json"
}
state_runs state-first "synclog --state, first run" prep_first
check "synclog --state, first run" "$OUT/state-first.json" "$state_truth"
cp "$ST/state.json" "$ST/state.first.json"
state_runs state-rerun "synclog --state, nothing new" prep_rerun
check "synclog --state, nothing new" "$OUT/state-rerun.json" '{"responses":0,"failed_responses":0,"escalations":0,"no_body_503":0,"network_errors":0}'
state_runs state-append "synclog --state, 1 MiB appended" prep_append
check "synclog --state, 1 MiB appended" "$OUT/state-append.json" "$(<"$INCR/append.truth.json")"

SMALL_FILES=$(find "$INCR/small" -type f | wc -l)
SMALL_BYTES=$(stat -c %s "$INCR/small.log")
measure small-files "synclog scan, $SMALL_FILES files of 20 KB" "$OUT/small-files.json" "$SYNCLOG" scan -f json "$INCR/small"
measure small-one "synclog scan, the same bytes in one file" "$OUT/small-one.json" "$SYNCLOG" scan -f json "$INCR/small.log"
HAVE_RG=0
if command -v rg >/dev/null; then
	HAVE_RG=1
	measure small-rg "rg -c -F 'fail 503', $SMALL_FILES files" "$OUT/small-rg.txt" rg -c -F 'fail 503' "$INCR/small"
fi
# Cut at line ends, the files do not hold the same exchanges as the one
# file (a cut between a response and its body makes two): what is checked
# is that every file was read, as a Sync log.
if [[ $(jq -r .verdict "$OUT/small-files.json") == incomplete ]]; then
	echo "MISMATCH small files: the report is incomplete"
	MISMATCH=1
fi

# --- report ------------------------------------------------------------------
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", b / 1e6 / s; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%%", 100 * a / b; else print "n/a" }'; }
row() { # row KEY CASE INPUT UNCOMPRESSED-BYTES RATIO
	printf '| %s | %s | %.3f | %s | %.1f | %s |\n' "$2" "$3" "${WALL[$1]}" "$(mbps "$4" "${WALL[$1]}")" \
		"$(awk -v k="${RSS[$1]}" 'BEGIN { print k / 1024 }')" "$5"
}
in_plain="sync.log ($(mib "$PLAIN_BYTES") MiB)"
in_gzip="sync.log.gz ($(mib "$(stat -c %s "$PLAIN.gz")") MiB)"
in_zstd="sync.log.zst ($(mib "$(stat -c %s "$PLAIN.zst")") MiB)"
in_many="$SHARDS × shard.log.zst ($(mib "$SHARD_BYTES") MiB plain, $(mib "$(cat "${SHARD_FILES[@]}" | wc -c)") MiB zst)"

echo
echo "## synclog end-to-end benchmark, $SIZE"
echo
echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
echo "- load average at start: $LOAD0 (1, 5, 15 min); at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $(go version | sed 's/^go version //'); $(gzip --version | head -n1); $(zstd --version | sed 's/^\*\*\* //; s/ \*\*\*$//; s/, by.*//')"
echo "- log: $(jq -r '"\(.lines) lines, \(.responses) responses, \(.escalations) escalations"' "$TRUTH"); median of $RUNS runs; MB = 10^6 bytes of uncompressed log"
if ((BENCH_LAYOUTS)); then
	echo "- logcat log: $(jq -r '"\(.lines) lines, \(.responses) responses, \(.escalations) escalations"' "$LOGCAT_TRUTH")"
fi
echo
echo "| case | input | wall s | MB/s (uncompressed) | peak RSS MiB | ratio |"
echo "|---|---|--:|--:|--:|---|"
row floor-plain "floor (read + count lines)" "$in_plain" "$PLAIN_BYTES" ""
row floor-gzip "floor (gunzip + count lines)" "$in_gzip" "$PLAIN_BYTES" ""
row floor-zstd "floor (unzstd + count lines)" "$in_zstd" "$PLAIN_BYTES" ""
row grep "grep -c -F 'fail 503'" "$in_plain" "$PLAIN_BYTES" ""
row synclog-plain "synclog scan" "$in_plain" "$PLAIN_BYTES" \
	"$(ratio "${WALL[synclog-plain]}" "${WALL[floor-plain]}")× floor, $(ratio "${WALL[synclog-plain]}" "${WALL[grep]}")× grep"
if ((BENCH_LAYOUTS)); then
	LOGCAT_BYTES=$(stat -c %s "$LOGCAT")
	row synclog-logcat "synclog scan, logcat" "sync-logcat.log ($(mib "$LOGCAT_BYTES") MiB)" "$LOGCAT_BYTES" \
		"$(ratio "${WALL[synclog-logcat]}" "${WALL[synclog-plain]}")× desktop scan"
fi
row synclog-gzip "synclog scan" "$in_gzip" "$PLAIN_BYTES" "$(ratio "${WALL[synclog-gzip]}" "${WALL[floor-gzip]}")× floor"
row synclog-zstd "synclog scan" "$in_zstd" "$PLAIN_BYTES" "$(ratio "${WALL[synclog-zstd]}" "${WALL[floor-zstd]}")× floor"
row many-par "$many_case" "$in_many" "$SHARD_BYTES" ""
row many-seq "synclog $SHARDS files, one at a time (summed)" "$in_many" "$SHARD_BYTES" \
	"sequential / parallel = $(ratio "${WALL[many-seq]}" "${WALL[many-par]}")"
if ((BENCH_MANY)); then
	many_row() { # many_row KEY CASE INPUT
		printf '| %s | %s | %.3f | %.1f | %s |\n' "$2" "$3" "${WALL[$1]}" \
			"$(awk -v k="${RSS[$1]}" 'BEGIN { print k / 1024 }')" "$(mib "$(stat -c %s "$OUT/$1.json")") MiB"
	}
	echo
	echo "| many inputs | input | wall s | peak RSS MiB | report |"
	echo "|---|---|--:|--:|--:|"
	many_row many-tar "synclog scan" "members.tar.gz: 200,000 empty members ($(mib "$(stat -c %s "$MANY/members.tar.gz")") MiB)"
	many_row many-files "synclog scan" "a folder of 50,000 small logs"
	many_row many-state "synclog scan --state, first run ($(pct "${WALL[many-state]}" "${WALL[many-files]}") of the scan without)" "the same folder"
	many_row many-rerun "synclog scan --state, nothing new" "the same folder"
	many_row many-merge "synclog merge" "1,000 reports of 50 of those logs each"
fi
incr_row() { # incr_row KEY CASE INPUT RATIO
	printf '| %s | %s | %.3f | %.1f | %s |\n' "$2" "$3" "${WALL[$1]}" \
		"$(awk -v k="${RSS[$1]}" 'BEGIN { print k / 1024 }')" "$4"
}
echo
echo "| incremental and small files | input | wall s | peak RSS MiB | against |"
echo "|---|---|--:|--:|---|"
in_state="plain, .zst and .gz, $(mib "$STATE_BYTES") MiB each"
incr_row state-first "synclog scan --state, first run" "$in_state" ""
incr_row state-rerun "synclog scan --state, nothing new" "$in_state" "$(pct "${WALL[state-rerun]}" "${WALL[state-first]}") of the first run"
incr_row state-append "synclog scan --state, 1 MiB appended to the plain log" "$in_state" \
	"$(pct "${WALL[state-append]}" "${WALL[state-first]}") of the first run; $(jq .totals.escalations "$OUT/state-append.json") escalations, $(jq .escalations "$INCR/append.truth.json") appended"
incr_row small-one "synclog scan" "small.log ($(mib "$SMALL_BYTES") MiB, one file)" ""
if ((HAVE_RG)); then
	incr_row small-rg "rg -c -F 'fail 503'" "$SMALL_FILES files of 20 KB" ""
	rg_ratio="; $(ratio "${WALL[small-files]}" "${WALL[small-rg]}")× rg -c"
else
	rg_ratio="; rg not installed"
fi
incr_row small-files "synclog scan" "$SMALL_FILES files of 20 KB (the same bytes)" \
	"$(ratio "${WALL[small-files]}" "${WALL[small-one]}")× one file$rg_ratio"
echo
echo "Profile the parser: \`go test ./internal/parse -run '^\$' -bench Pipeline -cpuprofile $OUT/cpu.out && go tool pprof -top $OUT/cpu.out\`"

if [[ ${BENCH_SOAK:-0} == 1 ]]; then
	echo
	"$ROOT/scripts/soak.sh" "$WORK/soak" || { echo "SOAK FAILED (see above)"; MISMATCH=1; }
fi

if ((MISMATCH)); then
	echo "MISMATCH: synclog's totals disagree with the generator's truth (see above)"
	exit 1
fi
