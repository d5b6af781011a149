#!/usr/bin/env bash
# The whole test suite from a fresh machine: environments, services, data validation, pytest.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/services.sh"
log "rasa data validate"
(cd "$ROOT/bot" && "$RASA" data validate --fail-on-warnings --domain domain.yml --data data --config config.yml)
log "ruff (lint)"
(cd "$ROOT" && "$ACTIONS_VENV/bin/ruff" check .)
log "pytest"
cd "$ROOT"
"$PY" -m pytest "$@"
