"""The action server as Rasa and an attacker see it: real processes, a PostgreSQL store of the test's own.

One Rasa server (the pinned model, bot/endpoints.yml as shipped: the secret substituted from the
environment) and one action server started by its launcher (``python -m actions.server``) on a
private PostgreSQL cluster that this module stops and starts without disturbing anyone else:

* calls without the secret, or with a wrong one, are refused with 401 and write nothing, while the
  same call with the secret does write (so the refusal is what kept the store clean);
* /health says 503 while the database is down and the shopper gets the outage answer, not an
  apology; both recover by themselves when it is back;
* a SIGKILLed action server closes its port at once (no hanging turns) and the conversation resumes,
  constraints intact, when it is restarted;
* a price changed by ``import-catalog`` is quoted by the running server, which is not restarted;
* "I love the first one" after that item left the catalog gets a graceful answer and stores nothing.
"""
from __future__ import annotations

import dataclasses
import json
import os
import socket
import time
import uuid
from pathlib import Path
from typing import Dict, List

import pytest
import requests

from actions.safe import APOLOGY
from actions.server import TOKEN_HEADER
from recommender.dialogue.texts import ITEM_GONE
from recommender.session import ShoppingSession
from recommender.store import Store
from tests.conftest import BOT, run_cli
from tests.integration.conftest import payload, recommendations, text_of
from tools.stack import RASA, PrivatePostgres, Server, Stack, _wait_until_answering, action_server_command, free_port

TROUBLE = "I'm having trouble right now, please try again in a moment."


