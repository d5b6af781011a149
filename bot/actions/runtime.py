"""Process-wide resources of the action server, built once: store, catalog, scorer, encoder."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import List, Optional, Tuple

from recommender.dialogue.service import TurnService
from recommender.service import Recommender
from recommender.settings import get_settings
from recommender.store import Store

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    store: Store
    recommender: Recommender
    turns: TurnService

    def user_id(self, channel: Optional[str], sender_id: str) -> int:
        return self.store.user_for_sender(channel or "rest", sender_id)

    def history(self, user_id: int) -> List[Tuple[str, str]]:
        return [(e.item_id, e.event) for e in self.store.history(user_id)]


_lock = threading.Lock()
_runtime: Optional[Runtime] = None


def _load_scorer():
    """The transformer scorer over the scorer folder: the served checkpoint now, and any checkpoint that
    `python -m recommender.seq retrain` publishes later, swapped in between requests (refused with a log line
    when it fails to load, does not match the catalog or scored worse). Until there is one, and for shoppers
    without history, the baseline ranker is used."""
    try:
        from recommender.scoring import open_live_scorer
    except ImportError as exc:  # torch missing in a slim deployment
        logger.warning("transformer scorer unavailable (%s): using the baseline ranker", exc)
        return None
    settings = get_settings()

    def catalog_ids():
        with Store(settings.database_url) as store:
            return store.item_ids()

    return open_live_scorer(settings.scorer_path, threads=settings.scorer_threads or None,
                            reload_seconds=settings.scorer_reload_seconds, catalog_ids=catalog_ids)


def _semantic_matcher(recommender: Recommender):
    """The sentence-encoder matcher for needs in the shopper's words, or None without an encoder."""
    from recommender.understanding.encoder import load_encoder
    from recommender.understanding.semantic import SemanticMatcher, load_feature_descriptions

    encoder = load_encoder(get_settings().encoder_path)
    if encoder is None:
        return None
    return SemanticMatcher(recommender.catalog, recommender.vocabulary, encoder, load_feature_descriptions())


def build_runtime() -> Runtime:
    started = time.perf_counter()
    settings = get_settings()
    store = Store(settings.database_url)
    store.migrate()
    items = store.load_items()
    if not items:
        raise RuntimeError("the catalog is empty: run `python -m recommender load-demo` or import a catalog")
    from recommender.complements import ComplementIndex
    from recommender.variants import model_key, variants_of

    recommender = Recommender(items, store.popularity(), _load_scorer(), model_key=model_key)
    complements = ComplementIndex.from_sequences(store.sequences(), recommender.catalog)
    turns = TurnService(recommender, _semantic_matcher(recommender),
                        complements=lambda item: complements.complements(item),
                        variants_of=lambda item: variants_of(item, recommender.catalog))
    logger.info("catalog loaded: %d items, ranker=%s, semantic matching %s, ready in %.1fs", len(items),
                recommender.ranker.name, "on" if turns.matcher else "off", time.perf_counter() - started)
    return Runtime(store, recommender, turns)


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
