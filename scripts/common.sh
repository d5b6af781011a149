# Shared by the project's scripts: locations and interpreter discovery. Source it, don't run it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENVS="$ROOT/.venvs"
RASA_VENV="$VENVS/rasa"
ACTIONS_VENV="$VENVS/actions"
RASA="$RASA_VENV/bin/rasa"
PY="$ACTIONS_VENV/bin/python"
export PYTHONPATH="$ROOT/bot${PYTHONPATH:+:$PYTHONPATH}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 SQLALCHEMY_SILENCE_UBER_WARNING=1

log() { printf '\033[1m[concierge]\033[0m %s\n' "$*" >&2; }

# find_python 3.10 -> prints the path of a working interpreter of that minor version
find_python() {
  local want="$1" candidate
  for candidate in "python$want" "$(command -v pyenv >/dev/null 2>&1 && ls -d "$(pyenv root)"/versions/"$want".*/bin/python"$want" 2>/dev/null | sort -V | tail -n1)"; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$want'.split('.')))" >/dev/null 2>&1; then
      command -v "$candidate" || echo "$candidate"; return 0
    fi
  done
  if command -v uv >/dev/null 2>&1 && candidate="$(uv python find "$want" 2>/dev/null)"; then
    echo "$candidate"; return 0
  fi
  return 1
}
