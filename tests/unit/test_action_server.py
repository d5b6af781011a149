"""The action server's pure parts: start-up checks, the secret, outage vs bug, catalog version, rebuilds.

The servers themselves (401s, /health, SIGKILL, imports reaching a running server) are tested as
real processes in tests/integration/test_action_server.py.
"""
from __future__ import annotations

import asyncio
import dataclasses
import shutil

import numpy as np
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import IntegrityError, OperationalError

from actions import runtime
from actions.safe import APOLOGY, ActionUnavailable, SafeAction, outage_cause
from actions.server import config_problem, is_loopback, token_matches
from actions.shop import SESSION_SLOT, ShopTurn
from recommender.session import ShoppingSession
from recommender.store import Store
from tests.unit.catalog_fixture import small_catalog

TOKEN = "0123456789abcdef0123"


# -- start-up checks and the secret ----------------------------------------------------------------
@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.0.0.5", True), ("::1", True),
                                            ("[::1]", True), ("localhost", True), ("0.0.0.0", False),
                                            ("::", False), ("192.168.1.4", False), ("example.com", False),
                                            ("", False)])
def test_loopback_is_recognised(host, loopback):
    assert is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_no_token_means_no_start_on_any_interface(host):
    assert "CONCIERGE_ACTION_TOKEN is not set" in config_problem(host, "")
    assert "too short" in config_problem(host, "short-token")
    assert "printable ASCII" in config_problem(host, "0123456789 abcdef")
    assert config_problem(host, TOKEN) is None


@pytest.mark.parametrize("supplied, ok", [(TOKEN, True), (None, False), ("", False), (TOKEN[:-1], False),
                                          (TOKEN + "x", False), (TOKEN.upper(), False), ("é" * 20, False),
                                          ("\udcff" * 3, False)])
def test_the_token_comparison(supplied, ok):
    assert token_matches(supplied, TOKEN) is ok


# -- outage vs bug -----------------------------------------------------------------------------------
def _operational() -> OperationalError:
    return OperationalError("SELECT 1", {}, Exception("connection refused"))


def test_infrastructure_errors_are_outages_and_bugs_are_not():
    assert outage_cause(_operational()) is not None
    assert outage_cause(ConnectionRefusedError()) is not None
    assert outage_cause(runtime.RuntimeNotReady("loading")) is not None
    try:
        try:
            raise _operational()
        except OperationalError as exc:
            raise RuntimeError("while loading the catalog") from exc
    except RuntimeError as wrapped:
        assert isinstance(outage_cause(wrapped), OperationalError)
    assert outage_cause(IntegrityError("INSERT", {}, Exception("fk"))) is None
    assert outage_cause(RuntimeError("boom")) is None
    assert outage_cause(KeyError("tb-1")) is None


class _Failing(SafeAction):
    def __init__(self, error: Exception = RuntimeError("unset")):  # rasa-sdk instantiates every Action
        self.error = error

    def name(self):
        return "action_failing"

    def act(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text="half a reply")
        raise self.error


def _tracker() -> Tracker:
    return Tracker("shopper", {}, {"text": "hi", "intent": {"name": "greet"}}, [], False, None, {}, "action_listen")


def test_a_store_outage_fails_the_action_instead_of_apologising():
    dispatcher = CollectingDispatcher()
    with pytest.raises(ActionUnavailable, match="store unreachable"):
        asyncio.run(_Failing(_operational()).run(dispatcher, _tracker(), {}))
    assert dispatcher.messages == []  # no cheerful half-answer next to the failure


def test_a_bug_still_gets_the_apology():
    dispatcher = CollectingDispatcher()
    assert asyncio.run(_Failing(KeyError("x")).run(dispatcher, _tracker(), {})) == []
    assert [m["text"] for m in dispatcher.messages] == [APOLOGY]


# -- catalog version ---------------------------------------------------------------------------------
def test_every_catalog_change_bumps_the_version_and_chat_does_not(database_url):
    with Store(database_url) as store:
        store.migrate()
        start = store.catalog_version()
        store.upsert_items(small_catalog())
        assert store.catalog_version() == start + 1
        phone = store.load_items()[0]
        store.upsert_items([dataclasses.replace(phone, price=phone.price + 1)])
        assert store.catalog_version() == start + 2
        assert store.replace_catalog(small_catalog()[1:]) == 1
        after_replace = store.catalog_version()
        assert after_replace > start + 2
        user = store.user_for_sender("rest", "shopper")
        store.record_interaction(user, "p2", "like")  # a shopper's like: no rebuild for that
        assert store.catalog_version() == after_replace
        store.import_interactions([{"user_id": "u1", "item_id": "p2", "event": "purchase"}])
        assert store.catalog_version() == after_replace + 1
        assert store.delete_interactions("nothing-from-here") == 0
        assert store.catalog_version() == after_replace + 1
        assert store.delete_interactions("import") == 1
        assert store.catalog_version() == after_replace + 2
        store.upsert_items([])  # nothing written, nothing to rebuild
        assert store.catalog_version() == after_replace + 2


