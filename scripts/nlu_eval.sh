#!/usr/bin/env bash
# NLU hold-out evaluation for Concierge.
#
#   scripts/nlu_eval.sh            # from the repo root (or anywhere; it cd's there)
#
# 1. collects ALL intent examples (bot/data/nlu/*.yml and bot/data/shop_talk.yml, whose faq/*
#    retrieval intents carry their responses with them) into one folder and splits them 80/20 per
#    intent with a fixed seed (`rasa data split nlu`; each part keeps the faq responses it needs),
# 2. trains an NLU-only model on the 80% part plus the lookup tables / synonyms from
#    bot/data/vocabulary.yml (those belong to training only),
# 3. runs `rasa test nlu` on the held-out 20%,
# 4. prints intent and entity weighted F1 / macro F1 / accuracy as a markdown table (plus the
#    ResponseSelector's faq/* accuracy when there are retrieval intents), the most frequent intent
#    confusions, and one JSON line (prefixed "NLU_EVAL_JSON ").
#
# Environment overrides (defaults in brackets):
#   RASA              rasa executable            [.venvs/rasa/bin/rasa]
#   NLU_EVAL_DATA     NLU example files/dirs, space-separated; missing ones are skipped
#                                                [bot/data/nlu bot/data/shop_talk.yml bot/data/shop_answers.yml]
#   NLU_EVAL_VOCAB    lookups + synonyms file    [bot/data/vocabulary.yml]
#   NLU_EVAL_CONFIG   pipeline config            [bot/config.yml]
#   NLU_EVAL_SEED     split seed                 [2024]
#   NLU_EVAL_FRACTION training fraction          [0.8]
#   NLU_EVAL_OUT      work/output directory      [var/nlu_eval]  (git-ignored)
#   NLU_EVAL_WRITE_DOCS 1 writes the table into docs/benchmarks.md [1]
#   NLU_EVAL_MIN_INTENT_F1 / NLU_EVAL_MIN_ENTITY_F1
#                     if set, exit 1 when the weighted F1 is below the threshold
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PYTHONPATH="$PWD/bot${PYTHONPATH:+:$PYTHONPATH}"  # bot/rasa_addons: custom NLU components of config.yml

RASA="${RASA:-.venvs/rasa/bin/rasa}"
DATA="${NLU_EVAL_DATA:-bot/data/nlu bot/data/shop_talk.yml bot/data/shop_answers.yml}"
VOCAB="${NLU_EVAL_VOCAB:-bot/data/vocabulary.yml}"
CONFIG="${NLU_EVAL_CONFIG:-bot/config.yml}"
SEED="${NLU_EVAL_SEED:-2024}"
FRACTION="${NLU_EVAL_FRACTION:-0.8}"
OUT="${NLU_EVAL_OUT:-var/nlu_eval}"

if [[ -x "$(dirname "$RASA")/python" ]]; then PY="$(dirname "$RASA")/python"; else PY="${PYTHON:-python3}"; fi

[[ -e "$CONFIG" ]] || { echo "nlu_eval: missing $CONFIG" >&2; exit 2; }
read -r -a DATA_PATHS <<<"$DATA"
if [[ ! -e "$VOCAB" ]]; then
  echo "nlu_eval: warning: $VOCAB not found, training without lookup tables/synonyms" >&2
fi

export SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=2

rm -rf "$OUT"
mkdir -p "$OUT/data" "$OUT/split" "$OUT/train" "$OUT/models" "$OUT/results"

# One flat folder of every NLU file (the lookup/synonym file stays out: it is training-only).
n=0
for p in "${DATA_PATHS[@]}"; do
  if [[ -d "$p" ]]; then
    files=$(find "$p" -type f \( -name '*.yml' -o -name '*.yaml' \) | sort)
  elif [[ -f "$p" ]]; then
    files="$p"
  else
    echo "nlu_eval: note: $p not found, skipped" >&2; continue
  fi
  for f in $files; do
    [[ "$(realpath "$f")" == "$(realpath "$VOCAB" 2>/dev/null || true)" ]] && continue
    n=$((n + 1))
    cp "$f" "$OUT/data/$(printf '%02d' "$n")_$(basename "$f")"
  done
done
[[ $n -gt 0 ]] || { echo "nlu_eval: no NLU files in: $DATA" >&2; exit 2; }

echo "== split $DATA ($n files, seed $SEED, train fraction $FRACTION)" >&2
"$RASA" data split nlu --nlu "$OUT/data" --training-fraction "$FRACTION" \
  --random-seed "$SEED" --out "$OUT/split" --quiet

cp "$OUT/split/training_data.yml" "$OUT/train/training_data.yml"
[[ -e "$VOCAB" ]] && cp "$VOCAB" "$OUT/train/vocabulary.yml"
# `rasa data split nlu` drops the `responses:` of retrieval intents (faq/*): the ResponseSelector
# needs them to train and `rasa test nlu` to evaluate, so both parts get all of them back.
mkdir -p "$OUT/test"
cp "$OUT/split/test_data.yml" "$OUT/test/test_data.yml"
"$PY" - "$OUT/data" "$OUT/train/responses.yml" "$OUT/test/responses.yml" <<'PYEOF'
import glob, sys
from rasa.shared.utils.io import read_yaml_file, write_yaml

responses = {}
for path in sorted(glob.glob(sys.argv[1] + "/*")):
    data = read_yaml_file(path) or {}
    responses.update((data.get("responses") or {}) if isinstance(data, dict) else {})
if responses:
    for out in sys.argv[2:]:
        write_yaml({"version": "3.1", "responses": responses}, out)
PYEOF

