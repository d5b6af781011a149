"""Process-wide resources of the action server: store, catalog, scorer, encoder.

The catalog-derived part (items, vocabulary, ranker, complements, semantic matcher) is rebuilt
whenever the store's catalog version moves (an import, ``load-demo``): the action server's watcher
thread (``start_watcher``, started by ``python -m actions.server``) reads that one-row counter every
``CONCIERGE_CATALOG_CHECK_SECONDS``, builds a new ``Runtime`` beside the served one and swaps the
reference in one assignment. An action reads the reference once (``get_runtime()``) and uses that
runtime to its end, so a request in flight finishes on the catalog it started with and no request
waits for a rebuild. The sentence encoder and the live scorer are built once per process and shared.
"""
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

#: longest pause between two attempts to build the first runtime (store down at start-up)
MAX_RETRY_SECONDS = 30.0


class RuntimeNotReady(RuntimeError):
    """The runtime is still being built in the background (or its build keeps failing)."""


@dataclass
class Runtime:
    store: Store
    recommender: Recommender
    turns: TurnService
    #: the store's catalog version this runtime's indexes were built from
    catalog_version: int = 0

    def user_id(self, channel: Optional[str], sender_id: str) -> int:
        return self.store.user_for_sender(channel or "rest", sender_id)

    def history(self, user_id: int) -> List[Tuple[str, str]]:
        return [(e.item_id, e.event) for e in self.store.history(user_id)]


_lock = threading.Lock()  # one build at a time
_runtime: Optional[Runtime] = None
_scorer_loaded = False
_scorer = None
#: set by the action server's launcher: requests never build on their own thread, the watcher does
_background = False
#: why the last build or catalog check failed ("" when it did not)
_last_error = ""


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


def _shared_scorer():
    """One live scorer per process, kept across catalog rebuilds (it follows its own folder)."""
    global _scorer, _scorer_loaded
    if not _scorer_loaded:
        _scorer = _load_scorer()
        _scorer_loaded = True
    return _scorer


class CatalogEncoder:
    """The sentence encoder, remembering the rows of the big batches a build encodes (item texts, feature
    and category prototypes, kind labels), so a rebuild after an import encodes only the texts it has not
    seen: a price change costs no encoding at all (17 s of the 18 s rebuild on the demo catalog, 2 CPUs).

    Small batches (a shopper's message) go straight to the encoder and its own LRU cache. After each build,
    the remembered rows are pruned to the texts that build asked for, so memory follows the catalog.
    """

    def __init__(self, encoder) -> None:
        self._encoder = encoder
        self._rows: dict = {}
        self._used: set = set()
        self._lock = threading.Lock()

    def __getattr__(self, name):  # words, dimension, path...: the encoder's own
        return getattr(self._encoder, name)

    def encode(self, texts):
        import numpy as np

        texts = [str(t) for t in texts]
        if len(texts) <= 64:
            return self._encoder.encode(texts)
        with self._lock:
            self._used.update(texts)
            missing = list(dict.fromkeys(t for t in texts if t not in self._rows))
        if missing:
            fresh = np.asarray(self._encoder.encode(missing), dtype=np.float32)
            with self._lock:
                self._rows.update(zip(missing, fresh))
        with self._lock:
            return np.stack([self._rows[t] for t in texts])

    def build_finished(self) -> None:
        with self._lock:
            self._rows = {t: row for t, row in self._rows.items() if t in self._used}
            self._used = set()


_catalog_encoder: Optional[CatalogEncoder] = None


def _semantic_matcher(recommender: Recommender):
    """The sentence-encoder matcher for needs in the shopper's words, or None without an encoder."""
    global _catalog_encoder
    from recommender.understanding.encoder import load_encoder
    from recommender.understanding.semantic import SemanticMatcher, load_feature_descriptions

    encoder = load_encoder(get_settings().encoder_path)  # loaded once per process
    if encoder is None:
        return None
    if _catalog_encoder is None or _catalog_encoder._encoder is not encoder:
        _catalog_encoder = CatalogEncoder(encoder)
    try:
        return SemanticMatcher(recommender.catalog, recommender.vocabulary, _catalog_encoder,
                               load_feature_descriptions())
    finally:
        _catalog_encoder.build_finished()


def build_runtime(store: Optional[Store] = None) -> Runtime:
    """A runtime over the store's current catalog (``store``: reuse that one and its connection pool)."""
    if store is not None:
        return _build(store)
    store = Store(get_settings().database_url)
    try:
        store.migrate()
        return _build(store)
    except BaseException:
        store.close()  # a retry makes a new one: no engine left behind per failed attempt
        raise


