#!/usr/bin/env bash
# Run the assistant on a shop's own catalog, on a fresh clone: environments, the shop's files
# imported into the store (replacing whatever catalog was there), its vocabulary and answers
# exported into Rasa's data, the Rasa model trained for them, then the terminal chat (or, with
# --web, the website chat and the other channels, as `make web`).
#
#   ./scripts/shop.sh SHOP_DIR [--web | --prepare]
#
# --prepare does everything but start: it prints the trained model's path (tests, deployments).
# SHOP_DIR holds catalog.csv (or catalog.json) and, optionally, shop.yml (name, currency,
# locale), vocabulary.yml (other names for its kinds and features), shop_answers.yml (returns,
# shipping, hours...) and interactions.csv. README: Your own catalog.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
shop="${1:-}"
if [ -z "$shop" ] || [ ! -d "$shop" ]; then
  log "usage: scripts/shop.sh SHOP_DIR [--web | --prepare]   (SHOP_DIR holds catalog.csv or catalog.json)"
  exit 2
fi
shop="$(cd "$shop" && pwd)"
export CONCIERGE_SHOP_DIR="$shop"  # run.sh: no demo scorer for a shop (its own log: README, Personal ranking)
mode="${2:-}"
"$ROOT/scripts/setup.sh"
log "importing the shop in $shop"
"$PY" -m recommender import-shop "$shop" --yes
log "exporting its vocabulary and answers into Rasa's data"
"$PY" -m recommender export-nlu
if [ "$mode" = "--prepare" ]; then
  exec "$ROOT/scripts/train_rasa.sh"
fi
if [ "$mode" = "--web" ]; then
  exec "$ROOT/scripts/web.sh"
fi
exec "$ROOT/scripts/run.sh"
