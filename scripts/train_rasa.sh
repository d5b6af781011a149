#!/usr/bin/env bash
# Train the Rasa model, or reuse the one trained from identical data and config.
# The model is cached under var/models/ by a fingerprint of everything that goes into training.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# on a fresh clone the Rasa environment (and the NLU encoder it reads) come first
if [ ! -x "$RASA" ] || [ ! -f "$ROOT/var/nlu_encoder/model.safetensors" ]; then
  "$ROOT/scripts/setup.sh" >&2
fi
cd "$ROOT/bot"
fingerprint="$(cat config.yml domain.yml $(find data -name '*.yml' | sort) | sha256sum | cut -c1-16)"
model="$ROOT/var/models/concierge-$fingerprint.tar.gz"
if [ ! -f "$model" ]; then
  log "training the Rasa model ($fingerprint)"
  mkdir -p "$ROOT/var/models"
  "$RASA" train --fixed-model-name "concierge-$fingerprint" --out "$ROOT/var/models" >&2
fi
echo "$model"
