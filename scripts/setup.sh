#!/usr/bin/env bash
# Set up everything sounding needs, idempotently: npm packages, the library build, the
# `sounding` self-link notebooks import, a Python venv with JupyterLab, and the tslab kernel.
# Safe to run again; each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'setup: %s\n' "$*" >&2; }

need() { command -v "$1" >/dev/null 2>&1 || { say "missing '$1': $2"; exit 1; }; }
need node "install Node.js >= 20.19"
need npm "install npm (comes with Node.js)"
need python3 "install Python >= 3.9 with venv"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("setup: Node >= 20.19 needed, found "+process.versions.node); process.exit(1) }'

# 1. npm packages (again only when package-lock.json changed)
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.sounding-lock-stamp; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.sounding-lock-stamp
fi

# 2. build the library (dist/) and link node_modules/sounding -> . so notebooks import "sounding"
# (skipped when no source under lib/, no tsconfig and no package file changed since the last build)
src_stamp=$( { find lib -type f \( -name '*.ts' -o -name '*.py' -o -name '*.json' \) -print0 | sort -z | xargs -0 sha1sum; sha1sum tsconfig.json tsconfig.build.json package.json package-lock.json; } | sha1sum | cut -d' ' -f1)
if [ -f dist/cli/main.js ] && [ "$(cat dist/.sounding-src-stamp 2>/dev/null)" = "$src_stamp" ]; then
  say "library build is up to date (sources unchanged)"
else
  say "building the library"
  npx --no-install tsc -p tsconfig.build.json
  echo "$src_stamp" > dist/.sounding-src-stamp
fi
chmod +x dist/cli/main.js
ln -sfn .. node_modules/sounding
ln -sfn ../../dist/cli/main.js node_modules/.bin/sounding   # so `npx sounding …` runs this checkout

# 3. Python venv with JupyterLab (again only when requirements-jupyter.txt changed)
if [ ! -x .venv/bin/jupyter ] || ! cmp -s requirements-jupyter.txt .venv/.sounding-req-stamp; then
  say "creating .venv with JupyterLab (pip, from your configured index)"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check --retries 1 -r requirements-jupyter.txt 2>&1 | grep -v -E "Retrying|is ignored: it is neither" >&2 || true
  .venv/bin/python -c "import jupyterlab, nbconvert, plotly" || { say "pip could not install the Jupyter stack (see above)"; exit 1; }
  cp requirements-jupyter.txt .venv/.sounding-req-stamp
fi
# JupyterLab runs small Node scripts from inside the venv; the repository's "type": "module" would
# make them fail (its build check then warns on every start), so the venv is its own CommonJS scope
[ -f .venv/package.json ] || echo '{ "type": "commonjs" }' > .venv/package.json

# 4. the tslab kernel, registered inside the venv
if [ ! -f .venv/share/jupyter/kernels/tslab/kernel.json ] || ! grep -q "$PWD/node_modules/.bin/tslab" .venv/share/jupyter/kernels/tslab/kernel.json; then
  say "registering the tslab kernel"
  npx --no-install tslab install --python=.venv/bin/python --sys-prefix --binary="$PWD/node_modules/.bin/tslab" >/dev/null
fi
say "ready"
