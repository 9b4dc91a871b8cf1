#!/usr/bin/env bash
# Regenerate the bundled generated traces (traces/generated) byte for byte from the bundled question
# bank (data/question-bank.jsonl). Needs the build (`npm run build`). An output directory other than
# traces/generated may be given (the tests regenerate into a temp dir and compare).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-traces/generated}"
gen() { node dist/cli/main.js generate "$@"; }
gen --out "$OUT" --seed 1 --prompts 50 --breadth 2.5 --verification 1.5
gen --out "$OUT/verl" --format verl --seed 2 --prompts 8 --steps 3 --breadth 1.5 --drift 1
gen --out "$OUT/models" --name eval-shallow --agent gen-shallow --seed 3 --prompts 50 --breadth 1 \
  --verification 0.3 --horizon 10 --accuracy 0.3
gen --out "$OUT/models" --name eval-wide --agent gen-wide --seed 4 --prompts 50 --breadth 3.5 \
  --verification 2 --horizon 48 --accuracy 0.6
