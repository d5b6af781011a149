"""The REST channel checks its input at the door (bot/rasa_addons/rest_channel.py).

Every malformed request gets a 400 with a JSON error naming the field, no request stops the
server, and a normal turn still works afterwards. Requests over Sanic's limit (1 MiB, set by the
channel: bot/rasa_addons/limits.py) are refused before their body is read. GET
/webhooks/rest/health reports the stores. (The token, outages and fuzzing, on a production-like
stack: tests/integration/test_hostile_input.py.)
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
    return post_raw(stack, json.dumps(payload).encode())  # ASCII JSON: a lone surrogate travels as \ud800


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
    ("surrogate in sender", {"sender": "ann\ud800", "message": "hi"}, "sender"),
    ("reserved sender", {"sender": "__concierge_health_probe__", "message": "hi"}, "sender"),
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
            "s, m, _ = check_body(json.dumps({'sender': 'ann', 'message': 'a\\u0000b\\tc\\ud800' + 'x' * 5000}).encode()); "
            "print(json.dumps([s, len(m), m[:6]]))")
    out = subprocess.run([str(RASA_PYTHON), "-W", "ignore", "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT / "bot")), timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == ["ann", 2000, "a b\tc\ufffd"]


def test_an_empty_message_is_answered_without_a_turn(stack):
    for message in ("", "   ", "\u0000\u0001"):
        response = post(stack, {"sender": fresh("empty"), "message": message})
        assert response.status_code == 200 and response.json() == []


def test_requests_over_the_size_limit_are_refused_before_they_are_read(stack):
    try:
        refused = post_raw(stack, b'{"sender": "big", "message": "' + b"a" * (3 * 1024 * 1024) + b'"}')
        assert refused.status_code == 413, refused.status_code
        assert "Traceback" not in refused.text
    except requests.ConnectionError:
        pass  # Sanic answered 413 and closed the connection while the upload was still going
    shown = recommendations(stack.say(fresh("after-big"), "show me tablets"))
    assert shown, "the server kept serving"


def test_health_reports_the_stores(stack):
    response = requests.get(f"{stack.rasa_url}/webhooks/rest/health", timeout=30)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert requests.get(f"{stack.rasa_url}/webhooks/rest/", timeout=30).json() == {"status": "ok"}


def test_without_a_token_only_loopback_clients_are_answered_and_with_one_only_its_bearer():
    if not RASA_PYTHON.exists():
        pytest.fail(f"the Rasa environment is missing ({RASA_PYTHON})", pytrace=False)
    code = """
import json, types
from rasa_addons.rest_channel import CheckedRestInput
def request(ip, authorization=None):
    return types.SimpleNamespace(ip=ip, headers={"authorization": authorization} if authorization else {})
open_, closed = CheckedRestInput(token=None), CheckedRestInput(token="s3cret-token")
print(json.dumps([
    [open_.authorized(request(ip)) for ip in ("127.0.0.1", "127.8.9.1", "::1", "10.0.0.5", "192.168.1.2", "", "x")],
    [closed.authorized(request(ip, auth)) for ip, auth in (("127.0.0.1", None), ("10.0.0.5", "Bearer s3cret-token"),
     ("127.0.0.1", "Bearer s3cret-tokenx"), ("127.0.0.1", "Basic s3cret-token"), ("127.0.0.1", "bearer s3cret-token"),
     ("127.0.0.1", "Bearer \u00e9"))]]))
"""
    out = subprocess.run([str(RASA_PYTHON), "-W", "ignore", "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT / "bot")), timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    loopback_only, bearer_only = json.loads(out.stdout.strip().splitlines()[-1])
    assert loopback_only == [True, True, True, False, False, False, False]
    assert bearer_only == [False, True, False, False, True, False]
