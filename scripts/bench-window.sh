#!/usr/bin/env bash
# The window benchmark of BENCHMARKS.md: builds the release app and simulator, then runs the
# end-to-end performance spec (tests/e2e/specs/perf.test.mjs: launch to interactive, the
# 1,000-service list, scroll frame timing, app memory) RUNS times (default 3) against the release
# binaries under Xvfb, and writes each run's figures and their medians to target/bench/window.json.
# Usage: [RUNS=5] ./scripts/bench-window.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
RUNS="${RUNS:-3}"

"$ROOT/scripts/setup.sh" >/dev/null
(cd ui && npm run --silent build)
# Two builds: together, Cargo would unify their features and compile the shared crates once more.
cargo build --release --locked -p ecs-desk --features tauri/custom-protocol
cargo build --release --locked -p ecsdesk-sim
export ECSDESK_APP_BIN="$ROOT/target/release/ecs-desk" ECSDESK_SIM_BIN="$ROOT/target/release/ecsdesk-sim"

OUT="$ROOT/target/bench/window"
rm -rf "$OUT" && mkdir -p "$OUT"
for i in $(seq 1 "$RUNS"); do
  echo "window benchmark: run $i of $RUNS"
  "$ROOT/scripts/xsession.sh" node --test --test-force-exit --test-timeout=300000 "$ROOT/tests/e2e/specs/perf.test.mjs" >"$OUT/run-$i.log" 2>&1 ||
    { cat "$OUT/run-$i.log"; exit 1; }
  cp "$ROOT/artifacts/perf/e2e.json" "$OUT/run-$i.json"
done
node "$ROOT/tests/e2e/lib/perf-summary.mjs" "$OUT"/run-*.json | tee "$ROOT/target/bench/window.json"
