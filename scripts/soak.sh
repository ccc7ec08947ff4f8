#!/usr/bin/env bash
# soak.sh: synclog watch under a steady stream of appends, for memory and
# exactness. Bounded: it stops by itself.
#
# usage: scripts/soak.sh [WORKDIR]
#
#   WORKDIR  where binaries, data and outputs go; default <repo>/bench/soak
#            (git-ignored). The log written there is removed at the end.
#
# It builds synclog and the generator (internal/synth/cmd), writes 64 MiB of
# synthetic desktop log cut into pieces of 1 MiB at line ends, starts
# `synclog watch --from-start -f json -o report.json` on an empty log, then
# appends the pieces, round and round, at SOAK_MB_PER_S MiB/s (default 10)
# for SOAK_SECONDS seconds (default 60), sampling watch's resident memory
# (VmRSS in /proc/PID/status) every SOAK_SAMPLE seconds (default 5). Then
# it stops watch with SIGINT and checks:
#   exact  the escalation lines watch printed = the escalations in the log
#          (synclog scan of the whole log) = totals.escalations of watch's
#          report, and no line printed twice (each names file:line)
#   flat   the last RSS sample is at most 1.5x the one at 10 s
# It prints the samples and the verdict, and exits 1 if either fails.
#
# Needs go, jq and split (coreutils), on Linux (/proc). Installs nothing.
set -euo pipefail

SECONDS_TOTAL=${SOAK_SECONDS:-60}
RATE=${SOAK_MB_PER_S:-10}
SAMPLE=${SOAK_SAMPLE:-5}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${1:-$ROOT/bench/soak}

die() { echo "soak.sh: $*" >&2; exit 1; }
log() { echo "soak.sh: [${SECONDS}s] $*" >&2; }

for tool in go jq split; do
	command -v "$tool" >/dev/null || die "$tool is missing"
done
[[ -d /proc/self ]] || die "needs /proc (Linux)"
((SECONDS_TOTAL >= 1 && RATE >= 1 && SAMPLE >= 1)) || die "SOAK_SECONDS, SOAK_MB_PER_S and SOAK_SAMPLE must be 1 or more"

mkdir -p "$WORK/bin" "$WORK/pieces"
log "building synclog and the generator"
(cd "$ROOT" && go build -o "$WORK/bin/synclog" ./cmd/synclog && go build -o "$WORK/bin/synth" ./internal/synth/cmd)
if [[ ! -s $WORK/pieces/done ]]; then
	log "writing 64 MiB of log in pieces of 1 MiB"
	rm -f "$WORK"/pieces/p-*
	"$WORK/bin/synth" -q -bytes 64M -seed 7 -trace=true -o "$WORK/source.log"
	split -C 1M -d -a 4 "$WORK/source.log" "$WORK/pieces/p-"
	rm "$WORK/source.log"
	echo ok >"$WORK/pieces/done"
fi
pieces=("$WORK"/pieces/p-*)
declare -a sizes
for p in "${pieces[@]}"; do sizes+=("$(stat -c %s "$p")"); done

LOG=$WORK/sync.log
: >"$LOG"
rm -f "$WORK/report.json"
"$WORK/bin/synclog" watch --from-start -f json -o "$WORK/report.json" "$LOG" >"$WORK/lines.txt" 2>"$WORK/stderr.txt" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; rm -f "$LOG"' EXIT

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$PID/status" 2>/dev/null || echo 0; }

log "appending ${RATE} MiB/s for ${SECONDS_TOTAL} s"
declare -a SAMPLES
start=${EPOCHREALTIME/[.,]/}
next_sample=$SAMPLE
i=0
appended=0
for ((sec = 0; sec < SECONDS_TOTAL; sec++)); do
	batch=()
	for ((k = 0; k < RATE; k++)); do
		batch+=("${pieces[i]}")
		appended=$((appended + sizes[i]))
		i=$(((i + 1) % ${#pieces[@]}))
	done
	cat "${batch[@]}" >>"$LOG"
	kill -0 "$PID" 2>/dev/null || die "watch ended early: $(cat "$WORK/stderr.txt")"
	now=${EPOCHREALTIME/[.,]/}
	left=$(((sec + 1) * 1000000 - (now - start)))
	((left > 0)) && sleep "$(printf '0.%06d' "$left")"
	if ((sec + 1 == next_sample)); then
		SAMPLES+=("$((sec + 1)) $(rss)")
		next_sample=$((next_sample + SAMPLE))
	fi
done
elapsed=$(((${EPOCHREALTIME/[.,]/} - start) / 1000))
log "appended $((appended >> 20)) MiB in ${elapsed} ms; stopping watch"
kill -INT "$PID"
status=0
wait "$PID" || status=$?
trap 'rm -f "$LOG"' EXIT

printed=$(wc -l <"$WORK/lines.txt")
distinct=$(awk '{ print $NF }' "$WORK/lines.txt" | sort -u | wc -l)
reported=$(jq .totals.escalations "$WORK/report.json")
truth=$("$WORK/bin/synclog" scan -f json "$LOG" | jq .totals.escalations) || true

echo "| seconds | watch VmRSS KiB |"
echo "|--:|--:|"
for s in "${SAMPLES[@]}"; do
	echo "| ${s% *} | ${s#* } |"
done
echo
echo "appended $((appended >> 20)) MiB in $((elapsed / 1000)) s ($(awk -v b="$appended" -v ms="$elapsed" 'BEGIN { printf "%.1f", b / 1048576 / (ms / 1000) }') MiB/s); watch exit status $status"
echo "escalations: $printed lines printed ($distinct distinct file:line), $reported in watch's report, $truth in the log (synclog scan)"

fail=0
if [[ $printed != "$truth" || $reported != "$truth" || $distinct != "$printed" ]]; then
	echo "NOT EXACT: every escalation must be printed once and counted once"
	fail=1
else
	echo "exact: every escalation printed once"
fi
base="" last=""
for s in "${SAMPLES[@]}"; do
	[[ -z $base && ${s% *} -ge 10 ]] && base=${s#* }
	last=${s#* }
done
if [[ -z $base ]]; then
	echo "memory: too short to judge (no sample at 10 s or later)"
elif ((last * 2 > base * 3)); then
	echo "MEMORY GREW: ${last} KiB at the end, over 1.5x the ${base} KiB at 10 s"
	fail=1
else
	echo "memory flat: ${last} KiB at the end, within 1.5x the ${base} KiB at 10 s"
fi
exit "$fail"
