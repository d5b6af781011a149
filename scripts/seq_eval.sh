#!/usr/bin/env bash
# Reproduce the transformer scorer's figures in docs/scorer.md (one heavy job at a time, niced).
#   scripts/seq_eval.sh games|ml100k|bench|all   (data from $SEQ_DATA, default ../shared/data)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DATA="${SEQ_DATA:-$ROOT/../shared/data}"
run() { nice -n 10 "$PY" -m recommender.seq "$@"; }
what="${1:-all}"
if [[ "$what" == games || "$what" == all ]]; then
  run run "$DATA/amazon-games/Video.txt" --preset games --threads 2 --report-dir "$ROOT/results/seq-games"
fi
if [[ "$what" == ml100k || "$what" == all ]]; then
  ml="$(run download --local "$DATA/ml-100k" | tail -n1 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["path"])')"
  run run "$ml" --primary full --report-dir "$ROOT/results/seq-ml-100k"
fi
if [[ "$what" == bench || "$what" == all ]]; then
  run bench --items 10000,100000,1000000 --requests 200
  run bench --items 10000,100000,1000000 --requests 200 --candidates 500
  run bench --items 10000,100000 --requests 200 --candidates 500 --ensemble 3 --knn-neighbours 200
fi
