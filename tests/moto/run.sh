#!/usr/bin/env bash
# Independent check of the core's AWS calls against moto (PyPI `moto[server]`): a mistake shared
# by our client and our simulator cannot hide here. Creates (or reuses) a virtualenv under
# target/motovenv, starts moto_server on a free 127.0.0.1 port, creates a cluster, service,
# target group, load balancer and log group with boto3 (setup_fleet.py), then runs the Rust check
# crates/core/tests/it/moto_check.rs (ignored in a plain `cargo test`) against it.
# Usage: tests/moto/run.sh [extra cargo test args...]   (KEEP_MOTO_LOG=1 keeps /tmp/moto.log)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$ROOT/target/motovenv"
export PATH="$HOME/.cargo/bin:$PATH"

if ! "$VENV/bin/python" -c "import moto, boto3, flask" >/dev/null 2>&1; then
  echo "creating $VENV (moto[server], boto3 from PyPI)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]" boto3 pytest
fi

WORK="$(mktemp -d)"
MOTO_PID=""
cleanup() {
  if [ -n "$MOTO_PID" ]; then kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; fi
  if [ -n "${KEEP_MOTO_LOG:-}" ]; then cp "$WORK/moto.log" /tmp/moto.log; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
export MOTO_ENDPOINT="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1] + '/moto-api/')" "$MOTO_ENDPOINT" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$MOTO_PID" 2>/dev/null; then echo "moto_server exited:"; cat "$WORK/moto.log"; exit 1; fi
  sleep 0.2
done
echo "moto at $MOTO_ENDPOINT"

"$VENV/bin/python" "$HERE/setup_fleet.py" >"$WORK/fleet.json"
export MOTO_FLEET="$WORK/fleet.json"
cat "$MOTO_FLEET"; echo

# Nothing of the developer's own AWS set-up may leak into the check.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_REGION AWS_DEFAULT_REGION
cd "$ROOT"
# The same package set and features as scripts/test.sh, so Cargo reuses its build instead of
# recompiling the AWS SDK stack with another feature set.
cargo test --workspace --locked --features tauri/custom-protocol --test it "$@" -- --ignored --nocapture moto_check::
