#!/usr/bin/env bash
# Train the Rasa model, or reuse the one trained from identical data and config.
# The model is cached under var/models/ by a fingerprint of everything that goes into training.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# on a fresh clone the Rasa environment (and the NLU encoder it reads) come first
if [ ! -x "$RASA" ] || [ ! -f "$ROOT/var/nlu_encoder/model.safetensors" ]; then
  "$ROOT/scripts/setup.sh" >&2
fi
cd "$ROOT/bot"
# everything a trained model depends on: config, domain, data, the custom NLU components and the pinned
# Rasa environment, so a model with this fingerprint is the same model wherever it was trained
fingerprint="$(cat config.yml domain.yml $(find data -name '*.yml' | sort) rasa_addons/minilm.py \
  rasa_addons/minilm_featurizer.py "$ROOT/requirements/rasa.lock" | sha256sum | cut -c1-16)"
name="concierge-$fingerprint.tar.gz"
model="$ROOT/var/models/$name"
# a machine-wide cache of trained models (every clone on this machine shares it): a fresh clone of the
# same data reuses the model instead of training it again; CONCIERGE_MODEL_CACHE= (empty) turns it off
cache="${CONCIERGE_MODEL_CACHE-$HOME/.cache/concierge/rasa-models}"
mkdir -p "$ROOT/var/models"
if [ ! -f "$model" ] && [ -n "$cache" ] && [ -f "$cache/$name" ]; then
  log "reusing the Rasa model $fingerprint from $cache"
  cp "$cache/$name" "$model.part" && mv "$model.part" "$model"
fi
if [ ! -f "$model" ]; then
  log "training the Rasa model ($fingerprint)"
  "$RASA" train --fixed-model-name "concierge-$fingerprint" --out "$ROOT/var/models" >&2
  if [ -n "$cache" ]; then
    mkdir -p "$cache" && cp "$model" "$cache/$name.part.$$" && mv "$cache/$name.part.$$" "$cache/$name"
  fi
fi
echo "$model"
