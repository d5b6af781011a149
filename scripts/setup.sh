#!/usr/bin/env bash
# Create both Python environments from the lock files (only when missing or the lock changed),
# then load the demo catalog into the store. Safe to run again: it skips what is already done.
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
"$PY" -m recommender load-demo
