"""Process-wide resources of the action server, built once: store, catalog and scorer."""
from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import List, Optional, Tuple

from recommender.service import Recommender
from recommender.store import Store

logger = logging.getLogger(__name__)



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
    try:
        from recommender.seq.scorer import default_scorer_dir, load_scorer
    except ImportError as exc:  # torch missing in a slim deployment
        logger.warning("transformer scorer unavailable (%s): using the baseline ranker", exc)
        return None
    return load_scorer(default_scorer_dir())  # logs why when it returns None


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
