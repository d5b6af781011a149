"""Shop talk, hand-off and privacy over REST, with the tracker store in PostgreSQL.

Shop questions are answered from data/shop_talk.yml (ResponseSelector); "talk to a person" carries
a routable payload; "what do you know about me?" lists what is stored; "forget me" + "yes" deletes
the shopper from the catalog store AND the conversation from Rasa's tracker store
(rasa_addons.tracker_store.ForgettingSQLTrackerStore), and the next message starts afresh.
"""
from __future__ import annotations

import json
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import run_cli
from tests.integration.conftest import payload, recommendations, text_of
from tools.stack import running_stack

pytestmark = pytest.mark.integration

#: what the shopper types; none of it may show up in either server's INFO log
SAID = ["what is your return policy?", "how long does shipping take?", "can I speak to a human",
        "show me headphones", "I like the first one", "what do you know about me?", "forget me"]


def forgetting_sql_endpoints(database_url: str) -> str:
    url = make_url(database_url)
    return ("tracker_store:\n  type: rasa_addons.tracker_store.ForgettingSQLTrackerStore\n"
            f"  dialect: postgresql\n  url: {url.host}\n  port: {url.port or 5432}\n"
            f"  db: {url.database}\n  username: {url.username}\n")


def warm_up_action_server(stack) -> None:
    """Make sure the action server's runtime (catalog, scorer, encoder) is built before the timed turns:
    if it is built lazily, on a busy 2-core machine the first action can outlast one REST call's timeout."""
    requests.post(f"{stack.rasa_url}/webhooks/rest/webhook",
                  json={"sender": f"warm-{uuid.uuid4().hex[:8]}", "message": "/privacy_summary"}, timeout=600)


def scalar(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def stored_events(engine, sender: str) -> list:
    with engine.connect() as conn:
        return [(row.type_name, row.action_name, json.loads(row.data)) for row in conn.execute(
            text("SELECT type_name, action_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})]


def shopper_rows(engine, sender: str) -> dict:
    return {
        "users": scalar(engine, "SELECT count(*) FROM users WHERE external_id = :s", s=sender),
        "channel_links": scalar(engine, "SELECT count(*) FROM channel_links WHERE sender_id = :s", s=sender),
        "likes": scalar(engine, "SELECT count(*) FROM interactions i JOIN channel_links l ON l.user_id = i.user_id "
                                "WHERE l.sender_id = :s AND i.event = 'like'", s=sender),
    }


def test_shop_talk_handoff_privacy_and_forget_me(rasa_model, fresh_postgres_database, tmp_path):
    database = fresh_postgres_database  # catalog store and Rasa's tracker store, as in production
    run_cli("load-demo", "--users", "50", database_url=database)
    sender = f"shoptalk-{uuid.uuid4().hex[:8]}"
    engine = create_engine(database)
    workdir = tmp_path / "stack"
    try:
        with running_stack(rasa_model, database, workdir, endpoints_extra=forgetting_sql_endpoints(database)) as stack:
            warm_up_action_server(stack)
            returns = text_of(stack.say(sender, SAID[0])).lower()
            assert "30 days" in returns and "refund" in returns

            shipping = text_of(stack.say(sender, SAID[1])).lower()
            assert "business days" in shipping and "delivery" in shipping and "30 days" not in shipping

            handoff = stack.say(sender, SAID[2])
            assert payload(handoff, "handoff") == {"type": "handoff", "reason": "shopper asked for a person"}
            assert "person" in text_of(handoff).lower()
            slots = [e for kind, _, e in stored_events(engine, sender) if kind == "slot"]
            assert {"name": "handoff_requested", "value": True} in [{"name": e["name"], "value": e["value"]}
                                                                    for e in slots], "the tracker records the hand-off"

            reply = stack.say(sender, SAID[3])
            if recommendations(reply) is None:  # asked for budget / must-haves first
                reply = stack.say(sender, "no preference")
            shown = recommendations(reply)
            assert shown, text_of(reply)
            stack.say(sender, SAID[4])
            liked = shown[0]["title"]
            assert shopper_rows(engine, sender)["likes"] == 1, "the like is stored"

            summary = text_of(stack.say(sender, SAID[5]))
            assert liked in summary and "1 like" in summary

            # "no" right after the question cancels (not the generic "no" of the shopping rules)
            assert "Are you sure?" in text_of(stack.say(sender, SAID[6]))
            assert "haven't deleted anything" in text_of(stack.say(sender, "no"))
            assert shopper_rows(engine, sender)["likes"] == 1

            assert "Are you sure?" in text_of(stack.say(sender, "please delete all my data"))
            assert stored_events(engine, sender), "the conversation is in PostgreSQL before forgetting"
            done = text_of(stack.say(sender, "yes"))
            assert "deleted" in done.lower()

            assert shopper_rows(engine, sender) == {"users": 0, "channel_links": 0, "likes": 0}
            assert scalar(engine, "SELECT count(*) FROM interactions i JOIN users u ON u.id = i.user_id "
                                  "WHERE u.external_id = :s", s=sender) == 0
            assert stored_events(engine, sender) == [], "no event of the old conversation is left"

            # the next message starts a new conversation that remembers nothing
            fresh = stack.say(sender, "what do you know about me?")
            assert "haven't stored anything" in text_of(fresh)
            events = stored_events(engine, sender)
            assert events[0][1] == "action_session_start"
            said_before = {e.get("text") for kind, _, e in events if kind == "user"}
            assert said_before == {"what do you know about me?"}
            assert not any(kind == "slot" and e["name"] == "shopping_session" and e["value"]
                           for kind, _, e in events)
    finally:
        engine.dispose()

    for log in ("rasa.log", "actions.log"):
        content = (workdir / log).read_text()
        leaked = [s for s in SAID if s in content]
        assert not leaked, f"{log} logs what the shopper typed: {leaked}"
    assert "ForgettingSQLTrackerStore" in (workdir / "rasa.log").read_text(), "our tracker store was used"
