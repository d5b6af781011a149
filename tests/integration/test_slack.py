"""Slack end to end: signed Events API and interactivity payloads posted to the running Rasa server.

The Slack connector (bot/connectors/slack.py) is configured the way a shop configures it, through
the environment read by bot/credentials.yml; its Web API calls go to a loopback stub
(``SLACK_API_URL``) that records them, so the tests assert the Block Kit the assistant sent.
"""
from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import os
import threading
import time
import uuid
from typing import Dict, List, Optional
from urllib.parse import parse_qs, urlencode

import pytest
import requests

from tests.conftest import run_cli

pytestmark = pytest.mark.integration

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
BOT_USER = "U0BOTCONCIERGE"
WAIT_SECONDS = 90


class SlackStub:
    """Slack's Web API on loopback: records every call, answers ok."""

    def __init__(self) -> None:
        self.calls: List[Dict] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or "{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw).items()}
                method = self.path.rsplit("/", 1)[-1]
                with stub.lock:
                    stub.calls.append({"method": method, "body": body,
                                       "authorization": self.headers.get("Authorization")})
                reply = json.dumps({"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}",
                                    "message": {"text": body.get("text", "")}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def posts(self, channel: Optional[str] = None) -> List[Dict]:
        with self.lock:
            return [c["body"] for c in self.calls if c["method"] == "chat.postMessage"
                    and (channel is None or c["body"].get("channel") == channel)]

    def wait_for_posts(self, channel: str, count: int, settle: float = 2.0) -> List[Dict]:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if len(self.posts(channel)) >= count:
                time.sleep(settle)  # a turn may post more than one message
                return self.posts(channel)
            time.sleep(0.3)
        raise AssertionError(f"Slack stub got {len(self.posts(channel))} posts for {channel}, expected {count}")


@pytest.fixture(scope="module")
def slack_stack(channels_stack):
    """The shared channel stack (tests/integration/conftest.py) with Slack configured against the stub."""
    return channels_stack


def signed(body: str, timestamp: Optional[int] = None, secret: str = SECRET) -> Dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def event_body(text: str, user: str, channel: str, event_id: Optional[str] = None, **event) -> str:
    """An Events API ``event_callback`` for a direct message, as Slack sends it."""
    ts = f"{time.time():.6f}"
    return json.dumps({
        "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "team_id": "T061EG9RZ", "api_app_id": "A0FFV41KK",
        "event": {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
                  "event_ts": ts, "channel_type": "im", "client_msg_id": str(uuid.uuid4()), **event},
        "type": "event_callback", "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": "T061EG9RZ", "user_id": BOT_USER,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False, "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
    })


def block_action_body(value: str, user: str, channel: str, block_id: str = "item-2") -> str:
    """An interactivity ``block_actions`` payload for a button press (form-encoded, as Slack sends it)."""
    payload = {
        "type": "block_actions", "user": {"id": user, "username": "shopper", "team_id": "T061EG9RZ"},
        "api_app_id": "A0FFV41KK", "token": "Jhj5dZrVaK7ZwHHjRyZWjbDl",
        "container": {"type": "message", "message_ts": "1548261231.000200", "channel_id": channel,
                      "is_ephemeral": False},
        "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex[:32]}",
        "team": {"id": "T061EG9RZ", "domain": "shop"}, "channel": {"id": channel, "name": "directmessage"},
        "message": {"type": "message", "ts": "1548261231.000200", "bot_id": "B01", "text": "list"},
        "response_url": "https://hooks.slack.com/actions/T061EG9RZ/1/abc",
        "actions": [{"type": "button", "action_id": f"{block_id}-1", "block_id": block_id, "value": value,
                     "text": {"type": "plain_text", "text": "Not this", "emoji": True},
                     "action_ts": f"{time.time():.6f}"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def post_event(stack, body: str, headers: Optional[Dict[str, str]] = None,
               content_type: str = "application/json") -> requests.Response:
    return requests.post(f"{stack.rasa_url}/webhooks/slack/webhook", data=body.encode(),
                         headers={"Content-Type": content_type, **(headers if headers is not None else signed(body))},
                         timeout=30)


def new_ids():
    tag = uuid.uuid4().hex[:8].upper()
    return f"U{tag}", f"D{tag}"


def item_sections(blocks: List[Dict]) -> List[Dict]:
    return [b for b in blocks if b["type"] == "section" and b["text"]["text"].startswith("*")]


def test_url_verification_is_answered(slack_stack):
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
                       "type": "url_verification"})
    answer = post_event(slack_stack, body)
    assert answer.status_code == 200
    assert answer.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


@pytest.mark.parametrize("case", ["missing", "forged", "stale", "wrong secret"])
def test_unsigned_forged_or_stale_requests_are_rejected(slack_stack, slack_stub, case):
    user, channel = new_ids()
    body = event_body("show me tablets", user, channel)
    headers = {
        "missing": {},
        "forged": {**signed(body), "X-Slack-Signature": "v0=" + "0" * 64},
        "stale": signed(body, timestamp=int(time.time()) - 6 * 60),
        "wrong secret": signed(body, secret="not-the-signing-secret"),
    }[case]
    answer = post_event(slack_stack, body, headers=headers)
    assert answer.status_code == 401
    time.sleep(3)
    assert slack_stub.posts(channel) == []


def test_a_list_arrives_as_block_kit_and_a_retry_is_not_answered_twice(slack_stack, slack_stub):
    user, channel = new_ids()
    body = event_body("show me tablets", user, channel)
    # a charset parameter on the content type is still JSON
    first = post_event(slack_stack, body, content_type="application/json; charset=utf-8")
    assert first.status_code == 200
    posts = slack_stub.wait_for_posts(channel, 1)
    lists = [p for p in posts if len(item_sections(p.get("blocks") or [])) >= 2]
    assert lists, posts
    message = lists[-1]
    assert message["channel"] == channel and "as_user" not in message
    assert message["text"]  # the notification fallback
    sections = item_sections(message["blocks"])
    assert sections[0]["text"]["text"].startswith("*1. ") and "$" in sections[0]["text"]["text"]
    assert "_Why: " in sections[0]["text"]["text"]
    assert sections[0]["accessory"]["type"] == "image"
    assert sections[0]["accessory"]["image_url"].startswith(f"{slack_stack.images}/tb-")
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    item_two = next(b for b in actions if b["block_id"] == "item-2")
    assert [e["value"] for e in item_two["elements"]] == ["more like the 2nd one", "not the 2nd one",
                                                          "tell me about the 2nd one"]
    assert len({e["action_id"] for b in actions for e in b["elements"]}) == sum(len(b["elements"]) for b in actions)
    assert len(message["blocks"]) <= 50

    # Slack retries the same event (any reason): acknowledged, not processed again
    answered = len(slack_stub.posts(channel))
    for reason in ("http_error", "http_timeout"):
        retry = post_event(slack_stack, body, headers={**signed(body), "X-Slack-Retry-Num": "1",
                                                       "X-Slack-Retry-Reason": reason})
        assert retry.status_code == 200 and retry.headers.get("X-Slack-No-Retry") == "1"
    time.sleep(8)
    assert len(slack_stub.posts(channel)) == answered

    # a button press ("not this" on the 2nd item) is answered in the same conversation
    disliked_title = sections[1]["text"]["text"]
    press = post_event(slack_stack, block_action_body("not the 2nd one", user, channel),
                       content_type="application/x-www-form-urlencoded")
    assert press.status_code == 200
    after = slack_stub.wait_for_posts(channel, answered + 1)[answered:]
    assert after and all(p["channel"] == channel for p in after)
    newer_lists = [p for p in after if item_sections(p.get("blocks") or [])]
    for later in newer_lists:
        assert disliked_title not in [s["text"]["text"] for s in item_sections(later["blocks"])]


def test_joins_edits_and_bot_messages_get_no_answer(slack_stack, slack_stub):
    user, channel = new_ids()
    for extra in ({"subtype": "channel_join", "text": f"<@{user}> has joined the channel"},
                  {"subtype": "bot_message", "bot_id": "B0123"},
                  {"bot_id": "B0123"}):
        body = event_body(extra.pop("text", "show me tablets"), user, channel, **extra)
        assert post_event(slack_stack, body).status_code == 200
    time.sleep(6)
    assert slack_stub.posts(channel) == []


def test_a_slack_shopper_can_be_linked_to_their_web_session(tmp_path):
    """The documented way to make two channels' senders one shopper (no servers needed)."""
    import subprocess
    import sys

    from actions.channels.link import link_sender
    from recommender.store import Store
    from tests.conftest import BOT, ROOT

    url = f"sqlite:///{tmp_path / 'link.db'}"
    run_cli("load-demo", "--users", "5", database_url=url)
    store = Store(url)
    first, second = [item.id for item in store.load_items()[:2]]
    session = uuid.uuid4().hex
    web_user = store.user_for_sender("web", session)
    store.record_interaction(web_user, first, "like", source="web")
    slack_user = store.user_for_sender("slack", "U0LINKME")
    store.record_interaction(slack_user, second, "purchase", source="slack")
    assert slack_user != web_user

    assert link_sender(store, "slack", "U0LINKME", "web", session) == web_user
    assert store.user_for_sender("slack", "U0LINKME") == web_user
    assert {(e.item_id, e.event) for e in store.history(web_user)} >= {(first, "like"), (second, "purchase")}

    out = subprocess.run([sys.executable, "-m", "actions.channels.link", "telegram", "4242", "--to", "web", session,
                          "--database-url", url], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(BOT)},
                         capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["user_id"] == web_user
    assert store.user_for_sender("telegram", "4242") == web_user


def test_block_kit_escapes_catalog_text_and_respects_slack_limits():
    """No servers needed: mrkdwn escaping of titles, and Slack's block and label limits."""
    from actions.channels.slack import render
    from recommender.dialogue.turn import Reply

    evil = "Tab <!channel> & <https://evil.example|free> <@U0ADMIN>"
    items = [{"id": f"tb-{n}", "title": evil if n == 1 else f"Tablet {n}", "price": 199.0 + n, "currency": "USD",
              "brand": "Acme", "features": ["stylus"], "reason": "Fits <b>you</b>"} for n in range(1, 31)]
    text = "Here are 30 tablets, best match first:\n" + "\n".join(f"{n}. {i['title']} — $1" for n, i in
                                                                 enumerate(items, 1))
    reply = Reply("recommendations", text, [("x" * 100, "/cheaper")], {"type": "recommendations", "items": items})
    [message] = render(reply)
    blocks = message["json_message"]["blocks"]
    assert len(blocks) <= 50 and blocks[-1]["block_id"] == "reply"
    assert len(blocks[-1]["elements"][0]["text"]["text"]) <= 75
    first = item_sections(blocks)[0]["text"]["text"]
    assert "<" not in first and ">" not in first.replace("&gt;", "")
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|free&gt; &lt;@U0ADMIN&gt;" in first
    assert "&lt;b&gt;you&lt;/b&gt;" in first
    assert "<" not in message["json_message"]["text"]