def test_a_failed_import_leaves_the_version_alone(database_url):
    with Store(database_url) as store:
        store.migrate()
        store.upsert_items(small_catalog())
        before = store.catalog_version()
        with pytest.raises(ValueError):
            store.import_interactions([{"user_id": "u1", "item_id": "p1", "event": "not-an-event"}])
        with pytest.raises(IntegrityError):
            store.import_interactions([{"user_id": "u1", "item_id": "no-such-item", "event": "like"}])
        assert store.catalog_version() == before


# -- the encoder cache of rebuilds ---------------------------------------------------------------------
class _CountingEncoder:
    words = frozenset({"phone"})

    def __init__(self):
        self.encoded = []

    def encode(self, texts):
        self.encoded.extend(texts)
        return np.array([[float(len(t)), 1.0] for t in texts], dtype=np.float32)


def test_a_rebuild_encodes_only_texts_it_has_not_seen():
    inner = _CountingEncoder()
    encoder = runtime.CatalogEncoder(inner)
    first = [f"item {n}" for n in range(100)]
    rows = encoder.encode(first)
    encoder.build_finished()
    assert len(inner.encoded) == 100 and rows.shape == (100, 2)
    inner.encoded.clear()
    second = first[1:] + ["a new item"]
    again = encoder.encode(second)
    encoder.build_finished()
    assert inner.encoded == ["a new item"]
    assert np.array_equal(again[:99], rows[1:])
    assert encoder.words == inner.words  # everything else is the encoder's own
    inner.encoded.clear()
    encoder.encode(["item 0"] + [f"x{n}" for n in range(70)])  # "item 0" left the catalog: pruned
    assert "item 0" in inner.encoded
    inner.encoded.clear()
    encoder.encode(["hello"])  # a message: straight to the encoder (its own LRU cache)
    assert inner.encoded == ["hello"]


# -- the served runtime: rebuilt when the catalog changes, swapped, old one kept by its holders ----------
@pytest.fixture
def quick_runtime(demo_database_url, tmp_path, monkeypatch):
    """A runtime over a copy of the demo store, without the sentence encoder (fast to build)."""
    from recommender.settings import get_settings

    path = tmp_path / "demo.db"
    shutil.copy(demo_database_url.removeprefix("sqlite:///"), path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("CONCIERGE_DATABASE_URL", url)
    monkeypatch.setenv("CONCIERGE_SCORER_PATH", str(tmp_path / "no-scorer"))
    monkeypatch.setenv("CONCIERGE_ENCODER_PATH", "")
    get_settings.cache_clear()
    runtime.reset_runtime()
    yield url
    runtime.reset_runtime()
    get_settings.cache_clear()


def test_refresh_swaps_in_a_new_catalog_and_keeps_the_old_for_requests_in_flight(quick_runtime):
    assert runtime.refresh() is True  # first build
    old = runtime.get_runtime()
    assert runtime.refresh() is False  # nothing changed
    item = old.recommender.catalog[0]
    with Store(quick_runtime) as store:
        store.upsert_items([dataclasses.replace(item, price=item.price + 10)])
    assert runtime.refresh() is True
    new = runtime.get_runtime()
    assert new is not old and new.catalog_version == old.catalog_version + 1
    assert new.recommender.items[item.id].price == item.price + 10
    assert old.recommender.items[item.id].price == item.price  # a request holding it is undisturbed
    assert new.store is old.store  # one connection pool per process


def test_the_watcher_builds_in_the_background_and_requests_never_wait(quick_runtime):
    import time

    with runtime._lock:  # the watcher cannot build yet
        stop = runtime.start_watcher(interval=0.2)
        with pytest.raises(runtime.RuntimeNotReady):
            runtime.get_runtime()  # still loading: the action fails at once (an outage), it does not block
    try:
        deadline = time.monotonic() + 60
        while runtime.current() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        first = runtime.current()
        assert first is not None
        item = first.recommender.catalog[1]
        with Store(quick_runtime) as store:
            store.upsert_items([dataclasses.replace(item, title=item.title + " (new edition)")])
        while runtime.current() is first and time.monotonic() < deadline:
            time.sleep(0.1)
        assert runtime.current().recommender.items[item.id].title.endswith("(new edition)")
    finally:
        stop.set()


def test_a_like_on_an_item_removed_after_the_runtime_was_built_writes_nothing(quick_runtime, caplog):
    served = runtime.get_runtime()  # built before the removal: still lists the item
    shown = tuple(i.id for i in served.recommender.catalog if i.category == "tablets")[:3]
    with Store(quick_runtime) as store:
        store.replace_catalog([i for i in store.load_items() if i.id != shown[0]])
        before = store.counts()["interactions"]
    session = ShoppingSession(category="tablets", shown=shown)
    tracker = Tracker("late-liker", {SESSION_SLOT: session.to_slot()},
                      {"text": "I love the first one", "intent": {"name": "like_item", "confidence": 0.9},
                       "entities": []},
                      [{"event": "user", "text": "I love the first one", "input_channel": "rest"}],
                      False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ShopTurn().run(dispatcher, tracker, {}))
    assert dispatcher.messages and APOLOGY not in [m.get("text") for m in dispatcher.messages]
    with Store(quick_runtime) as store:
        assert store.counts()["interactions"] == before  # nothing bogus written
    assert f"not recording like on {shown[0]}: the item is no longer in the catalog" in caplog.text
