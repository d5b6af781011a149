#!/usr/bin/env bash
# Reproduce the transformer scorer's figures in docs/scorer.md (one heavy job at a time, niced).
#   scripts/seq_eval.sh games|toys|sports|ml100k|demo|bench|all   (data from $SEQ_DATA, default ../shared/data)
# Settings are chosen from each data set's shape; each run holds to its own 20-minute budget (--max-minutes).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DATA="${SEQ_DATA:-$ROOT/../shared/data}"
run() { nice -n 10 "$PY" -m recommender.seq "$@"; }
what="${1:-all}"
if [[ "$what" == games || "$what" == all ]]; then
  run run "$DATA/amazon-games/Video.txt" --report-dir "$ROOT/results/seq-games"
fi
if [[ "$what" == toys || "$what" == all ]]; then
  run run "$DATA/amazon-toys-sports/Toys_and_Games.txt" --report-dir "$ROOT/results/seq-toys"
fi
if [[ "$what" == sports || "$what" == all ]]; then
  run run "$DATA/amazon-toys-sports/Sports_and_Outdoors.txt" --report-dir "$ROOT/results/seq-sports"
fi
if [[ "$what" == ml100k || "$what" == all ]]; then
  ml="$(run download --local "$DATA/ml-100k" | tail -n1 | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["path"])')"
  run run "$ml" --report-dir "$ROOT/results/seq-ml-100k"
fi
if [[ "$what" == demo || "$what" == all ]]; then
  run train-demo --out "$ROOT/results/seq-demo-scorer"
fi
if [[ "$what" == bench || "$what" == all ]]; then
  run bench --items 10000,100000,1000000 --requests 200
  run bench --items 10000,100000,1000000 --requests 200 --candidates 500
  run bench --items 10000,100000 --requests 200 --candidates 500 --ensemble 3 --knn-neighbours 200
fi