def sender_id(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def private_postgres():
    pg = PrivatePostgres()
    pg.start()
    try:
        yield pg
    finally:
        pg.close()


@pytest.fixture(scope="module")
def store_url(private_postgres) -> str:
    url = private_postgres.create_database("concierge_actions")
    run_cli("load-demo", "--users", "300", database_url=url)
    return url


class ActionStack:
    """Rasa + the action server, each a ``Server`` (kill, start, wait_up), and the shared secret."""

    def __init__(self, rasa: Server, actions: Server, token: str, workdir: Path):
        self.rasa, self.actions, self.token = rasa, actions, token
        self.chat = Stack(rasa.url, actions.url, workdir, token)

    def send(self, sender: str, text: str, timeout: float = 60) -> requests.Response:
        return requests.post(f"{self.rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                             timeout=timeout)

    def say(self, sender: str, text: str) -> List[Dict]:
        response = self.send(sender, text)
        assert response.status_code == 200, (response.status_code, response.text)
        return response.json()

    def health(self) -> requests.Response:
        return requests.get(f"{self.actions.url}/health", timeout=10)

    def webhook(self, call: Dict, headers: Dict[str, str]) -> requests.Response:
        return requests.post(f"{self.actions.url}/webhook", json=call, headers=headers, timeout=30)


@pytest.fixture(scope="module")
def stack(rasa_model, store_url, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("action-server")
    token = uuid.uuid4().hex + uuid.uuid4().hex
    action_port, rasa_port = free_port(), free_port()
    env = dict(os.environ, PYTHONPATH=str(BOT), CONCIERGE_DATABASE_URL=store_url,
               CONCIERGE_SCORER_PATH=str(workdir / "no-scorer"), CONCIERGE_ACTION_TOKEN=token,
               CONCIERGE_ACTION_PORT=str(action_port), CONCIERGE_CATALOG_CHECK_SECONDS="1",
               SQLALCHEMY_SILENCE_UBER_WARNING="1")
    # bot/endpoints.yml as shipped (header from ${CONCIERGE_ACTION_TOKEN}), on this test's port
    shipped = (BOT / "endpoints.yml").read_text()
    assert "http://127.0.0.1:5055/webhook" in shipped and "${CONCIERGE_ACTION_TOKEN}" in shipped
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(shipped.replace("127.0.0.1:5055", f"127.0.0.1:{action_port}"))
    actions = Server("actions", action_server_command(action_port), BOT, env, workdir / "actions.log",
                     action_port, "/health")
    rasa = Server("rasa", [str(RASA), "run", "--model", str(rasa_model), "--port", str(rasa_port), "-i",
                           "127.0.0.1", "--endpoints", str(endpoints), "--credentials", str(BOT / "credentials.yml")],
                  BOT, env, workdir / "rasa.log", rasa_port, "/")
    running = ActionStack(rasa, actions, token, workdir)
    try:
        actions.start()
        rasa.start()
        actions.wait_up()
        rasa.wait_up()
        _wait_until_answering(running.chat)
        yield running
    finally:
        for server in (rasa, actions):
            if server.alive():
                server.stop()


def wait_for(condition, timeout: float = 60, step: float = 0.5, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(step)
    raise AssertionError(f"{what} not reached in {timeout}s (last: {last!r})")


def health_of(stack: ActionStack):
    try:
        response = stack.health()
    except requests.RequestException as exc:
        return ("unreachable", type(exc).__name__)
    return response.status_code, response.json()


def shop_call(sender: str, text: str, intent: str, session: ShoppingSession) -> Dict:
    """What Rasa posts to /webhook to run action_shop_turn (the crafted call of the issue)."""
    return {
        "next_action": "action_shop_turn", "sender_id": sender, "version": "3.6.21", "domain": {},
        "tracker": {
            "sender_id": sender, "slots": {"shopping_session": session.to_slot()},
            "latest_message": {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": []},
            "events": [{"event": "user", "text": text, "input_channel": "rest",
                        "parse_data": {"intent": {"name": intent, "confidence": 0.99}}}],
            "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen",
        },
    }


def store_rows(url: str) -> Dict[str, int]:
    with Store(url) as store:
        return store.counts()


# -- access ----------------------------------------------------------------------------------------------
def test_calls_without_the_secret_are_refused_and_write_nothing(stack, store_url):
    with Store(store_url) as store:
        tablets = [i.id for i in store.load_items() if i.category == "tablets"][:3]
    victim = sender_id("victim")
    call = shop_call(victim, "I love the first one", "like_item", ShoppingSession(category="tablets", shown=tuple(tablets)))
    before = store_rows(store_url)
    wrong = [{}, {TOKEN_HEADER: ""}, {TOKEN_HEADER: "wrong"}, {TOKEN_HEADER: stack.token + "x"},
             {TOKEN_HEADER: stack.token[:-1]}, {TOKEN_HEADER: stack.token.upper()},
             {"Authorization": f"Bearer {stack.token}"}, {"X-Concierge-Token-Other": stack.token}]
    for headers in wrong:
        response = stack.webhook(call, headers)
        assert response.status_code == 401, (headers, response.status_code, response.text)
        assert "unauthorized" in response.json()["error"] and "tb-" not in response.text
        listing = requests.get(f"{stack.actions.url}/actions", headers=headers, timeout=10)
        assert listing.status_code == 401
        preflight = requests.options(f"{stack.actions.url}/webhook", headers=headers, timeout=10)
        assert preflight.status_code == 401
    assert store_rows(store_url) == before
    with Store(store_url) as store:
        assert store.lookup_user("rest", victim) is None
    assert stack.health().status_code == 200  # the only call that needs no secret

    response = stack.webhook(call, {TOKEN_HEADER: stack.token})  # the same call with the secret: it writes
    assert response.status_code == 200, response.text
    with Store(store_url) as store:
        user = store.lookup_user("rest", victim)
        assert user is not None and [(e.item_id, e.event) for e in store.history(user)] == [(tablets[0], "like")]


# -- store outage --------------------------------------------------------------------------------------
def test_health_and_turns_follow_the_database_down_and_back(stack, private_postgres):
    sender = sender_id("outage")
    assert recommendations(stack.say(sender, "show me tablets"))
    pid = stack.actions.pid
    private_postgres.stop()
    try:
        status, body = wait_for(lambda: (lambda h: h if h[0] == 503 else None)(health_of(stack)), timeout=30,
                                what="/health 503")
        assert body["status"].startswith("store unreachable")
        response = stack.send(sender, "show me headphones", timeout=60)
        assert response.status_code == 503, (response.status_code, response.text)
        assert TROUBLE in text_of(response.json()) and APOLOGY not in response.text
        direct = stack.webhook(shop_call(sender, "cheaper", "cheaper", ShoppingSession(category="tablets")),
                               {TOKEN_HEADER: stack.token})
        assert direct.status_code == 503 and "store unreachable" in direct.json()["error"]
    finally:
        private_postgres.start()
    status, body = wait_for(lambda: (lambda h: h if h[0] == 200 else None)(health_of(stack)), timeout=60,
                            what="/health 200 after the database came back")
    assert body["status"] == "ok"
    items = recommendations(stack.say(sender, "show me headphones"))
    assert items and all(i["category"] == "headphones" for i in items)
    assert stack.actions.pid == pid  # recovered by itself, not restarted


# -- the process dies ---------------------------------------------------------------------------------------
def test_a_killed_action_server_closes_its_port_and_the_conversation_resumes(stack):
    sender = sender_id("killed")
    first = recommendations(stack.say(sender, "show me tablets under $300"))
    assert first and all(i["price"] <= 300 for i in first)
    stack.actions.kill()  # SIGKILL: no clean-up
    with pytest.raises(ConnectionRefusedError):  # nothing listens: no open port that hangs
        socket.create_connection(("127.0.0.1", stack.actions.port), timeout=5).close()
    assert health_of(stack)[0] == "unreachable"
    response = stack.send(sender, "show me more", timeout=30)  # answered at once, not after a timeout
    assert response.status_code == 503 and TROUBLE in text_of(response.json())
    assert stack.rasa.alive()
    stack.actions.start()  # what the supervisor does
    stack.actions.wait_up()
    items = recommendations(stack.say(sender, "show me more"))
    assert items and all(i["category"] == "tablets" and i["price"] <= 300 for i in items)
    assert not {i["id"] for i in items} & {i["id"] for i in first}


# -- catalog changes reach the running server ---------------------------------------------------------------
def _catalog_file(path: Path, items) -> Path:
    path.write_text(json.dumps([dict(dataclasses.asdict(i), features=list(i.features)) for i in items]))
    return path


def test_an_imported_price_is_quoted_without_a_restart(stack, store_url, tmp_path):
    sender = sender_id("price")
    first = recommendations(stack.say(sender, "show me tablets"))[0]
    pid, version = stack.actions.pid, stack.health().json()["catalog_version"]
    with Store(store_url) as store:
        item = next(i for i in store.load_items() if i.id == first["id"])
    new_price = round(item.price + 7.77, 2)
    run_cli("import-catalog", str(_catalog_file(tmp_path / "price.json", [dataclasses.replace(item, price=new_price)])),
            database_url=store_url)

    def quoted():
        details = payload(stack.say(sender, "tell me about the first one"), "item_details")
        return details and details["item"]["id"] == item.id and details["item"]["price"] == new_price

    wait_for(quoted, timeout=60, step=1, what=f"the new price {new_price} quoted")
    assert stack.actions.pid == pid and stack.health().json()["catalog_version"] > version


def test_feedback_on_an_item_removed_from_the_catalog_is_answered_gracefully(stack, store_url, tmp_path):
    sender = sender_id("removed")
    shown = recommendations(stack.say(sender, "show me tablets"))
    gone = shown[0]["id"]
    version = stack.health().json()["catalog_version"]
    with Store(store_url) as store:
        remaining = [i for i in store.load_items() if i.id != gone]
    run_cli("import-catalog", str(_catalog_file(tmp_path / "without.json", remaining)), "--replace", "--yes",
            database_url=store_url)
    wait_for(lambda: stack.health().json().get("catalog_version", 0) > version, timeout=60,
             what="the action server's catalog rebuilt")
    reply = stack.say(sender, "I love the first one")
    text = text_of(reply)
    assert text.startswith(ITEM_GONE) and APOLOGY not in text
    items = recommendations(reply)
    assert items and gone not in {i["id"] for i in items}
    with Store(store_url) as store:
        user = store.lookup_user("rest", sender)
        assert user is not None and not [e for e in store.history(user) if e.event == "like"]
        assert gone not in store.item_ids()
