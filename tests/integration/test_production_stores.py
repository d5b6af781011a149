"""The deployed configuration: catalog and Rasa tracker store in PostgreSQL, lock store in Redis.

A conversation survives a restart of both servers, because Rasa keeps the tracker in PostgreSQL.
"""
from __future__ import annotations

import uuid

import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import run_cli
from tests.integration.conftest import recommendations
from tools.stack import running_stack

pytestmark = pytest.mark.integration


def production_endpoints(database_url: str, redis_db: int, prefix: str) -> str:
    url = make_url(database_url)
    return (
        "tracker_store:\n  type: SQL\n  dialect: postgresql\n"
        f"  url: {url.host}\n  port: {url.port or 5432}\n  db: {url.database}\n  username: {url.username}\n"
        "lock_store:\n  type: rasa_addons.lock_store.AtomicRedisLockStore\n"
        f"  url: 127.0.0.1\n  port: 6379\n  db: {redis_db}\n  key_prefix: {prefix}\n"
    )


def test_conversation_survives_a_restart_on_postgres_and_redis(rasa_model, fresh_postgres_database, tmp_path):
    postgres_database = fresh_postgres_database
    run_cli("load-demo", "--users", "200", database_url=postgres_database)
    client = redis.Redis(host="127.0.0.1", port=6379, db=3)
    client.ping()  # fails loudly when Redis is down
    endpoints = production_endpoints(postgres_database, 3, f"concierge{uuid.uuid4().hex[:6]}")
    sender = f"prod-{uuid.uuid4().hex[:8]}"

    with running_stack(rasa_model, postgres_database, tmp_path / "first", endpoints_extra=endpoints) as stack:
        shown = recommendations(stack.say(sender, "a laptop under $1500 with a long battery"))
        assert shown and all(i["price"] <= 1500 and "battery life" in i["features"] for i in shown)
        shown = recommendations(stack.say(sender, "I like the first one"))  # the list now on screen
        assert shown

    with running_stack(rasa_model, postgres_database, tmp_path / "second", endpoints_extra=endpoints) as stack:
        cheaper = recommendations(stack.say(sender, "cheaper"))
        assert cheaper, "the restarted assistant remembers the request"
        assert all(i["category"] == "laptops" and "battery life" in i["features"] for i in cheaper)
        assert max(i["price"] for i in cheaper) < min(i["price"] for i in shown)

    engine = create_engine(postgres_database)
    with engine.connect() as conn:
        events = conn.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
        likes = conn.execute(text(
            "SELECT count(*) FROM interactions i JOIN channel_links l ON l.user_id = i.user_id "
            "WHERE l.sender_id = :s AND i.event = 'like'"), {"s": sender}).scalar()
    engine.dispose()
    assert events > 0 and likes == 1
