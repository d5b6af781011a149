#!/usr/bin/env bash
# Everything needed to chat with the assistant in the terminal on the embedded defaults:
# environments, demo catalog in SQLite, a scorer trained on the demo log, the Rasa model,
# the action server in the background, then `rasa shell`.
#
# Start-up is quiet: library warnings (TensorFlow, SQLAlchemy, pkg_resources, sanic, matplotlib...)
# and Rasa's INFO logs are left out; errors still show. CONCIERGE_VERBOSE=1 shows everything.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

if [ -z "${CONCIERGE_VERBOSE:-}" ]; then
  export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore}"        # warnings raised before a library re-enables them
  export LOG_LEVEL="${LOG_LEVEL:-WARNING}"                 # Rasa's own loggers ("Loading model...")
  export LOG_LEVEL_LIBRARIES="${LOG_LEVEL_LIBRARIES:-ERROR}"  # sanic, TensorFlow, matplotlib, kafka...
  export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-3}"  # TensorFlow's C++ log (CUDA, CPU features)
  export TF_ENABLE_ONEDNN_OPTS="${TF_ENABLE_ONEDNN_OPTS:-0}"  # and its "oneDNN custom operations" notice
  export RASA_TELEMETRY_ENABLED="${RASA_TELEMETRY_ENABLED:-false}"  # no first-run telemetry notice
  export TOKENIZERS_PARALLELISM="${TOKENIZERS_PARALLELISM:-false}"  # no fork warning from HF tokenizers
fi

# sanic and Rasa call warnings.filterwarnings("once", ...) for DeprecationWarning and UserWarning
# while they import, which outranks PYTHONWARNINGS. So stderr also drops Python warning records:
# a "path:line: SomeWarning: message" header, up to three message lines, and the indented source
# line. Anything else (log lines, errors, tracebacks) passes through unchanged.
quiet() {
  if [ -n "${CONCIERGE_VERBOSE:-}" ]; then cat; return; fi
  awk '
    /^[^ ].*:[0-9]+: [A-Za-z]*Warning: / { skip = 4; next }
    skip > 0 && /^  / { skip = 0; next }
    skip > 0 && !/Traceback|Error|Exception/ && !/^(.\[[0-9;]*m)?[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { skip--; next }
    { skip = 0; print; fflush() }
  '
}

"$ROOT/scripts/setup.sh"
if [ ! -f "$ROOT/var/scorer/config.json" ] && [ -z "${CONCIERGE_SHOP_DIR:-}" ]; then
  # its chosen settings and per-epoch progress go to a log file unless verbose
  scorer_log="$ROOT/var/scorer-train.log" where="var/scorer-train.log"
  if [ -n "${CONCIERGE_VERBOSE:-}" ]; then scorer_log=/dev/stderr where="above"; fi
  log "training the transformer scorer on the demo interaction log (about 2 minutes; output: $where)"
  "$PY" -m recommender.seq train-demo --out "$ROOT/var/scorer" > "$scorer_log" 2>&1 \
    || log "scorer training failed (output: $where): the baseline ranker will be used"
fi
log "preparing the Rasa model (training it takes a few minutes after the bot's data changed)"
model="$("$ROOT/scripts/train_rasa.sh" 2> >(exec >&2; trap '' INT; quiet))"
port="${ACTION_PORT:-5055}"
# the secret Rasa sends the action server (endpoints.yml): a fresh one per run unless one is set
if [ -z "${CONCIERGE_ACTION_TOKEN:-}" ]; then
  CONCIERGE_ACTION_TOKEN="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')"
fi
export CONCIERGE_ACTION_TOKEN
log "starting the action server on 127.0.0.1:$port (log: var/action-server.log)"
(cd "$ROOT/bot" && exec "$PY" -m actions.server --port "$port") > "$ROOT/var/action-server.log" 2>&1 &
action_pid=$!
trap 'kill $action_pid 2>/dev/null || true' EXIT  # the server may have stopped already
for _ in $(seq 1 180); do  # /health answers 200 once the catalog is loaded and the store answers
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$action_pid" 2>/dev/null || { log "the action server stopped: see var/action-server.log"; exit 1; }
  sleep 1
done
endpoints="$ROOT/var/shell-endpoints.yml"
sed "s#http://127.0.0.1:5055/webhook#http://127.0.0.1:$port/webhook#" "$ROOT/bot/endpoints.yml" > "$endpoints"
log "loading the assistant (a minute or two)"
cd "$ROOT/bot"
"$RASA" shell --model "$model" --endpoints "$endpoints" 2> >(exec >&2; trap '' INT; quiet)
