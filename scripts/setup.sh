#!/usr/bin/env bash
# Installs what ECS Desk needs to build, run and test it — and only what is missing.
# Debian 12; run as root or as a user with sudo. Safe to run again: it skips what is there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "not root and sudo is missing: run as root or install sudo"
  SUDO="sudo"
fi

# System packages: Tauri's WebKitGTK stack, the WebDriver and X server for end-to-end tests,
# and the Secret Service keyring that the sign-in tests use.
APT_PACKAGES=(
  libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev webkit2gtk-driver xvfb gnome-keyring dbus-x11
  libsecret-1-dev pkg-config
)
command -v node >/dev/null || APT_PACKAGES+=(nodejs)
command -v npm >/dev/null || APT_PACKAGES+=(npm)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing system packages: ${missing[*]}"
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  say "system packages: all present"
fi

# Toolchains that cannot come from apt in a usable version.
command -v cargo >/dev/null || die "Rust is missing: install it with rustup (https://rustup.rs), then run this again"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
node_minor="$(node -p 'process.versions.node.split(".")[1]')"
if [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 19 ]; }; then
  die "Node.js $(node -v) is too old: Vite needs 20.19 or newer (Debian 12's own package is 18; use the NodeSource or nodejs.org build)"
fi

# Node modules, reinstalled only when package-lock.json changed since the last install.
npm_ci() {
  local dir="$1" stamp="$1/node_modules/.ecsdesk-lock.sha256" want
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    say "node modules in ${dir#"$ROOT"/}: up to date"
    return
  fi
  say "npm ci in ${dir#"$ROOT"/}"
  if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error); then
    # A registry mirror without the other platforms' optional packages (e.g. the tauri CLI's macOS
    # binaries) leaves them out of the lock file, and `npm ci` refuses that; `npm install` still
    # installs exactly the locked versions.
    say "npm ci refused the lock file; installing the locked versions with npm install"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
  fi
  echo "$want" >"$stamp"
}
npm_ci "$ROOT/ui"
npm_ci "$ROOT/tests/e2e"

# tauri-driver: the WebDriver front for Tauri apps, used by the end-to-end tests.
export PATH="$HOME/.cargo/bin:$PATH"
if command -v tauri-driver >/dev/null; then
  say "tauri-driver: present"
else
  say "installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi
say "done"
