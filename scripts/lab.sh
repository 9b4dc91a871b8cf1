#!/usr/bin/env bash
# Start JupyterLab on notebooks/ with the tslab (TypeScript) kernel. Run scripts/setup.sh first
# (`npm start` does both). Extra arguments go to `jupyter lab`, e.g. `npm start -- --port 9999`.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=()
# JupyterLab refuses to start as root unless told; containers and CI machines often are root
if [ "$(id -u)" = "0" ]; then extra+=(--allow-root); fi
exec .venv/bin/jupyter lab --notebook-dir=notebooks "${extra[@]}" "$@"
