#!/usr/bin/env bash
# REST latency benchmark: recommendation turn vs trivial custom-action turn -> docs/benchmarks.md
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
PYTHONPATH="$ROOT:$ROOT/bot" "$PY" -m tools.bench_rest "$@"
