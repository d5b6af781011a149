"""The SQLAlchemy store on a real SQLite file and a real PostgreSQL database."""
from __future__ import annotations

import random
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, insert, inspect
from sqlalchemy.exc import DBAPIError, IntegrityError

from recommender.catalog import Item
from recommender.store import HistoryEvent, Store, default_database_url, event_weight
from recommender.store.migrate import head_revision
from recommender.store.schema import interactions, metadata

TABLES = {"items", "users", "channel_links", "interactions", "catalog_version", "alembic_version"}
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def items(n: int = 3, **overrides) -> list:
    return [
        Item(
            id=f"i{k}",
            title=f"Item {k}",
            category="phones" if k % 2 else "laptops",
            brand="Acme",
            price=100.0 + k,
            features=("camera", "5g") if k % 2 else ("gaming",),
            description=f"Item {k}.",
            in_stock=k != 2,
            image_url=f"https://img.example/{k}.png" if k == 1 else None,
            **overrides,
        )
        for k in range(1, n + 1)
    ]


@pytest.fixture
def store(database_url):
    with Store(database_url) as s:
        s.migrate()
        s.replace_catalog(items(3))
        yield s


def assert_fresh_migration(url: str) -> None:
    with Store(url) as s:
        assert s.migrate() == head_revision() == "0003"
        assert s.migrate() == "0003"  # idempotent
        with s.engine.connect() as conn:
            assert TABLES <= set(inspect(conn).get_table_names())
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []  # models == migrations
        assert s.counts() == {"items": 0, "users": 0, "channel_links": 0, "interactions": 0, "items_in_stock": 0}


def test_migrations_on_a_fresh_sqlite_file(tmp_path):
    db = tmp_path / "var" / "nested" / "concierge.db"
    assert_fresh_migration(f"sqlite:///{db}")
    assert db.exists()


def test_migrations_on_a_fresh_postgresql_database(fresh_postgres_database):
    assert_fresh_migration(fresh_postgres_database)


def test_tables_only_come_from_migrations(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'x.db'}") as s, pytest.raises(DBAPIError):
        s.load_items()  # no implicit create_all
    sources = Path(__file__).resolve().parents[2] / "bot" / "recommender"
    assert not [p for p in sources.rglob("*.py") if "create_all(" in p.read_text()]


