#!/usr/bin/env bash
# Runs `robustlab bench --json` from the Release build and keeps the result as bench/results-<date>.json.
# Extra arguments go to bench (for example --steps 50 or --skip-memory). Build first: dotnet build RobustLab.sln -c Release.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary=RobustLab.Web/bin/Release/net10.0/linux-x64/robustlab
if [ ! -x "$binary" ]; then
  echo "bench: $binary is missing; run scripts/setup.sh or dotnet build RobustLab.sln -c Release first." >&2
  exit 1
fi
out="bench/results-$(date -u +%Y-%m-%d).json"
"$binary" bench --json "$@" </dev/null > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
echo "bench: wrote $out" >&2
