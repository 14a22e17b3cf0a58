#!/usr/bin/env bash
# Masking benchmark (issue 5): hrec's row masker and a plain JSONSerialization parse+serialize of
# the same ~50 MB rows response, each in its own process so peak RSS is per mode.
#   bench/masking.sh [MB]
#   bench/masking.sh page    the gate's case: one 5,000-row page scanned and masked, in one walk
#                            and in two (issue 18), and quoted for the journal
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product hrec-mask-bench >/dev/null
if [ "${1:-}" = page ]; then
  exec .build/release/hrec-mask-bench page
fi
for mode in mask baseline; do
  /usr/bin/time -f "  peak RSS %M KB" .build/release/hrec-mask-bench "$mode" "${1:-50}"
done
echo "goal: the masker at least 200 MB/s on one core"
