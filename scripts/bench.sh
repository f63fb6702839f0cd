#!/usr/bin/env bash
# Runs the ECS Desk benchmarks (see BENCHMARKS.md): builds ecsdesk-bench in release, makes sure
# the AWS CLI baseline is installed (PyPI, in a venv under target/pyvenv), then runs every job
# against in-process simulators with 20 ms per AWS call and writes target/bench/report.md.
# Extra arguments go to ecsdesk-bench (e.g. --runs 11, --jobs overview,chart, --no-cli).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
VENV="$ROOT/target/pyvenv"

if ! "$VENV/bin/aws" --version >/dev/null 2>&1; then
  echo "installing the AWS CLI baseline into $VENV (PyPI)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check awscli
fi

cargo build --release --locked -p ecsdesk-bench --bin ecsdesk-bench
mkdir -p "$ROOT/target/bench"
ECSDESK_BENCH_COMMAND="./scripts/bench.sh${*:+ $*}" exec "$ROOT/target/release/ecsdesk-bench" --aws "$VENV/bin/aws" --out "$ROOT/target/bench/report.md" "$@"
