#!/bin/sh
# The main demo: builds awsorch, starts awsorch-emulator on a free loopback port
# with the demo's config (examples/partial_rerun.json), and runs
# examples/partial_rerun: an orders pipeline fails in its gold jobs, the re-run
# plan is worked out from the execution's history, and only the gold jobs run
# again. Time in the emulator runs 3600x faster, so the 45-minute silver job
# takes under a second.
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null

log=$(mktemp)
./build/awsorch-emulator --port 0 --config examples/partial_rerun.json >"$log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null; rm -f "$log"' EXIT INT TERM
# The emulator prints its address once it listens; wait for that line (bounded).
tries=0
until grep -q 'listening on' "$log"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$emulator" 2>/dev/null; then
        cat "$log" >&2
        echo "demo: the emulator did not start" >&2
        exit 1
    fi
    sleep 0.05
done
endpoint=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log" | head -n 1)
echo "awsorch-emulator at $endpoint"
echo

# The emulator's built-in test keys; nothing here reaches AWS.
AWS_ENDPOINT_URL="$endpoint" AWS_REGION=us-east-1 \
    AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
    AWS_SESSION_TOKEN= AWS_EC2_METADATA_DISABLED=true \
    ./build/examples/partial_rerun
