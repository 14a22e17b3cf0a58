#!/usr/bin/env bash
# Seek benchmark (issue 7): the player's keyframe seeker on an agent-like session of MiB of output
# (default 100), on a wide terminal (50x200) and a classic one (24x80), each next to the naive
# seek (replay from the start) measured in the same run.
#   bench/seek.sh [MiB]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product hrec-seek-bench >/dev/null
for size in 50x200 24x80; do
  echo "== terminal $size"
  .build/release/hrec-seek-bench "${1:-100}" --size "$size"
  echo
done
