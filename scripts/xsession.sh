#!/usr/bin/env bash
# Runs a command the way the end-to-end tests and the window benchmark need it: on a virtual X
# server, inside a private session bus with an unlocked gnome-keyring (the bus's services then see
# the display too). The keyring lives in a fresh data folder and gets a non-empty password: for an
# empty one gnome-keyring creates no login keyring, so there is no default collection for secrets.
# Usage: scripts/xsession.sh COMMAND [ARG...]
set -uo pipefail
keyrings="$(mktemp -d)"
xvfb-run -a -s "-screen 0 1366x900x24" dbus-run-session -- bash -c '
  set -e
  export XDG_DATA_HOME="$1"
  shift
  eval "$(printf ecsdesk-e2e | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"
' _ "$keyrings" "$@"
rc=$?
rm -rf "$keyrings"
exit "$rc"
