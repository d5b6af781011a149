"""Channel settings: a key in bot/credentials.yml wins, else an environment variable.

Secrets are never written into credentials.yml: the connectors read them from the environment
(``SLACK_BOT_TOKEN``, ``TELEGRAM_BOT_TOKEN`` ...). Rasa's own ``${VAR}`` substitution is not used
because it refuses to start when a variable is unset, and the REST, terminal and web channels must
run on a machine that has no Slack or Telegram secrets.
"""
from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional


def setting(credentials: Optional[Mapping[str, Any]], key: str, env: str, default: Any = None) -> Any:
    """``credentials[key]`` when set and not empty, else ``$env`` when set and not empty, else default."""
    value = (credentials or {}).get(key)
    if value not in (None, ""):
        return value
    value = os.environ.get(env, "").strip()
    return value if value else default


def flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def merged(credentials: Optional[Mapping[str, Any]], env_names: Mapping[str, str]) -> Dict[str, Any]:
    """The credentials with every key of ``env_names`` filled from its environment variable when missing."""
    result: Dict[str, Any] = dict(credentials or {})
    for key, env in env_names.items():
        value = setting(credentials, key, env)
        if value is not None:
            result[key] = value
    return result
