#!/usr/bin/env bash
# Load benchmark of the production configuration (2 Rasa + 2 action servers on PostgreSQL and Redis
# of its own, loopback only): turns/s, p50/p95/p99 latency, errors, memory -> docs/benchmarks.md
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/services.sh"  # redis-server and PostgreSQL's binaries
cd "$ROOT"
PYTHONPATH="$ROOT:$ROOT/bot" "$PY" -m tools.load_bench "$@"
