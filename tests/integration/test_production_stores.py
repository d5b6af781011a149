"""The deployed configuration: catalog and Rasa tracker store in PostgreSQL, lock store in Redis.

Rasa reads bot/endpoints.production.yml itself (every value from the environment), with the REST
channel's token, Rasa's API token and the action server's secret set, as scripts/prod.sh runs it.
A conversation survives a restart of both servers, because Rasa keeps the tracker in PostgreSQL.
"""
from __future__ import annotations

import uuid

import pytest
import redis
import requests
from sqlalchemy import create_engine, text

from tests.conftest import run_cli
from tests.integration.conftest import recommendations
from tools.stack import production_stack

pytestmark = pytest.mark.integration


def test_conversation_survives_a_restart_on_postgres_and_redis(rasa_model, fresh_postgres_database, tmp_path):
    postgres_database = fresh_postgres_database
    run_cli("load-demo", "--users", "200", database_url=postgres_database)
    redis.Redis(host="127.0.0.1", port=6379).ping()  # fails loudly when Redis is down
    sender = f"prod-{uuid.uuid4().hex[:8]}"

    with production_stack(rasa_model, postgres_database, tmp_path) as stack:
        rasa_url = stack.rasa[0].url
        # the channel and the API want their tokens; the action server its secret
        assert requests.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": "hi"},
                             timeout=30).status_code == 401
        assert requests.get(f"{rasa_url}/conversations/{sender}/tracker", timeout=30).status_code == 401
        assert requests.post(f"{stack.actions[0].url}/webhook", json={}, timeout=30).status_code == 401

        shown = recommendations(stack.say(sender, "a laptop under $1500 with a long battery"))
        assert shown and all(i["price"] <= 1500 and "battery life" in i["features"] for i in shown)
        shown = recommendations(stack.say(sender, "I like the first one"))  # the list now on screen
        assert shown

        for server in (stack.rasa[0], stack.actions[0]):
            server.stop()
        for server in (stack.actions[0], stack.rasa[0]):
            server.start()
            server.wait_up()
        stack.wait_answering()

        cheaper = recommendations(stack.say(sender, "cheaper"))
        assert cheaper, "the restarted assistant remembers the request"
        assert all(i["category"] == "laptops" and "battery life" in i["features"] for i in cheaper)
        assert max(i["price"] for i in cheaper) < min(i["price"] for i in shown)
        tracker = stack.rasa_api("GET", f"/conversations/{sender}/tracker")
        assert tracker.status_code == 200 and tracker.json()["sender_id"] == sender

    engine = create_engine(postgres_database)
    with engine.connect() as conn:
        events = conn.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
        likes = conn.execute(text(
            "SELECT count(*) FROM interactions i JOIN channel_links l ON l.user_id = i.user_id "
            "WHERE l.sender_id = :s AND i.event = 'like'"), {"s": sender}).scalar()
    engine.dispose()
    assert events > 0 and likes == 1
