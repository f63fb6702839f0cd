#!/usr/bin/env bash
# Checks the simulator with clients we did not write: boto3 and the AWS CLI from PyPI.
# Creates (or reuses) a virtualenv under target/pyvenv, builds and starts ecsdesk-sim on a free
# port with the demo scenario, and runs test_clients.py with pytest against it.
# Usage: crates/sim/tests/python/run.sh [pytest args...]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../../.." && pwd)"
VENV="$ROOT/target/pyvenv"
export PATH="$HOME/.cargo/bin:$PATH"

if ! "$VENV/bin/python" -c "import boto3, pytest, awscli" >/dev/null 2>&1; then
  echo "creating $VENV (boto3, awscli, pytest from PyPI)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check boto3 awscli pytest
fi

# The same package set and features as scripts/test.sh, so Cargo reuses its build.
cargo build --quiet --workspace --locked --features tauri/custom-protocol --bin ecsdesk-sim

WORK="$(mktemp -d)"
SIM_PID=""
cleanup() {
  if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$ROOT/target/debug/ecsdesk-sim" --port 0 --scenario demo --aws-config-out "$WORK/config" \
  >"$WORK/sim.out" 2>"$WORK/sim.err" &
SIM_PID=$!
ENDPOINT=""
for _ in $(seq 1 100); do
  ENDPOINT="$(sed -n 's/^listening on //p' "$WORK/sim.out" | head -n1)"
  if [ -n "$ENDPOINT" ] && [ -s "$WORK/config" ]; then break; fi
  if ! kill -0 "$SIM_PID" 2>/dev/null; then
    echo "ecsdesk-sim exited early:"; cat "$WORK/sim.err"; exit 1
  fi
  sleep 0.1
done
if [ -z "$ENDPOINT" ]; then echo "ecsdesk-sim did not start"; cat "$WORK/sim.err"; exit 1; fi
echo "simulator at $ENDPOINT"

export SIM_ENDPOINT="$ENDPOINT"
export AWS_ENDPOINT_URL="$ENDPOINT"
export AWS_CONFIG_FILE="$WORK/config"
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
export AWS_EC2_METADATA_DISABLED=true
export AWS_CLI="$VENV/bin/aws"
export PYTHONDONTWRITEBYTECODE=1
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_DEFAULT_REGION AWS_REGION
cd "$HERE"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider test_clients.py "$@"
