#!/usr/bin/env bash
# The website chat (and every channel of bot/credentials.yml) on the embedded defaults:
# environments, demo catalog, the Rasa model, the action server in the background, then
# `rasa run` serving the chat page, the REST webhook and, where their secrets are set in the
# environment, Slack and Telegram. Prints the page's URL.
#   WEB_HOST (default 127.0.0.1; 0.0.0.0 to open it from a phone on the same network)
#   WEB_PORT (default 5005), ACTION_PORT (default 5055)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$ROOT/scripts/setup.sh"
model="$("$ROOT/scripts/train_rasa.sh")"
host="${WEB_HOST:-127.0.0.1}"
port="${WEB_PORT:-5005}"
action_port="${ACTION_PORT:-5055}"
# the secret Rasa sends the action server (endpoints.yml): a fresh one per run unless one is set
if [ -z "${CONCIERGE_ACTION_TOKEN:-}" ]; then
  CONCIERGE_ACTION_TOKEN="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')"
fi
export CONCIERGE_ACTION_TOKEN
log "starting the action server on 127.0.0.1:$action_port (log: var/action-server.log)"
(cd "$ROOT/bot" && exec "$PY" -m actions.server --port "$action_port") > "$ROOT/var/action-server.log" 2>&1 &
action_pid=$!
trap 'kill $action_pid 2>/dev/null' EXIT
for _ in $(seq 1 180); do  # /health answers 200 once the catalog is loaded and the store answers
  curl -fsS "http://127.0.0.1:$action_port/health" >/dev/null 2>&1 && break
  kill -0 "$action_pid" 2>/dev/null || { log "the action server stopped: see var/action-server.log"; exit 1; }
  sleep 1
done
endpoints="$ROOT/var/web-endpoints.yml"
sed "s#http://127.0.0.1:5055/webhook#http://127.0.0.1:$action_port/webhook#" "$ROOT/bot/endpoints.yml" > "$endpoints"
shown="$host"; [ "$host" = "0.0.0.0" ] && shown="localhost"
url="http://$shown:$port/webhooks/web/chat"
(
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$port/webhooks/web/" >/dev/null 2>&1; then
      log "the chat is ready: open $url"
      exit 0
    fi
    sleep 1
  done
) &
log "starting Rasa on $host:$port; the chat page will be at $url"
cd "$ROOT/bot"
"$RASA" run --model "$model" --endpoints "$endpoints" --credentials credentials.yml \
  --interface "$host" --port "$port"
