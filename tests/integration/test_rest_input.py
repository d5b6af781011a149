"""The REST channel checks its input at the door (bot/rasa_addons/rest_channel.py).

Every malformed request gets a 400 with a JSON error naming the field, no request stops the
server, and a normal turn still works afterwards.
"""
from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from tests.integration.conftest import recommendations, text_of

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venvs" / "rasa" / "bin" / "python"


def post_raw(stack, body: bytes, **kwargs) -> requests.Response:
    return requests.post(f"{stack.rasa_url}/webhooks/rest/webhook", data=body,
                         headers={"Content-Type": "application/json"}, timeout=60, **kwargs)


def post(stack, payload) -> requests.Response:
    return post_raw(stack, json.dumps(payload).encode())


def fresh(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}"


BAD_BODIES = [
    ("not json", b"hello", "body"),
    ("truncated json", b'{"sender": "a", "message": ', "body"),
    ("not utf-8", b'{"sender": "a", "message": "\xff\xfe"}', "body"),
    ("list", b'[{"sender": "a", "message": "hi"}]', "body"),
    ("string", b'"hi"', "body"),
    ("null", b"null", "body"),
    ("empty body", b"", "body"),
    ("too large", json.dumps({"sender": "big", "message": "a" * (64 * 1024)}).encode(), "body"),
]

BAD_PAYLOADS = [
    ("no sender", {"message": "hi"}, "sender"),
    ("empty sender", {"sender": "", "message": "hi"}, "sender"),
    ("null sender", {"sender": None, "message": "hi"}, "sender"),
    ("number sender", {"sender": 42, "message": "hi"}, "sender"),
    ("list sender", {"sender": ["a"], "message": "hi"}, "sender"),
    ("long sender", {"sender": "a" * 129, "message": "hi"}, "sender"),
    ("NUL in sender", {"sender": "ann\u0000", "message": "hi"}, "sender"),
    ("space in sender", {"sender": "ann smith", "message": "hi"}, "sender"),
    ("slash in sender", {"sender": "../ann", "message": "hi"}, "sender"),
    ("accent in sender", {"sender": "zoé", "message": "hi"}, "sender"),
    ("newline in sender", {"sender": "ann\nbob", "message": "hi"}, "sender"),
    ("no message", {"sender": "ann"}, "message"),
    ("null message", {"sender": "ann", "message": None}, "message"),
    ("number message", {"sender": "ann", "message": 5}, "message"),
    ("object message", {"sender": "ann", "message": {"text": "hi"}}, "message"),
    ("list metadata", {"sender": "ann", "message": "hi", "metadata": [1]}, "metadata"),
]


@pytest.mark.parametrize("case, body, field", BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_a_malformed_body_gets_a_400_with_a_json_error(stack, case, body, field):
    response = post_raw(stack, body)
    assert response.status_code == 400, response.text[:300]
    error = response.json()
    assert error["field"] == field and error["error"]


@pytest.mark.parametrize("case, payload, field", BAD_PAYLOADS, ids=[c[0] for c in BAD_PAYLOADS])
def test_a_bad_sender_or_message_gets_a_400_with_a_json_error(stack, case, payload, field):
    response = post(stack, payload)
    assert response.status_code == 400, response.text[:300]
    error = response.json()
    assert error["field"] == field and error["error"], error
    assert "Traceback" not in response.text


def test_the_limits_themselves_are_accepted_and_the_server_keeps_serving(stack):
    for payload in ({"sender": "a" * 128, "message": "show me tablets"},
                    {"sender": "ann.smith@example.com", "message": "hi"},
                    {"sender": "slack:U123-abc_9", "message": ""},
                    {"sender": fresh("long"), "message": "a laptop " + "x" * 9000}):  # cut to 2,000 characters
        response = post(stack, payload)
        assert response.status_code == 200, (payload["sender"], response.text[:300])
        assert isinstance(response.json(), list)
    for _ in range(3):  # a burst of the worst ones
        for body in (b'{"sender": "a\\u0000", "message": "x"}', b"\x00\x00\x00", b"[" * 5000):
            assert post_raw(stack, body).status_code == 400
    shown = recommendations(stack.say(fresh("after-bad"), "show me tablets"))
    assert shown and all(item["category"] == "tablets" for item in shown)


def test_the_body_cannot_pick_another_channel(stack):
    sender = fresh("spoof")
    reply = post(stack, {"sender": sender, "message": "show me tablets", "input_channel": "slack"})
    assert reply.status_code == 200
    assert recommendations(reply.json()), "rendered for REST, not for the channel the body named"
    assert text_of(reply.json())


def test_long_messages_are_cut_and_control_characters_blanked():
    if not RASA_PYTHON.exists():
        pytest.fail(f"the Rasa environment is missing ({RASA_PYTHON})", pytrace=False)
    code = ("import json; from rasa_addons.rest_channel import check_body; "
            "s, m, _ = check_body(json.dumps({'sender': 'ann', 'message': 'a\\u0000b\\tc' + 'x' * 5000}).encode()); "
            "print(json.dumps([s, len(m), m[:5]]))")
    out = subprocess.run([str(RASA_PYTHON), "-W", "ignore", "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT / "bot")), timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == ["ann", 2000, "a b\tc"]
