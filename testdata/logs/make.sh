#!/usr/bin/env bash
# Rebuilds every compressed copy of the hand-written fixtures from the .log files.
# Deterministic: gzip -n stores no name/mtime; zstd output depends only on input,
# level and zstd version (made with GNU gzip 1.12 and zstd v1.5.4).
#   X.log.gz  : gzip -9 -n            (single member)
#   X.log.zst : zstd -19, with content checksum (the default)
# Exceptions:
#   modern-trace.log.gz  : TWO gzip members (file split after line 41 = between "POST fail 400" and its "POST body: 14", each half gzipped, cat'ed)
#   modern-trace.log.zst : TWO zstd frames with a skippable frame between them
#                          (magic 50 2A 4D 18, LE32 length 0x1c = 28, payload "synclog fixture: skippable!\n")
set -euo pipefail
cd "$(dirname "$0")"

command -v gzip >/dev/null && command -v zstd >/dev/null

logs=(*.log) # every hand-written fixture

for f in "${logs[@]}"; do
  gzip -9 -n -k -f "$f"
  zstd -19 -q -f "$f" -o "$f.zst"
done

# modern-trace: multi-member gzip and multi-frame zstd with a skippable frame.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -n 41 modern-trace.log > "$tmp/a.log"
tail -n +42 modern-trace.log > "$tmp/b.log"
cmp <(cat "$tmp/a.log" "$tmp/b.log") modern-trace.log

gzip -9 -n -c "$tmp/a.log" > "$tmp/a.gz"
gzip -9 -n -c "$tmp/b.log" > "$tmp/b.gz"
cat "$tmp/a.gz" "$tmp/b.gz" > modern-trace.log.gz

zstd -19 -q -f "$tmp/a.log" -o "$tmp/a.zst"
zstd -19 -q -f "$tmp/b.log" -o "$tmp/b.zst"
# skippable frame: magic 0x184D2A50 (LE: 50 2A 4D 18), size 28 (LE: 1C 00 00 00), 28-byte payload
printf '\x50\x2a\x4d\x18\x1c\x00\x00\x00%s' 'synclog fixture: skippable!
' > "$tmp/skip.bin"
test "$(wc -c < "$tmp/skip.bin")" -eq 36
cat "$tmp/a.zst" "$tmp/skip.bin" "$tmp/b.zst" > modern-trace.log.zst

# verify
for f in "${logs[@]}"; do
  gzip -t "$f.gz"
  zstd -t -q "$f.zst"
  cmp <(gzip -dc "$f.gz") "$f"
  cmp <(zstd -dc -q "$f.zst") "$f"
done
echo "make.sh: ${#logs[@]} fixtures, .gz and .zst rebuilt and verified"
