#!/usr/bin/env bash
# Everything needed to chat with the assistant in the terminal on the embedded defaults:
# environments, demo catalog in SQLite, a scorer trained on the demo log, the Rasa model,
# the action server in the background, then `rasa shell`.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$ROOT/scripts/setup.sh"
if [ ! -f "$ROOT/var/scorer/config.json" ]; then
  log "training the transformer scorer on the demo interaction log"
  "$PY" -m recommender.seq train-demo --out "$ROOT/var/scorer" || log "scorer training failed: the baseline ranker will be used"
fi
model="$("$ROOT/scripts/train_rasa.sh")"
port="${ACTION_PORT:-5055}"
log "starting the action server on port $port (log: var/action-server.log)"
(cd "$ROOT/bot" && exec "$PY" -m rasa_sdk --actions actions --port "$port") > "$ROOT/var/action-server.log" 2>&1 &
action_pid=$!
trap 'kill $action_pid 2>/dev/null' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://localhost:$port/health" >/dev/null 2>&1 && break
  sleep 1
done
cd "$ROOT/bot"
"$RASA" shell --model "$model" --endpoints endpoints.yml
