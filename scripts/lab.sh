#!/usr/bin/env bash
# Start JupyterLab on notebooks/ with the tslab (TypeScript) kernel. Run scripts/setup.sh first
# (`npm start` does both). Extra arguments go to `jupyter lab`, e.g. `npm start -- --port 9999`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/jupyter lab --notebook-dir=notebooks "$@"
