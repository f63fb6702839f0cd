#!/usr/bin/env bash
# Runs every test of ECS Desk: formatting and lints, Rust unit and integration tests, UI lint,
# typecheck and component tests, a debug build of the app with its .deb, and the end-to-end tests of
# the real window against the simulator (under Xvfb, with an unlocked Secret Service keyring).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
LOGS="$ROOT/artifacts/logs"
mkdir -p "$LOGS"
START=$SECONDS

# One compile of the Rust workspace serves the app, the .deb, the simulator and the tests. `tauri build`
# runs `cargo build --bins --features tauri/custom-protocol` in src-tauri/; we append
# `--workspace --tests` so Cargo resolves features exactly as `cargo test --workspace` does (dev
# dependencies included). Otherwise shared crates such as the AWS SDK stack get different feature
# sets and are compiled twice. Clippy and the tests pass the same feature.
TAURI_FEATURES=(--features tauri/custom-protocol)
SHARED_BUILD=(-- --workspace --tests --locked)

names=() results=() times=()
failed=0
step() {
  local name="$1" slug t0 rc
  shift
  slug="$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-' | tr 'A-Z' 'a-z')"
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  t0=$SECONDS
  "$@" 2>&1 | tee "$LOGS/$slug.log"
  rc=${PIPESTATUS[0]}
  names+=("$name")
  times+=("$((SECONDS - t0))")
  if [ "$rc" -eq 0 ]; then results+=("ok"); else results+=("FAILED ($rc)"); failed=1; fi
  return "$rc"
}
skip() {
  names+=("$1"); times+=(0); results+=("skipped: $2"); failed=1
  printf '\n\033[1m==> %s: skipped (%s)\033[0m\n' "$1" "$2"
}

ui() { (cd "$ROOT/ui" && "$@"); }
# The tauri CLI runs from ui/ (where it is installed) and is told where the Rust shell lives.
tauri() { TAURI_APP_PATH="$ROOT/src-tauri" TAURI_FRONTEND_PATH="$ROOT/ui" "$ROOT/ui/node_modules/.bin/tauri" "$@"; }

check_deb() {
  local deb
  deb="$(ls -t "$ROOT"/target/debug/bundle/deb/*.deb 2>/dev/null | head -n1)"
  [ -n "$deb" ] || { echo "no .deb under target/debug/bundle/deb"; return 1; }
  echo "package: ${deb#"$ROOT"/}"
  dpkg-deb -I "$deb" || return 1
  dpkg-deb -c "$deb" | grep -qE ' (\./)?usr/bin/ecs-desk$' || { echo "the .deb has no usr/bin/ecs-desk"; return 1; }
  # The packaged binary must start: unpack it and keep it running for a few seconds under Xvfb.
  local dir rc
  dir="$(mktemp -d)"
  dpkg-deb -x "$deb" "$dir"
  HOME="$dir" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    timeout 10 xvfb-run -a "$dir/usr/bin/ecs-desk" >"$LOGS/deb-start.log" 2>&1
  rc=$?
  rm -rf "$dir"
  if [ "$rc" -eq 124 ]; then echo "the packaged app started and kept running"; return 0; fi
  echo "the packaged app exited early with status $rc:"; cat "$LOGS/deb-start.log"; return 1
}

e2e() { "$ROOT/scripts/xsession.sh" npm --prefix "$ROOT/tests/e2e" test; }

step "setup (install what is missing)" "$ROOT/scripts/setup.sh" || { echo "setup failed: stopping"; exit 1; }
step "cargo fmt --check" cargo fmt --all -- --check
step "ui lint" ui npm run --silent lint
step "ui typecheck" ui npm run --silent typecheck
# Vitest also writes its counts as JSON: the summary reads them there, not from the console log.
VITEST_JSON="$ROOT/artifacts/vitest.json"
rm -f "$VITEST_JSON"
step "ui unit tests (vitest)" ui npx vitest run --reporter=default --reporter=json --outputFile.json="$VITEST_JSON"
built=0
if step "build app, .deb, simulator and test binaries" tauri build --debug --bundles deb "${SHARED_BUILD[@]}"; then
  built=1
fi
if [ "$built" -eq 1 ]; then
  step "check the .deb" check_deb
else
  skip "check the .deb" "the app did not build"