echo "== train NLU model ($CONFIG)" >&2
"$RASA" train nlu --nlu "$OUT/train" --config "$CONFIG" --out "$OUT/models" \
  --fixed-model-name nlu_eval --quiet

echo "== test on held-out $OUT/split/test_data.yml" >&2
"$RASA" test nlu --nlu "$OUT/test" --model "$OUT/models/nlu_eval.tar.gz" \
  --out "$OUT/results" --quiet >"$OUT/test.log" 2>&1 || { tail -40 "$OUT/test.log" >&2; exit 1; }

"$PY" - "$OUT" "$SEED" "$FRACTION" "$CONFIG" <<'PYEOF'
import json, os, sys

out, seed, fraction, config = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
res = os.path.join(out, "results")


def load(name):
    path = os.path.join(res, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def summary(report):
    if not report:
        return None
    return {
        "weighted_f1": round(report["weighted avg"]["f1-score"], 4),
        "macro_f1": round(report["macro avg"]["f1-score"], 4),
        "micro_f1": round(report.get("micro avg", {}).get("f1-score", report.get("accuracy", 0.0)), 4),
        "accuracy": round(report["accuracy"], 4) if "accuracy" in report else None,
        "support": report["weighted avg"]["support"],
    }


intent = summary(load("intent_report.json"))
entity = summary(load("DIETClassifier_report.json"))
response = summary(load("response_selection_report.json"))  # faq/* answers, when there are any
rows = [("intent", intent), ("entity (DIET, per token)", entity)]
if response is not None:
    rows.append(("faq answer (ResponseSelector)", response))

print()
print(f"NLU hold-out evaluation (seed {seed}, train fraction {fraction}, config {config})")
print()
print("| task | weighted F1 | macro F1 | micro F1 | accuracy | test support |")
print("|---|---|---|---|---|---|")
fmt = lambda v: "n/a" if v is None else f"{v:.3f}"
for name, s in rows:
    if s is None:
        print(f"| {name} | n/a | n/a | n/a | n/a | n/a |")
    else:
        print(f"| {name} | {fmt(s['weighted_f1'])} | {fmt(s['macro_f1'])} | {fmt(s['micro_f1'])} "
              f"| {fmt(s['accuracy'])} | {s['support']} |")

rep = load("intent_report.json") or {}
conf = []
for label, v in rep.items():
    if isinstance(v, dict) and v.get("confused_with"):
        for other, n in v["confused_with"].items():
            conf.append((n, label, other))
conf.sort(key=lambda t: (-t[0], t[1], t[2]))
if conf:
    print()
    print("intent confusions (true -> predicted: count):")
    for n, a, b in conf:
        print(f"  {a} -> {b}: {n}")

erep = load("DIETClassifier_report.json") or {}
per_entity = {k: round(v["f1-score"], 3) for k, v in erep.items()
              if isinstance(v, dict) and "f1-score" in v and not k.endswith("avg")}
if per_entity:
    print()
    print("entity F1 per type: " + ", ".join(f"{k}={v}" for k, v in sorted(per_entity.items())))

print()
print("NLU_EVAL_JSON " + json.dumps({
    "seed": seed, "train_fraction": fraction, "config": config,
    "intent": intent, "entity": entity, "entity_per_type": per_entity, "response_selection": response,
}, sort_keys=True))

table = ["| task | weighted F1 | macro F1 | accuracy | test examples |", "|---|---|---|---|---|"]
for name, s in rows:
    if s is not None:
        table.append(f"| {name} | {fmt(s['weighted_f1'])} | {fmt(s['macro_f1'])} | {fmt(s['accuracy'])} "
                     f"| {s['support']} |")
body = (f"## NLU quality (held-out split)\n\nCommand: `make nlu-eval` (`scripts/nlu_eval.sh`): "
        f"`rasa data split nlu` ({fraction:.0%} train, seed {seed}), `rasa train nlu` with `{config}` on the "
        f"training part, `rasa test nlu` on the held-out part. Data: every NLU file (`bot/data/nlu/*.yml` and "
        f"`bot/data/shop_talk.yml`); `bot/data/vocabulary.yml` (lookups, synonyms) is used for training only.\n\n" + "\n".join(table) + "\n")
if per_entity:
    body += "\nEntity F1 per type: " + ", ".join(f"{k} {v}" for k, v in sorted(per_entity.items())) + "\n"
if conf:
    body += "\nMost frequent intent confusions (true -> predicted: count): " + "; ".join(
        f"{a} -> {b}: {n}" for n, a, b in conf[:8]) + "\n"
if os.environ.get("NLU_EVAL_WRITE_DOCS", "1") == "1":
    sys.path.insert(0, os.getcwd())
    from tools.report import write_section
    write_section("nlu", body)

with open(os.path.join(out, "summary.json"), "w") as f:
    json.dump({"seed": seed, "intent": intent, "entity": entity, "entity_per_type": per_entity,
               "response_selection": response}, f, indent=2)
PYEOF

check() {  # name value threshold
  [[ -z "$3" ]] && return 0
  "$PY" -c "import sys; sys.exit(0 if float('$2') >= float('$3') else 1)" || {
    echo "nlu_eval: $1 weighted F1 $2 below threshold $3" >&2; return 1; }
}
IF1=$("$PY" -c "import json;print(json.load(open('$OUT/summary.json'))['intent']['weighted_f1'])")
EF1=$("$PY" -c "import json;d=json.load(open('$OUT/summary.json'))['entity'];print(d['weighted_f1'] if d else 0)")
status=0
check intent "$IF1" "${NLU_EVAL_MIN_INTENT_F1:-}" || status=1
check entity "$EF1" "${NLU_EVAL_MIN_ENTITY_F1:-}" || status=1
exit $status
