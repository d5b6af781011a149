"""Process-wide resources of the action server, built once: store, catalog and scorer."""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from recommender.service import Recommender
from recommender.store import Store

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCORER_PATH = REPO_ROOT / "var" / "scorer"


@dataclass
class Runtime:
    store: Store
    recommender: Recommender

    def user_id(self, channel: Optional[str], sender_id: str) -> int:
        return self.store.user_for_sender(channel or "rest", sender_id)

    def history(self, user_id: int) -> List[Tuple[str, str]]:
        return [(e.item_id, e.event) for e in self.store.history(user_id)]


_lock = threading.Lock()
_runtime: Optional[Runtime] = None


def _load_scorer():
    """The transformer scorer if a checkpoint exists; otherwise the baseline ranker is used."""
    path = Path(os.environ.get("CONCIERGE_SCORER_PATH", DEFAULT_SCORER_PATH))
    try:
        from recommender.seq.scorer import load_scorer
    except ImportError as exc:  # torch missing in a slim deployment
        logger.warning("transformer scorer unavailable (%s): using the baseline ranker", exc)
        return None
    scorer = load_scorer(path)
    if scorer is None:
        logger.info("no scorer checkpoint at %s: using the baseline ranker", path)
    return scorer


def build_runtime() -> Runtime:
    store = Store(os.environ.get("CONCIERGE_DATABASE_URL"))
    store.migrate()
    items = store.load_items()
    if not items:
        raise RuntimeError("the catalog is empty: run `python -m recommender load-demo` or import a catalog")
    recommender = Recommender(items, store.popularity(), _load_scorer())
    logger.info("catalog loaded: %d items, ranker=%s", len(items), recommender.ranker.name)
    return Runtime(store, recommender)


def get_runtime() -> Runtime:
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = build_runtime()
        return _runtime


def reset_runtime() -> None:
    """Forget the cached runtime (tests point it at another database)."""
    global _runtime
    with _lock:
        _runtime = None