def test_default_url(monkeypatch):
    monkeypatch.delenv("CONCIERGE_DATABASE_URL", raising=False)
    root = Path(__file__).resolve().parents[2]
    assert default_database_url() == f"sqlite:///{root / 'var' / 'concierge.db'}"
    monkeypatch.setenv("CONCIERGE_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert default_database_url() == "postgresql+psycopg://u@h/db"


def test_catalog_round_trip_upsert_and_replace(store):
    assert store.load_items() == items(3)
    assert [i.id for i in store.load_items(in_stock_only=True)] == ["i1", "i3"]
    changed = Item(id="i1", title="New", category="phones", brand="Zed", price=9.5, features=("oled",))
    store.upsert_items([changed, *items(4)[3:]])
    assert store.load_items()[0] == changed
    assert store.item_ids() == {"i1", "i2", "i3", "i4"}

    user = store.user_for_sender("rest", "ann")
    store.record_interaction(user, "i2", "view")
    store.record_interaction(user, "i3", "view")
    assert store.replace_catalog(items(1) + [items(3)[2]]) == 2  # i2, i4 removed
    assert store.item_ids() == {"i1", "i3"}
    assert [e.item_id for e in store.history(user)] == ["i3"]  # i2's interactions went with it


def test_user_for_sender_links_and_reuses_users(store):
    first = store.user_for_sender("rest", "ann")
    assert store.user_for_sender("rest", "ann") == first
    assert store.user_for_sender("telegram", "ann") == first  # same external id -> same user
    assert store.user_for_sender("rest", "bob") != first
    store.import_interactions([{"user_id": "carol", "item_id": "i1", "event": "view", "timestamp": T0}])
    carol = store.user_for_sender("web", "carol")  # links to the user the import created
    assert [e.item_id for e in store.history(carol)] == ["i1"]
    assert store.counts()["users"] == 3 and store.counts()["channel_links"] == 4


def test_user_for_sender_is_safe_under_concurrent_calls(store):
    barrier = threading.Barrier(8)
    results, errors = [], []

    def call():
        try:
            barrier.wait()
            results.append(store.user_for_sender("rest", "racer"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(results)) == 1 and len(results) == 8
    assert store.counts()["users"] == 1 and store.counts()["channel_links"] == 1


def test_history_is_chronological_limited_and_utc(store):
    user = store.user_for_sender("rest", "ann")
    stamps = [T0 + timedelta(minutes=m) for m in (5, 1, 3, 2, 4)]
    for n, stamp in enumerate(stamps):
        store.record_interaction(user, f"i{n % 3 + 1}", "view", timestamp=stamp)
    berlin = timezone(timedelta(hours=2))
    store.record_interaction(user, "i1", "rating", value=4, timestamp=(T0 + timedelta(minutes=6)).astimezone(berlin))
    history = store.history(user)
    assert [e.timestamp for e in history] == sorted(stamps) + [T0 + timedelta(minutes=6)]
    assert all(e.timestamp.tzinfo is not None and e.timestamp.utcoffset() == timedelta(0) for e in history)
    assert history[-1] == HistoryEvent("i1", "rating", 4.0, T0 + timedelta(minutes=6))
    assert store.history(user, limit=2) == history[-2:]
    assert store.history(store.user_for_sender("rest", "nobody")) == []


def test_unknown_events_are_rejected_by_code_and_by_the_database(store):
    user = store.user_for_sender("rest", "ann")
    with pytest.raises(ValueError, match="unknown event"):
        store.record_interaction(user, "i1", "teleport")
    with pytest.raises(IntegrityError), store.transaction() as conn:
        conn.execute(insert(interactions), {"user_id": user, "item_id": "i1", "event": "teleport",
                                            "timestamp": T0, "source": "x"})
    with pytest.raises(IntegrityError):
        store.record_interaction(user, "no-such-item", "view")  # foreign key enforced (SQLite too)
    assert store.counts()["interactions"] == 0


def test_popularity_weights(store):
    rows = [
        ("a", "i1", "view", None), ("b", "i1", "click", None), ("a", "i1", "purchase", None),
        ("a", "i2", "like", None), ("b", "i2", "add_to_cart", None), ("c", "i2", "rating", 5.0),
        ("c", "i2", "rating", 2.0), ("a", "i3", "view", None), ("b", "i3", "dislike", None),
    ]
    store.import_interactions([{"user_id": u, "item_id": i, "event": e, "value": v, "timestamp": T0}
                               for u, i, e, v in rows])
    expected = {"i1": 1 + 1.5 + 6, "i2": 3 + 4 + event_weight("rating", 5) + event_weight("rating", 2), "i3": 0.0}
    assert store.popularity() == pytest.approx(expected)
    assert event_weight("rating", 5) == 3.0 and event_weight("rating", 1) == -3.0


def test_sequences_by_external_id(store):
    store.import_interactions([
        {"user_id": "u2", "item_id": "i2", "event": "view", "timestamp": T0 + timedelta(hours=1)},
        {"user_id": "u1", "item_id": "i3", "event": "click", "timestamp": T0 + timedelta(hours=2)},
        {"user_id": "u2", "item_id": "i1", "event": "purchase", "timestamp": T0},
        {"user_id": 7, "item_id": "i1", "event": "view", "timestamp": "2024-05-01T12:00:00Z", "source": "app"},
    ])
    seqs = store.sequences()
    assert sorted(seqs) == ["7", "u1", "u2"]
    assert [(e.item_id, e.event) for e in seqs["u2"]] == [("i1", "purchase"), ("i2", "view")]
    assert seqs["7"] == [HistoryEvent("i1", "view", None, T0)]


def test_bulk_import_of_50k_interactions_into_sqlite_is_fast(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'bulk.db'}") as s:
        s.migrate()
        s.replace_catalog(items(50))
        rng = random.Random(1)
        rows = [{"user_id": f"u{rng.randrange(2000)}", "item_id": f"i{rng.randrange(1, 51)}",
                 "event": rng.choice(["view", "click", "purchase"]), "timestamp": 1_700_000_000 + k,
                 "source": "bulk"} for k in range(50_000)]
        started = time.perf_counter()
        assert s.import_interactions(rows) == 50_000
        elapsed = time.perf_counter() - started
        assert s.counts()["interactions"] == 50_000
    assert elapsed < 20, f"bulk import took {elapsed:.1f}s"  # ~2-3s normally; generous for loaded CI


def test_sqlite_file_is_shared_between_store_instances(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    with Store(url) as a, Store(url) as b:
        a.migrate()
        a.replace_catalog(items(2))
        assert b.load_items() == items(2)
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        finally:
            engine.dispose()