fi
# After the build: the shell embeds ui/dist, which the build step creates in a clean clone.
step "cargo clippy" cargo clippy --workspace --all-targets --locked "${TAURI_FEATURES[@]}" -- -D warnings
step "cargo test" cargo test --workspace --locked "${TAURI_FEATURES[@]}"
# Clients we did not write must work against the simulator, and our calls against moto.
step "boto3 and AWS CLI against the simulator" "$ROOT/crates/sim/tests/python/run.sh"
step "core AWS calls against moto" "$ROOT/tests/moto/run.sh"
if [ "$built" -eq 1 ] && [ -x "$ROOT/target/debug/ecsdesk-sim" ]; then
  step "end-to-end tests (tauri-driver, Xvfb)" e2e
else
  skip "end-to-end tests (tauri-driver, Xvfb)" "app or simulator missing"
fi

# Test counts, read from each runner's own summary lines (colour codes stripped first).
for f in "$LOGS"/*.log; do sed -i 's/\x1b\[[0-9;]*m//g' "$f"; done
cargo_pass=$(grep -hoE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$LOGS"/cargo-test.log 2>/dev/null | awk '{s+=$4} END {print s+0}')
cargo_fail=$(grep -hoE '[0-9]+ failed;' "$LOGS"/cargo-test.log 2>/dev/null | awk '{s+=$1} END {print s+0}')
vitest_pass=$(grep -oE '"numPassedTests": *[0-9]+' "$VITEST_JSON" 2>/dev/null | grep -oE '[0-9]+$')
vitest_fail=$(grep -oE '"numFailedTests": *[0-9]+' "$VITEST_JSON" 2>/dev/null | grep -oE '[0-9]+$')
e2e_log="$(ls "$LOGS"/end-to-end-tests*.log 2>/dev/null | head -n1)"
e2e_pass=$(grep -hoE '^# pass [0-9]+' "$e2e_log" 2>/dev/null | grep -oE '[0-9]+' | tail -n1)
e2e_fail=$(grep -hoE '^# fail [0-9]+' "$e2e_log" 2>/dev/null | grep -oE '[0-9]+' | tail -n1)
py_pass=$(grep -hoE '[0-9]+ passed' "$LOGS"/boto3-and-aws-cli-against-the-simulator.log 2>/dev/null | tail -n1 | grep -oE '[0-9]+')
py_fail=$(grep -hoE '[0-9]+ failed' "$LOGS"/boto3-and-aws-cli-against-the-simulator.log 2>/dev/null | tail -n1 | grep -oE '[0-9]+')
moto_pass=$(grep -hoE 'test result: [a-zA-Z]+\. [0-9]+ passed' "$LOGS"/core-aws-calls-against-moto.log 2>/dev/null | awk '{s+=$4} END {print s+0}')
moto_fail=$(grep -hoE '[0-9]+ failed;' "$LOGS"/core-aws-calls-against-moto.log 2>/dev/null | awk '{s+=$1} END {print s+0}')
total_pass=$(( ${cargo_pass:-0} + ${vitest_pass:-0} + ${e2e_pass:-0} + ${py_pass:-0} + ${moto_pass:-0} ))
total_fail=$(( ${cargo_fail:-0} + ${vitest_fail:-0} + ${e2e_fail:-0} + ${py_fail:-0} + ${moto_fail:-0} ))

printf '\n\033[1m==> Summary\033[0m (logs in artifacts/logs, screenshots in artifacts/screenshots)\n'
for i in "${!names[@]}"; do
  printf '  %-46s %-28s %5ss\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
done
printf '  %-46s %s\n' "Rust tests" "${cargo_pass:-0} passed, ${cargo_fail:-0} failed"
printf '  %-46s %s\n' "UI component tests" "${vitest_pass:-0} passed, ${vitest_fail:-0} failed"
printf '  %-46s %s\n' "End-to-end tests" "${e2e_pass:-0} passed, ${e2e_fail:-0} failed"
printf '  %-46s %s\n' "boto3 / AWS CLI checks" "${py_pass:-0} passed, ${py_fail:-0} failed"
printf '  %-46s %s\n' "moto checks" "${moto_pass:-0} passed, ${moto_fail:-0} failed"
printf '  %-46s %ss\n' "Total time" "$((SECONDS - START))"
echo "tests: ${total_pass} passed, ${total_fail} failed"
exit "$failed"
