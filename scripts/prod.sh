#!/usr/bin/env bash
# The production configuration as processes on this machine (README: "Deployment"): Rasa with
# bot/endpoints.production.yml (SQL tracker store on PostgreSQL, atomic Redis lock store) and the
# action server on PostgreSQL. Every secret and address comes from the environment; nothing has a
# default password, and a missing variable stops this script before anything starts.
#
#   scripts/prod.sh            both servers, each restarted when it exits; logs in var/log/
#   scripts/prod.sh actions    only the action server, in the foreground (a replica, under a supervisor)
#   scripts/prod.sh rasa       only Rasa, in the foreground (a replica, under a supervisor)
#
# Required: DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD (PostgreSQL: catalog store and tracker store)
#           CONCIERGE_ACTION_TOKEN (the secret Rasa sends to the action server)
#   rasa:   REDIS_HOST REDIS_PORT REDIS_PASSWORD (set it empty for a Redis without AUTH),
#           RASA_TOKEN (Rasa's HTTP API is only ever started with it),
#           CONCIERGE_REST_TOKEN (the REST channel's bearer token), CONCIERGE_WEB_SESSION_SECRET
#           (signs the website chat's session ids; the same on every Rasa replica),
#           ACTION_ENDPOINT_URL (default in the both-servers mode: this machine's action server)
# Optional: RASA_HOST (127.0.0.1) RASA_PORT (5005) CONCIERGE_ACTION_HOST (127.0.0.1) ACTION_PORT (5055)
#           RASA_MODEL (a model file; default: scripts/train_rasa.sh's, trained when the data changed)
#           CONCIERGE_LOAD_DEMO=1 (load the demo catalog when the store has none)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

role="${1:-all}"
case "$role" in
  all|rasa|actions) ;;
  *) log "usage: scripts/prod.sh [all|rasa|actions]"; exit 2 ;;
esac

missing=()
need() { local name; for name in "$@"; do [ -n "${!name:-}" ] || missing+=("$name"); done; }       # set, not empty
need_set() { local name; for name in "$@"; do [ -n "${!name+x}" ] || missing+=("$name"); done; }  # set, may be empty

export RASA_HOST="${RASA_HOST:-127.0.0.1}" RASA_PORT="${RASA_PORT:-5005}" ACTION_PORT="${ACTION_PORT:-5055}"
need DB_HOST DB_PORT DB_NAME DB_USER DB_PASSWORD CONCIERGE_ACTION_TOKEN
if [ "$role" != actions ]; then
  need REDIS_HOST REDIS_PORT RASA_TOKEN CONCIERGE_REST_TOKEN CONCIERGE_WEB_SESSION_SECRET
  need_set REDIS_PASSWORD
  if [ "$role" = all ]; then
    export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"
  fi
  need ACTION_ENDPOINT_URL
fi
if [ ${#missing[@]} -gt 0 ]; then
  log "missing environment variables: ${missing[*]}"
  log "there are no defaults for secrets or addresses; README.md (Deployment) lists every variable"
  exit 1
fi
secrets=(CONCIERGE_ACTION_TOKEN)
[ "$role" = actions ] || secrets+=(RASA_TOKEN CONCIERGE_REST_TOKEN CONCIERGE_WEB_SESSION_SECRET)
for name in "${secrets[@]}"; do
  value="${!name}"
  if [ "${#value}" -lt 16 ]; then
    log "$name is shorter than 16 characters: use a random one (openssl rand -hex 24)"
    exit 1
  fi
done

# The action server's store: the same PostgreSQL database, as an SQLAlchemy URL (password escaped).
CONCIERGE_DATABASE_URL="$("$PY" -c '
import os, urllib.parse
q = lambda name: urllib.parse.quote(os.environ[name], safe="")
print("postgresql+psycopg://%s:%s@%s:%s/%s" % (q("DB_USER"), q("DB_PASSWORD"), os.environ["DB_HOST"],
                                               os.environ["DB_PORT"], q("DB_NAME")))')"
export CONCIERGE_DATABASE_URL CONCIERGE_ACTION_PORT="$ACTION_PORT"

# setup.sh loads the demo catalog into the default store: not into this one unless asked (below)
env -u CONCIERGE_DATABASE_URL CONCIERGE_NO_BROWSER=1 "$ROOT/scripts/setup.sh" >&2

# the action server through its launcher: one process, the token checked on every call but GET /health
actions_cmd=("$PY" -m actions.server --port "$ACTION_PORT")

prepare_store() {
  log "migrating the store schema ($DB_HOST:$DB_PORT/$DB_NAME)"
  "$PY" -m recommender migrate
  if [ "${CONCIERGE_LOAD_DEMO:-}" = 1 ]; then
    "$PY" -m recommender load-demo --if-empty  # only into an empty store: never over a shop's catalog
  fi
}

rasa_cmd=()
prepare_rasa() {  # the model, and Rasa's command line: its HTTP API only ever with its token
  local model="${RASA_MODEL:-}"
  if [ -n "$model" ]; then
    [ -f "$model" ] || { log "RASA_MODEL=$model is not a file"; exit 1; }
  else
    model="$("$ROOT/scripts/train_rasa.sh")"
  fi
  rasa_cmd=("$RASA" run --model "$model" --endpoints endpoints.production.yml --credentials credentials.yml
            --interface "$RASA_HOST" --port "$RASA_PORT" --enable-api --auth-token "$RASA_TOKEN")
}

cd "$ROOT/bot"
case "$role" in
  actions) prepare_store; exec "${actions_cmd[@]}" ;;
  rasa) prepare_rasa; exec "${rasa_cmd[@]}" ;;
esac

# Both servers, each restarted by its own loop when it exits (a crash, a dead worker, a kill).
prepare_store
prepare_rasa
logs="$ROOT/var/log"
mkdir -p "$logs"
supervise() {  # supervise NAME COMMAND...: run it again 2 s after each exit, until stopped with TERM
  local name="$1" child="" status; shift
  trap '[ -n "$child" ] && kill "$child" 2>/dev/null; wait; exit 0' TERM
  while :; do
    "$@" >> "$logs/$name.log" 2>&1 &
    child=$!
    wait "$child" && status=0 || status=$?
    log "$name exited with status $status; restarting it in 2 s (log: var/log/$name.log)"
    sleep 2
  done
}
supervise action-server "${actions_cmd[@]}" &
actions_supervisor=$!
supervise rasa "${rasa_cmd[@]}" &
rasa_supervisor=$!
stop() { kill "$rasa_supervisor" "$actions_supervisor" 2>/dev/null || true; wait; }
trap stop EXIT
trap 'exit 0' TERM INT

log "action server on 127.0.0.1:$ACTION_PORT (log: var/log/action-server.log)"
log "Rasa on $RASA_HOST:$RASA_PORT (log: var/log/rasa.log); loading the model takes a minute or two"
for _ in $(seq 1 600); do
  if curl -fsS "http://127.0.0.1:$RASA_PORT/webhooks/rest/health" >/dev/null 2>&1 \
     && curl -fsS "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1; then
    log "ready: POST http://$RASA_HOST:$RASA_PORT/webhooks/rest/webhook (health: GET /webhooks/rest/health;" \
        "action server: GET http://127.0.0.1:$ACTION_PORT/health); Ctrl-C stops both"
    break
  fi
  sleep 1
done
wait
