#!/usr/bin/env bash
# One command for the demo: installs what is missing, builds the simulator and the app, starts the
# simulator with the demo scenario (time ×10) and opens ECS Desk on it. Closing the window stops both.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m[demo]\033[0m %s\n' "$*"; }

"$ROOT/scripts/setup.sh"

say "building the app (debug, UI embedded) and the simulator in one cargo run"
# `--workspace` builds the simulator's binary too, with one feature resolution for both.
TAURI_APP_PATH="$ROOT/src-tauri" TAURI_FRONTEND_PATH="$ROOT/ui" "$ROOT/ui/node_modules/.bin/tauri" \
  build --debug --no-bundle -- --workspace

work="$(mktemp -d "${TMPDIR:-/tmp}/ecsdesk-demo.XXXXXX")"
sim_pid=""
cleanup() {
  if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkfifo "$work/sim.out"
"$ROOT/target/debug/ecsdesk-sim" --port 0 --scenario demo --speed "${ECSDESK_DEMO_SPEED:-1}" --aws-config-out "$work/config" >"$work/sim.out" &
sim_pid=$!
# The first stdout line is "listening on http://127.0.0.1:PORT".
exec 3<"$work/sim.out"
read -r -t 30 first <&3 || { echo "the simulator did not start" >&2; exit 1; }
endpoint="${first#listening on }"
# Keep draining the simulator's output so it never blocks on a full pipe.
cat <&3 >"$work/sim.log" &
say "simulator at $endpoint (demo scenario, time ×10)"

: >"$work/credentials"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  say "no display found: starting the app under a virtual X server (xvfb-run)"
  runner=(xvfb-run -a)
else
  runner=()
fi
say "opening ECS Desk — pick the profile demo-govcloud or demo-commercial"
env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_REGION \
  -u AWS_DEFAULT_REGION AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials" \
  AWS_ENDPOINT_URL="$endpoint" AWS_EC2_METADATA_DISABLED=true \
  "${runner[@]}" "$ROOT/target/debug/ecs-desk" || status=$?
say "app closed; stopping the simulator"
exit "${status:-0}"
