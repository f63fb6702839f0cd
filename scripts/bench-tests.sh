#!/usr/bin/env bash
# Measures the core's tests as a developer meets them: a clean build of every test binary of
# ecsdesk-core (`cargo test -p ecsdesk-core --no-run` in a new, empty target directory, so the
# dependencies are built too), then running them (`cargo test -p ecsdesk-core`, nothing left to
# build). Usage: scripts/bench-tests.sh [REV ...] — each REV is measured in its own temporary
# worktree; with none, HEAD is measured. Figures go to stdout as one table row per REV.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH" CARGO_TERM_COLOR=never
[ "$#" -gt 0 ] || set -- HEAD

rows=()
for rev in "$@"; do
  work="$(mktemp -d)"
  target="$(mktemp -d)"
  git -C "$ROOT" worktree add --detach -q "$work/tree" "$rev"
  # The shell embeds ui/dist at compile time; the core's tests do not build the shell.
  cd "$work/tree"
  t0=$(date +%s.%N)
  CARGO_TARGET_DIR="$target" cargo test -p ecsdesk-core --locked --no-run >"$work/build.log" 2>&1
  t1=$(date +%s.%N)
  binaries=$(grep -c '^  Executable ' "$work/build.log" || true)
  CARGO_TARGET_DIR="$target" cargo test -p ecsdesk-core --locked >"$work/run.log" 2>&1
  t2=$(date +%s.%N)
  passed=$(grep -hoE 'test result: ok\. [0-9]+ passed' "$work/run.log" | awk '{s+=$4} END {print s+0}')
  size=$(du -sm "$target" | cut -f1)
  rows+=("$(printf '%-12s %8.0f s %8.0f s %9s %8s %8s MB' \
    "$(git -C "$ROOT" rev-parse --short "$rev")" \
    "$(awk "BEGIN{print $t1 - $t0}")" "$(awk "BEGIN{print $t2 - $t1}")" "$binaries" "$passed" "$size")")
  cd "$ROOT"
  git -C "$ROOT" worktree remove --force "$work/tree"
  rm -rf "$work" "$target"
done

printf '%-12s %10s %10s %9s %8s %11s\n' commit "build" "run" binaries passed "target"
printf '%s\n' "${rows[@]}"