def _build(store: Store) -> Runtime:
    started = time.perf_counter()
    # the version first: an import committed while the items are read leaves an older version here,
    # so the next check rebuilds again (the other order could keep old items under the new version)
    version = store.catalog_version()
    items = store.load_items()
    if not items:
        raise RuntimeError("the catalog is empty: run `python -m recommender load-demo` or import a catalog")
    from recommender.complements import ComplementIndex
    from recommender.variants import model_key, variants_of

    from recommender.shop import ANSWERS, PROFILE, VOCABULARY, ShopProfile

    recommender = Recommender(items, store.popularity(), _shared_scorer(), model_key=model_key,
                              words=store.shop_document(VOCABULARY),
                              profile=ShopProfile.from_document(store.shop_document(PROFILE), items))
    complements = ComplementIndex.from_sequences(store.sequences(), recommender.catalog,
                                                 category_words=recommender.vocabulary.categories)
    turns = TurnService(recommender, _semantic_matcher(recommender),
                        complements=lambda item: complements.complements(item),
                        variants_of=lambda item: variants_of(item, recommender.catalog),
                        answers=store.shop_document(ANSWERS))
    logger.info("catalog version %d loaded: %d items, ranker=%s, semantic matching %s, ready in %.1fs",
                version, len(items), recommender.ranker.name, "on" if turns.matcher else "off",
                time.perf_counter() - started)
    return Runtime(store, recommender, turns, version)


def current() -> Optional[Runtime]:
    """The served runtime, or None while there is none yet (never builds)."""
    return _runtime


def last_error() -> str:
    return _last_error


def get_runtime() -> Runtime:
    """The served runtime. Built on first use, except in the action server (``start_watcher``), where a
    request arriving before the background build finished gets ``RuntimeNotReady`` at once."""
    global _runtime
    served = _runtime  # one read: the caller keeps this runtime even if a rebuild swaps it meanwhile
    if served is not None:
        return served
    if _background:
        raise RuntimeNotReady("the action server is still loading the catalog"
                              + (f" (last attempt: {_last_error})" if _last_error else ""))
    with _lock:
        if _runtime is None:
            _runtime = build_runtime()
        return _runtime


def refresh() -> bool:
    """Build the first runtime, or rebuild it when the store's catalog version moved; True when it swapped.

    Store errors propagate (the caller retries); the served runtime is kept when a rebuild fails.
    """
    global _runtime
    with _lock:
        served = _runtime
        if served is None:
            _runtime = build_runtime()
            return True
        version = served.store.catalog_version()
        if version == served.catalog_version:
            return False
        logger.info("catalog version %d -> %d: rebuilding the catalog indexes", served.catalog_version, version)
        fresh = build_runtime(served.store)
        _runtime = fresh  # the swap: requests already running keep the runtime they read
        return True


def describe_error(exc: BaseException) -> str:
    """A short, secret-free reason (exception texts of database drivers name hosts, users and SQL)."""
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, SQLAlchemyError) or isinstance(exc, OSError):
        return f"store unreachable ({type(exc).__name__})"
    return str(exc) or type(exc).__name__


def _watch(interval: float, stop: threading.Event) -> None:
    global _last_error
    retry = 1.0
    while not stop.is_set():
        try:
            refresh()
            _last_error = ""
            retry = 1.0
            if interval <= 0:
                return  # built; catalog checks are off
            pause = interval
        except Exception as exc:  # noqa: BLE001 - keep watching: the store may come back
            reason = describe_error(exc)
            if reason != _last_error:
                logger.warning("action server runtime: %s; retrying", reason, exc_info=_runtime is None)
            _last_error = reason
            if _runtime is None:
                pause, retry = retry, min(retry * 2, MAX_RETRY_SECONDS)
            else:
                pause = max(interval, 1.0)
        stop.wait(pause)


def start_watcher(interval: Optional[float] = None) -> threading.Event:
    """Build the runtime in the background and keep it in step with the store's catalog version.

    From now on ``get_runtime()`` never builds on a request's thread. Returns an event that stops it.
    """
    global _background
    _background = True
    if interval is None:
        interval = get_settings().catalog_check_seconds
    stop = threading.Event()
    threading.Thread(target=_watch, args=(interval, stop), name="concierge-catalog-watcher", daemon=True).start()
    return stop


def reset_runtime() -> None:
    """Forget the cached runtime and the scorer (tests point it at another database)."""
    global _runtime, _scorer, _scorer_loaded, _background, _last_error, _catalog_encoder
    with _lock:
        _runtime, _catalog_encoder = None, None
        _scorer, _scorer_loaded = None, False
        _background, _last_error = False, ""
