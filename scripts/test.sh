#!/usr/bin/env bash
# The whole test suite from a fresh machine: environments, services, data validation, pytest.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/services.sh"
log "rasa data validate"
(cd "$ROOT/bot" && "$RASA" data validate --fail-on-warnings --domain domain.yml --data data --config config.yml)
log "ruff (lint)"
(cd "$ROOT" && "$ACTIONS_VENV/bin/ruff" check .)
log "docker-compose config (docker-compose.yml: valid, and no secret has a default)"
compose_check() {  # valid with its secrets set (CPU and GPU profiles), refused without any one of them
  local secrets=(POSTGRES_PASSWORD=dummy-pg REDIS_PASSWORD=dummy-redis RASA_TOKEN=dummy-rasa-token
                 CONCIERGE_ACTION_TOKEN=dummy-action-token CONCIERGE_REST_TOKEN=dummy-rest-token
                 CONCIERGE_WEB_SESSION_SECRET=dummy-web-secret) empty secret
  empty="$(mktemp)"  # in place of a developer's .env
  local compose=(docker-compose --env-file "$empty" -f "$ROOT/docker-compose.yml")
  if ! env "${secrets[@]}" "${compose[@]}" config -q || ! env "${secrets[@]}" "${compose[@]}" --profile gpu config -q; then
    log "docker-compose.yml is not valid"; rm -f "$empty"; return 1
  fi
  for secret in "${secrets[@]}"; do
    local others=() other
    for other in "${secrets[@]}"; do [ "$other" = "$secret" ] || others+=("$other"); done
    if env -u "${secret%%=*}" "${others[@]}" "${compose[@]}" config -q >/dev/null 2>&1; then
      log "docker-compose.yml is valid without ${secret%%=*}: a secret must have no default"; rm -f "$empty"; return 1
    fi
  done
  rm -f "$empty"
}
compose_check
log "pytest"
cd "$ROOT"
"$PY" -m pytest "$@"
