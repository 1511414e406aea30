#!/usr/bin/env bash
# Sets up a fresh Debian 12 clone (data sets, build) and runs every test; ends with one line "N passed, N failed".
# Extra arguments go to `dotnet test` (for example --filter "FullyQualifiedName~Cli").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
./scripts/setup.sh

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test RobustLab.sln -c Release --no-build --logger "console;verbosity=normal" "$@" </dev/null 2>&1 | tee "$log" || status=$?

# The fused CPU kernels choose AVX-512, AVX2 or portable vector code from the hardware; on a full run, test the
# narrower paths too by hiding those instruction sets from the .NET JIT.
if [ "$#" -eq 0 ]; then
  for isa in DOTNET_EnableAVX512 DOTNET_EnableAVX2; do
    echo "==== kernel tests with $isa=0 ===="
    env "$isa=0" dotnet test RobustLab.Tests/RobustLab.Tests.csproj -c Release --no-build --logger "console;verbosity=normal" \
      --filter "FullyQualifiedName~RobustLab.Tests.Kernels" </dev/null 2>&1 | tee -a "$log" || status=$?
  done
fi

# Per test assembly, the console logger ends with either "Passed!  - Failed: 0, Passed: 42, Skipped: 1, Total: 43, ..."
# (minimal) or a block of "     Passed: 42" / "     Failed: 0" / "    Skipped: 1" lines (normal); sum whichever appears.
read -r passed failed skipped < <(awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  f += $(i + 1) + 0
      if ($i == "Passed:")  p += $(i + 1) + 0
      if ($i == "Skipped:") s += $(i + 1) + 0
    }
    next
  }
  /^ *Passed: *[0-9]+ *$/  { p += $2 }
  /^ *Failed: *[0-9]+ *$/  { f += $2 }
  /^ *Skipped: *[0-9]+ *$/ { s += $2 }
  END { print p + 0, f + 0, s + 0 }' "$log")

# CI keeps only the tail of the output: repeat each failure (name, message, start of the stack) just before the summary.
if [ "$failed" -ne 0 ]; then
  echo "==== failed tests ===="
  awk '
    /^  (Passed|Skipped) / { inblock = 0 }
    /^  Failed /           { inblock = 1; n = 0 }
    inblock && n < 25      { print; n++ }' "$log"
  echo "======================"
fi
if [ "$skipped" -gt 0 ]; then echo "($skipped skipped)"; fi
echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
