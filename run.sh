#!/usr/bin/env bash
# Sets up a fresh Debian 12 clone (data sets, build) and runs the dashboard; extra arguments go to `robustlab serve`
# (for example --urls http://0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
./scripts/setup.sh
exec RobustLab.Web/bin/Release/net10.0/linux-x64/robustlab serve "$@"
