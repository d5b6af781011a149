"""Hostile input at every door, and outages that the shopper and a monitor can both see.

One production-like assistant serves the whole module (``door``): Rasa with a REST token, the SQL
tracker store on a fresh PostgreSQL database, the atomic Redis lock store, and every channel
(REST, the website's socket.io, Slack and Telegram, the last two talking to loopback stubs of
their APIs), plus the action server (its launcher, with the shared secret) on the same database.
Rasa reaches PostgreSQL, Redis and the action server through ``Gate``s, loopback TCP forwarders
that a test shuts (connection refused, open connections cut) and opens again, so a store or the
action server goes away and comes back without restarting anything.

Fuzzing uses hypothesis, bounded for CI (40-60 examples per test, no deadline): random unicode
with NUL, control and lone surrogate characters, huge bodies, wrong JSON types and malformed
bodies, on REST, socket.io, Slack and Telegram. Asserted throughout: no 5xx for a well-formed
request, 400 for a malformed one, no stack trace text in any reply, the Rasa process and the
action server still running, nothing stored for a refused request, and at the end every
conversation id in the tracker store a valid one. The importer's fuzz tests are in
tests/unit/test_importer.py.

Outages: with Redis, PostgreSQL or the action server unreachable, a REST turn gets HTTP 503 and
``[{"recipient_id": <sender>, "text": <channel_trouble>}]``, the web chat, Slack and Telegram get the
trouble text, ``GET /webhooks/rest/health`` says 503 for a store; once it is back, everything
answers again and the conversation goes on where it was.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from rasa_addons.limits import MAX_BODY_BYTES
from tests.conftest import _temporary_database, run_cli
from tests.integration.conftest import recommendations
from tests.integration.test_slack import SECRET as SLACK_SECRET
from tests.integration.test_slack import TOKEN as SLACK_TOKEN
from tests.integration.test_slack import SlackStub, event_body, signed
from tests.integration.test_telegram import SECRET as TELEGRAM_SECRET
from tests.integration.test_telegram import TOKEN as TELEGRAM_TOKEN
from tests.integration.test_telegram import USERNAME as TELEGRAM_USERNAME
from tests.integration.test_telegram import WEBHOOK_URL as TELEGRAM_WEBHOOK_URL
from tests.integration.test_telegram import TelegramStub, message_update, private_chat
from tools.stack import BOT, RASA, STARTUP_SECONDS, _wait_for, free_port, stop_processes

pytestmark = pytest.mark.integration

TROUBLE = "I'm having trouble right now, please try again in a moment."
REST_TOKEN = "rest-" + secrets.token_urlsafe(24)
ACTION_TOKEN = "act-" + secrets.token_urlsafe(24)
WEB_SECRET = secrets.token_urlsafe(24)
VALID_SENDER = re.compile(r"[A-Za-z0-9_.:@-]{1,128}")
STACK_TRACE = re.compile(r"Traceback|File \"/|\.py\", line \d+")
FUZZ = settings(max_examples=50, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SHORT_FUZZ = settings(FUZZ, max_examples=40)


# -- gates: a service that can be made unreachable and brought back -----------------------------
class Gate:
    """A loopback TCP forwarder to ``target_port``; ``shut()`` refuses connections and cuts open ones."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self._listener: Optional[socket.socket] = None
        self._conns: set = set()
        self._lock = threading.Lock()

    def open(self) -> None:
        if self._listener is not None:
            return
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.2)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def shut(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            _close(conn)

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._conns.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for conn in (source, sink):
                _close(conn)
                with self._lock:
                    self._conns.discard(conn)


def _close(conn: socket.socket) -> None:
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()


# -- the assistant under test ---------------------------------------------------------------------
@dataclasses.dataclass
class Door:
    rasa_url: str
    action_url: str
    rasa: subprocess.Popen
    actions: subprocess.Popen
    database_url: str
    redis_gate: Gate
    pg_gate: Gate
    action_gate: Gate
    slack: SlackStub
    telegram: TelegramStub
    workdir: Path

    @property
    def webhook(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def post(self, payload: Any = None, body: Optional[bytes] = None, token: Optional[str] = REST_TOKEN,
             headers: Optional[Dict[str, str]] = None, **kwargs: Any) -> requests.Response:
        sent = dict({"Content-Type": "application/json"}, **(headers or {}))
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        data = body if body is not None else json.dumps(payload).encode()
        return requests.post(self.webhook, data=data, headers=sent, timeout=120, **kwargs)

    def say(self, sender: str, text: str) -> List[Dict]:
        response = self.post({"sender": sender, "message": text})
        assert response.status_code == 200, response.text[:500]
        return response.json()

    def health(self) -> requests.Response:
        return requests.get(f"{self.rasa_url}/webhooks/rest/health", timeout=30)

    def alive(self) -> None:
        assert self.rasa.poll() is None, f"Rasa exited:\n{(self.workdir / 'rasa.log').read_text()[-3000:]}"
        assert self.actions.poll() is None, f"the action server exited:\n{(self.workdir / 'actions.log').read_text()[-3000:]}"

    def query(self, sql: str, **params: Any) -> List[Tuple]:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return [tuple(row) for row in conn.execute(text(sql), params)]
        finally:
            engine.dispose()

    def events(self, sender: Optional[str] = None) -> int:
        if sender is None:
            return self.query("SELECT count(*) FROM events")[0][0]
        return self.query("SELECT count(*) FROM events WHERE sender_id = :s", s=sender)[0][0]


def _endpoints(door_db: str, pg_port: int, redis_port: int, action_port: int) -> str:
    return (
        "action_endpoint:\n"
        f'  url: "http://127.0.0.1:{action_port}/webhook"\n'
        "  headers:\n"
        f'    X-Concierge-Token: "{ACTION_TOKEN}"\n'
        "tracker_store:\n"
        "  type: rasa_addons.tracker_store.ForgettingSQLTrackerStore\n"
        "  dialect: postgresql\n"
        f"  url: 127.0.0.1\n  port: {pg_port}\n  db: {door_db}\n  username: postgres\n"
        "lock_store:\n"
        "  type: rasa_addons.lock_store.AtomicRedisLockStore\n"
        f"  url: 127.0.0.1\n  port: {redis_port}\n  db: 4\n  key_prefix: door{uuid.uuid4().hex[:8]}\n"
        "  socket_timeout: 3\n"
    )


def _wait_until_answering(door: Door) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        door.alive()
        try:
            response = door.post({"sender": "warm-up", "message": "show me tablets"})
            if response.status_code == 200 and response.json():
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError("Rasa never answered on the REST channel")


@pytest.fixture(scope="module")
def door(rasa_model, tmp_path_factory) -> Iterator[Door]:
    from sqlalchemy.engine import make_url

    workdir = tmp_path_factory.mktemp("door")
    slack, telegram = SlackStub(), TelegramStub()
    with _temporary_database() as database_url:
        run_cli("load-demo", "--users", "200", database_url=database_url)
        action_port, rasa_port = free_port(), free_port()
        redis_gate, pg_gate, action_gate = Gate(6379), Gate(5432), Gate(action_port)
        for gate in (redis_gate, pg_gate, action_gate):
            gate.open()
        base = dict(os.environ, PYTHONPATH=str(BOT), SQLALCHEMY_SILENCE_UBER_WARNING="1",
                    CONCIERGE_ACTION_TOKEN=ACTION_TOKEN)
        base.pop("SANIC_REQUEST_MAX_SIZE", None)  # the channels' own limit is under test
        action_env = dict(base, CONCIERGE_DATABASE_URL=database_url,
                          CONCIERGE_SCORER_PATH=str(workdir / "no-scorer"))
        rasa_env = dict(base, CONCIERGE_REST_TOKEN=REST_TOKEN, CONCIERGE_WEB_SESSION_SECRET=WEB_SECRET,
                        SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_SIGNING_SECRET=SLACK_SECRET, SLACK_API_URL=slack.url,
                        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_BOT_USERNAME=TELEGRAM_USERNAME,
                        TELEGRAM_WEBHOOK_URL=TELEGRAM_WEBHOOK_URL, TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
                        TELEGRAM_API_URL=telegram.url)
        endpoints = workdir / "endpoints.yml"
        endpoints.write_text(_endpoints(make_url(database_url).database, pg_gate.port, redis_gate.port,
                                        action_gate.port))
        actions = subprocess.Popen([sys.executable, "-m", "actions.server", "--port", str(action_port)],
                                   cwd=BOT, env=action_env, stdout=(workdir / "actions.log").open("w"),
                                   stderr=subprocess.STDOUT)
        rasa = subprocess.Popen([str(RASA), "run", "--model", str(rasa_model), "--port", str(rasa_port),
                                 "-i", "127.0.0.1", "--endpoints", str(endpoints),
                                 "--credentials", str(BOT / "credentials.yml")],
                                cwd=BOT, env=rasa_env, stdout=(workdir / "rasa.log").open("w"),
                                stderr=subprocess.STDOUT)
        door = Door(f"http://127.0.0.1:{rasa_port}", f"http://127.0.0.1:{action_port}", rasa, actions,
                    database_url, redis_gate, pg_gate, action_gate, slack, telegram, workdir)
        try:
            _wait_for(f"{door.action_url}/health", actions, workdir / "actions.log")
            _wait_for(f"{door.rasa_url}/", rasa, workdir / "rasa.log")
            _wait_until_answering(door)
            yield door
        finally:
            stop_processes([rasa, actions])
            for gate in (redis_gate, pg_gate, action_gate):
                gate.shut()
            slack.server.shutdown()
            telegram.server.shutdown()


def fresh(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:8]}"


def no_stack_trace(response: requests.Response) -> None:
    assert not STACK_TRACE.search(response.text), response.text[:1000]


def wait_for(condition: Callable[[], Any], seconds: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


# -- strategies -------------------------------------------------------------------------------------
SPECIALS = ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x7f", "\x85", "\x9f", "\ud800", "\udbff", "\udc00", "\udfff",
            "\u2028", "\u202e", "\ufeff", "\uffff", "\t", "\n", "\r", " ", "/", "'", '"', "\\", "{", "}"]
FRAGMENTS = ["..", "%00", "../", "<script>", "${x}", "' OR '1'='1", "/restart", "/inform{", "\r\n\r\n"]


def hostile_text(max_size: int) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(SPECIALS), st.characters(exclude_categories=()), st.sampled_from(FRAGMENTS))
    return st.lists(piece, max_size=max_size).map("".join)


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                      hostile_text(40))
JSON_VALUE = st.recursive(JSON_LEAF, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                             st.dictionaries(hostile_text(8), inner, max_size=3)),
                          max_leaves=8)
GOOD_SENDER = st.from_regex(r"[A-Za-z0-9_.:@-]{1,40}", fullmatch=True).filter(lambda s: not s.startswith("__"))
SENDERS = st.one_of(GOOD_SENDER, GOOD_SENDER, GOOD_SENDER, GOOD_SENDER, hostile_text(160), st.just(""), st.just("a" * 129), st.just("__x"),
                    st.just("x" * 300), JSON_LEAF, st.lists(st.integers(), max_size=2))
MESSAGES = st.one_of(st.sampled_from(["show me tablets", "cheaper", "hi", "", "   ", "/restart"]),
                     hostile_text(200), st.builds(lambda s, n: s * n, hostile_text(5), st.integers(100, 3000)),
                     JSON_VALUE)
OPTIONAL_FIELDS = {"metadata": st.one_of(st.none(), JSON_VALUE),
                   "input_channel": st.one_of(st.just("slack"), hostile_text(10))}
REST_BODIES = st.one_of(
    # a valid sender and a hostile message: the turn runs (most examples)
    st.fixed_dictionaries({"sender": GOOD_SENDER, "message": MESSAGES}, optional=OPTIONAL_FIELDS),
    st.fixed_dictionaries({"sender": GOOD_SENDER, "message": hostile_text(300)}, optional=OPTIONAL_FIELDS),
    # anything in any field, any field missing
    st.fixed_dictionaries({}, optional={"sender": SENDERS, "message": MESSAGES, **OPTIONAL_FIELDS}),
)


def well_formed(body: Dict[str, Any]) -> bool:
    """What the REST channel must accept: a valid sender, a string message, an object or no metadata."""
    sender = body.get("sender")
    return (isinstance(sender, str) and bool(VALID_SENDER.fullmatch(sender)) and not sender.startswith("__")
            and isinstance(body.get("message"), str) and isinstance(body.get("metadata", {}), (dict, type(None))))


# -- REST ----------------------------------------------------------------------------------------------
def test_the_rest_channel_requires_its_token(door):
    sender = fresh("tok")
    payload = {"sender": sender, "message": "show me tablets"}
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {REST_TOKEN}"},
                    {"Authorization": f"Bearer {REST_TOKEN}x"}, {"Authorization": f"Bearer {REST_TOKEN[:-1]}"},
                    {"Authorization": "Bearer"}, {"Authorization": "Bearer é".encode().decode("latin-1")},
                    {"X-Concierge-Token": REST_TOKEN}):
        refused = door.post(payload, token=None, headers=headers)
        assert refused.status_code == 401, (headers, refused.text[:300])
        assert refused.json()["field"] == "authorization"
        no_stack_trace(refused)
    assert door.events(sender) == 0, "a refused request reached the tracker store"
    accepted = door.post(payload, token=None, headers={"Authorization": f"bearer {REST_TOKEN}"})
    assert accepted.status_code == 200 and recommendations(accepted.json())


@FUZZ
@given(body=REST_BODIES)
def test_fuzzed_rest_requests_get_200_or_400_never_5xx(door, body):
    response = door.post(body=json.dumps(body).encode())  # ASCII JSON: lone surrogates travel as \ud800
    no_stack_trace(response)
    assert response.status_code in (200, 400), (body, response.status_code, response.text[:300])
    if well_formed(body):
        assert response.status_code == 200, (body, response.text[:300])
        assert isinstance(response.json(), list)
        event("answered" if response.json() else "accepted, nothing to answer")
    else:
        assert response.status_code == 400, (body, response.text[:300])
        error = response.json()
        assert error["field"] in {"sender", "message", "metadata", "body"} and error["error"]
        event(f"refused: {error['field']}")


MALFORMED = st.one_of(
    st.binary(max_size=400),
    st.builds(lambda body, cut: json.dumps(body).encode()[:cut], REST_BODIES, st.integers(1, 30)),  # truncated
    st.builds(lambda value: json.dumps(value).encode(), st.one_of(JSON_LEAF, st.lists(JSON_VALUE, max_size=3))),
    st.builds(lambda depth: b"[" * depth + b"]" * depth, st.integers(500, 20000)),
    st.builds(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth, st.integers(500, 5000)),
    st.builds(lambda text: text.encode("utf-8", "surrogatepass"), hostile_text(50)),
    st.just(b'{"sender": "ann", "message": "\xff\xfe"}'), st.just(b"\xef\xbb\xbf{}"), st.just(b""),
)


@FUZZ
@given(body=MALFORMED)
def test_fuzzed_malformed_bodies_get_400_and_store_nothing(door, body):
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        parsed = None
    if isinstance(parsed, dict) and well_formed(parsed):
        return  # hypothesis made a valid request out of bytes: not what this test is about
    before = door.events()
    response = door.post(body=body)
    no_stack_trace(response)
    assert response.status_code == 400, (body[:100], response.status_code, response.text[:300])
    assert response.json()["field"] in {"sender", "message", "metadata", "body"}
    assert door.events() == before, "a refused request changed the tracker store"


def test_huge_bodies_are_refused_and_long_messages_cut(door):
    sender = fresh("huge")
    over = door.post({"sender": sender, "message": "a" * (70 * 1024)})
    assert over.status_code == 400 and over.json()["field"] == "body"
    for size in (2 * 1024 * 1024, 5 * 1024 * 1024):  # past Sanic's 1 MiB limit: 413, or the upload cut off
        try:
            refused = door.post(body=b'{"sender": "big", "message": "' + b"a" * size + b'"}')
            assert refused.status_code == 413, refused.status_code
            no_stack_trace(refused)
        except requests.ConnectionError:
            pass
    door.alive()
    assert door.events(sender) == 0 and door.events("big") == 0
    long_sender = fresh("long")
    reply = door.post({"sender": long_sender, "message": "a laptop " + "z" * 60000})  # 60 KB: parsed, cut
    assert reply.status_code == 200, reply.text[:300]
    texts = [json.loads(data).get("text", "") for (data,) in door.query(
        "SELECT data FROM events WHERE sender_id = :s AND type_name = 'user'", s=long_sender)]
    assert texts and max(len(t) for t in texts) == 2000
    assert recommendations(door.say(fresh("after-huge"), "show me tablets")), "the server kept serving"


def test_wrong_methods_and_content_types_are_answered_without_a_trace(door):
    for response in (requests.get(door.webhook, timeout=30),
                     requests.put(door.webhook, data=b"{}", timeout=30),
                     door.post({"sender": fresh("ct"), "message": "hi"}, headers={"Content-Type": "text/plain"}),
                     door.post(body=b"sender=ann&message=hi",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})):
        assert response.status_code < 500, (response.status_code, response.text[:300])
        no_stack_trace(response)
    door.alive()


# -- the website's socket.io -----------------------------------------------------------------------
class PollingSocket:
    """A minimal socket.io client over Engine.IO v4 long-polling (what a browser falls back to)."""

    def __init__(self, rasa_url: str) -> None:
        self.url = f"{rasa_url}/socket.io/"
        self.http = requests.Session()
        opened = self.http.get(self.url, params={"EIO": "4", "transport": "polling"}, timeout=30)
        assert opened.status_code == 200 and opened.text.startswith("0"), opened.text[:200]
        self.sid = json.loads(opened.text[1:])["sid"]
        self.events: List[Tuple[str, List[Any]]] = []
        self.send_packet("40")
        deadline = time.monotonic() + 30
        while not any(p.startswith("40") for p in self._poll()):
            assert time.monotonic() < deadline, "no socket.io connect acknowledgement"

    def _params(self) -> Dict[str, str]:
        return {"EIO": "4", "transport": "polling", "sid": self.sid}

    def send_packet(self, packet: str, timeout: float = 30) -> requests.Response:
        return self.http.post(self.url, params=self._params(), data=packet.encode("utf-8", "surrogatepass"),
                              headers={"Content-Type": "text/plain;charset=UTF-8"}, timeout=timeout)

    def emit(self, event: str, *args: Any) -> None:
        response = self.send_packet("42" + json.dumps([event, *args]))
        assert response.status_code == 200, response.text[:200]

    def _poll(self) -> List[str]:
        response = self.http.get(self.url, params=self._params(), timeout=40)
        assert response.status_code == 200, response.text[:200]
        packets = response.text.split("\x1e") if response.text else []
        for packet in packets:
            if packet == "2":
                self.send_packet("3")
            elif packet.startswith("42"):
                event, *args = json.loads(packet[2:])
                self.events.append((event, args))
        return packets

    def wait_for(self, event: str, seconds: float = 90, since: int = 0) -> List[Any]:
        deadline = time.monotonic() + seconds
        while True:
            for name, args in self.events[since:]:
                if name == event:
                    return args
            assert time.monotonic() < deadline, f"no {event} event (got {[e for e, _ in self.events[since:]]})"
            self._poll()

    def session(self, data: Any = None) -> Tuple[str, str]:
        """(session id, token) confirmed for a ``session_request`` with ``data``."""
        mark = len(self.events)
        self.emit("session_request", data)
        token = self.wait_for("session_token", since=mark)[0]
        confirmed = self.wait_for("session_confirm", since=mark)[0]
        self.wait_for("session_history", since=mark)
        assert token["session_id"] == confirmed
        return confirmed, token["token"]

    def say(self, text: str, until: Optional[Callable[[List[Dict]], bool]] = None, seconds: float = 120) -> List[Dict]:
        """Send ``text``; the bot messages that came back once ``until`` holds (default: any came)."""
        until = until or bool
        mark = len(self.events)
        self.emit("user_uttered", {"message": text})
        deadline = time.monotonic() + seconds
        while not until(self.bot_messages(mark)):
            assert time.monotonic() < deadline, f"no fitting reply to {text!r}: {self.bot_messages(mark)}"
            self._poll()
        return self.bot_messages(mark)

    def bot_messages(self, since: int = 0) -> List[Dict]:
        return [args[0] for name, args in self.events[since:] if name == "bot_uttered"]


def shows_items(messages: List[Dict]) -> bool:
    return any(isinstance(m.get("custom"), dict) and m["custom"].get("type") == "recommendations" for m in messages)


def tells_trouble(messages: List[Dict]) -> bool:
    return any(m.get("text") == TROUBLE for m in messages)


def test_web_sessions_are_issued_by_the_server_and_cannot_be_taken_over(door):
    victim = uuid.uuid4().hex  # a REST shopper whose id looks like a web session id
    assert recommendations(door.say(victim, "show me tablets"))
    stored = door.events(victim)
    page = PollingSocket(door.rasa_url)
    for forged in (victim, f"{victim}.{'0' * 32}", f"{victim}.{victim}", None, 5, "x" * 65, [victim]):
        session_id, token = page.session({"session_id": victim, "session_token": forged})
        assert session_id != victim and re.fullmatch(r"[0-9a-f]{32}", session_id)
        assert token.startswith(session_id + ".")
    page.emit("user_uttered", {"message": "cheaper", "session_id": victim})  # names another conversation
    assert page.say("show me tablets", until=shows_items)
    assert door.events(victim) == stored, "a web page wrote into another shopper's conversation"
    # the page's own token resumes its own conversation, with its history
    session_id, token = page.session({"session_token": None})
    page.say("show me laptops", until=shows_items)
    again = PollingSocket(door.rasa_url)
    mark = len(again.events)
    again.emit("session_request", {"session_token": token})
    assert again.wait_for("session_confirm", since=mark)[0] == session_id
    history = again.wait_for("session_history", since=mark)[0]
    assert history["session_id"] == session_id and any(m["sender"] == "user" for m in history["messages"])
    door.alive()


WEB_DATA = st.one_of(JSON_VALUE, st.fixed_dictionaries({"message": MESSAGES}), st.fixed_dictionaries({}, optional={
    "message": MESSAGES, "session_id": st.one_of(hostile_text(40), JSON_LEAF),
    "metadata": st.one_of(JSON_VALUE, st.fixed_dictionaries({"display": st.one_of(hostile_text(300), JSON_LEAF)}))}))


@SHORT_FUZZ
@given(events=st.lists(st.tuples(st.sampled_from(["user_uttered", "session_request", "user_uttered"]), WEB_DATA),
                       min_size=1, max_size=3), first_session=st.booleans())
def test_fuzzed_web_events_never_stop_the_server(door, events, first_session):
    page = PollingSocket(door.rasa_url)  # a fresh page each time: an idle one would miss the server's pings
    if first_session:
        page.session(None)
    for name, data in events:
        packet = "42" + json.dumps([name, data])
        response = page.send_packet(packet)
        # too large for one packet: refused at once, the page's socket stays usable
        assert response.status_code == (413 if len(packet.encode()) > MAX_BODY_BYTES else 200), response.text[:200]
        no_stack_trace(response)
    event("with a session" if first_session else "without a session")
    door.alive()


def test_garbage_socket_packets_leave_the_server_serving(door):
    oversized = '42["user_uttered",{"message":"' + "a" * (80 * 1024) + '"}]'  # over Engine.IO's 64 KiB
    for packet in ("42", "42[", "4x", "9", '42["user_uttered",', '42["session_request"]', '42["user_uttered"]',
                   "42" + "[" * 5000, '42["user_uttered",{"message":"hi"},"extra",1]', "\x00\ud800", oversized):
        garbage = PollingSocket(door.rasa_url)
        response = garbage.send_packet(packet, timeout=30)
        assert response.status_code < 500, (packet[:40], response.status_code)
        if packet is oversized:
            assert response.status_code == 413  # refused at once, not held until the next poll
        if packet == "\x00\ud800":
            assert response.status_code == 400  # not UTF-8
        no_stack_trace(response)
    door.alive()
    page = PollingSocket(door.rasa_url)
    page.session(None)
    assert page.say("show me tablets", until=shows_items)


# -- Slack and Telegram ----------------------------------------------------------------------------
def post_slack(door: Door, body: str) -> requests.Response:
    headers = dict(signed(body), **{"Content-Type": "application/json"})
    return requests.post(f"{door.rasa_url}/webhooks/slack/webhook", data=body.encode("utf-8", "surrogatepass"),
                         headers=headers, timeout=60)


SLACK_USER = st.from_regex(r"U[A-Z0-9]{8}", fullmatch=True)
SLACK_EVENTS = st.fixed_dictionaries({
    "text": st.one_of(hostile_text(300), hostile_text(300), st.builds(lambda s: s * 2000, hostile_text(20)),
                      JSON_LEAF),
    "user": st.one_of(SLACK_USER, SLACK_USER, SLACK_USER, hostile_text(40), JSON_LEAF, st.just("U" * 300)),
    "channel": st.one_of(st.from_regex(r"D[A-Z0-9]{8}", fullmatch=True), hostile_text(20))})


@SHORT_FUZZ
@given(fields=SLACK_EVENTS, shape=st.sampled_from(["event", "event", "event", "bare", "event-not-object"]))
def test_fuzzed_signed_slack_events_are_answered_without_5xx(door, fields, shape):
    data = json.loads(event_body("x", "U0TMP", "D0TMP"))
    data["event"].update(fields)
    if shape == "bare":
        data = fields
    elif shape == "event-not-object":
        data["event"] = [fields]
    response = post_slack(door, json.dumps(data))
    assert response.status_code < 500, (data, response.status_code, response.text[:300])
    no_stack_trace(response)
    event(f"{response.status_code} {response.text[:40]}")


def post_telegram(door: Door, body: bytes) -> requests.Response:
    return requests.post(f"{door.rasa_url}/webhooks/telegram/webhook", data=body, timeout=60,
                         headers={"Content-Type": "application/json",
                                  "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})


TELEGRAM_MESSAGES = st.builds(lambda text, chat_id: dict(message_update("x", private_chat()), message={
    "message_id": 1, "date": 1, "text": text, "chat": {"id": chat_id, "type": "private"}}),
    st.one_of(hostile_text(300), hostile_text(300), JSON_LEAF),
    st.one_of(st.integers(1, 10**12), st.integers(), hostile_text(30), JSON_VALUE))
TELEGRAM_UPDATES = st.one_of(
    TELEGRAM_MESSAGES, TELEGRAM_MESSAGES,
    st.builds(lambda message: {"update_id": 5, "message": message}, JSON_VALUE),
    st.builds(lambda query: {"update_id": 6, "callback_query": query}, JSON_VALUE),
    JSON_VALUE,
)


@SHORT_FUZZ
@given(update=TELEGRAM_UPDATES)
def test_fuzzed_telegram_updates_are_answered_without_5xx(door, update):
    response = post_telegram(door, json.dumps(update).encode())
    assert response.status_code < 500, (update, response.status_code, response.text[:300])
    no_stack_trace(response)
    event(f"{response.status_code} {response.text[:40]}")


def test_malformed_slack_and_telegram_bodies_get_4xx(door):
    for body in ("", "not json", "[1, 2]", '{"event": ', "null"):
        response = post_slack(door, body)
        assert 400 <= response.status_code < 500 or response.status_code == 200, (body, response.status_code)
        no_stack_trace(response)
        response = post_telegram(door, body.encode())
        assert 400 <= response.status_code < 500, (body, response.status_code)
        no_stack_trace(response)
    door.alive()


# -- outages: the shopper and the monitor see them ------------------------------------------------
def trouble_reply(response: requests.Response, sender: str) -> None:
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert response.json() == [{"recipient_id": sender, "text": TROUBLE}]
    assert response.headers.get("Retry-After")


def test_health_is_ok_when_the_stores_answer(door):
    response = door.health()
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_lock_store_unreachable_is_a_503_and_recovers(door):
    sender = fresh("lock")
    assert recommendations(door.say(sender, "show me tablets"))
    page = PollingSocket(door.rasa_url)
    page.session(None)
    door.redis_gate.shut()
    try:
        health = door.health()
        assert health.status_code == 503 and "lock store" in health.json()["status"], health.text
        trouble_reply(door.post({"sender": sender, "message": "cheaper"}), sender)
        assert [m.get("text") for m in page.say("show me laptops", until=tells_trouble)] == [TROUBLE]
    finally:
        door.redis_gate.open()
    wait_for(lambda: door.health().status_code == 200, 30, "health to recover")
    cheaper = recommendations(door.say(sender, "cheaper"))
    assert cheaper and all(item["category"] == "tablets" for item in cheaper), "the conversation went on"
    door.alive()


def test_tracker_store_unreachable_is_a_503_and_recovers(door):
    sender = fresh("pg")
    assert recommendations(door.say(sender, "show me tablets"))
    door.pg_gate.shut()
    try:
        health = door.health()
        assert health.status_code == 503 and "tracker store" in health.json()["status"], health.text
        trouble_reply(door.post({"sender": sender, "message": "cheaper"}), sender)
    finally:
        door.pg_gate.open()
    wait_for(lambda: door.health().status_code == 200, 60, "health to recover")
    reply = wait_for(lambda: (lambda r: r if r.status_code == 200 else None)(
        door.post({"sender": sender, "message": "cheaper"})), 60, "a turn to succeed again")
    cheaper = recommendations(reply.json())
    assert cheaper and all(item["category"] == "tablets" for item in cheaper), "the conversation went on"
    door.alive()


def test_action_server_unreachable_is_a_503_on_rest_and_the_trouble_text_everywhere(door):
    sender = fresh("act")
    assert recommendations(door.say(sender, "show me tablets"))
    page = PollingSocket(door.rasa_url)
    page.session(None)
    slack_channel, telegram_chat = f"D{uuid.uuid4().hex[:8].upper()}", private_chat()
    door.action_gate.shut()
    try:
        trouble_reply(door.post({"sender": sender, "message": "cheaper"}), sender)
        streamed = door.post({"sender": sender, "message": "cheaper"}, params={"stream": "true"})
        assert streamed.status_code == 200  # a stream's status is sent before the turn runs: it ends with the text
        assert [json.loads(line) for line in streamed.text.splitlines() if line.strip()][-1] == \
            {"recipient_id": sender, "text": TROUBLE}
        assert door.health().status_code == 200, "Rasa's own stores are fine"
        assert page.say("show me laptops", until=tells_trouble)
        slack = post_slack(door, event_body("show me laptops", f"U{uuid.uuid4().hex[:8].upper()}", slack_channel))
        assert slack.status_code == 200  # Slack would redeliver an error; the shopper is told in the channel
        posts = door.slack.wait_for_posts(slack_channel, 1)
        assert TROUBLE in [p.get("text") for p in posts], posts
        telegram = post_telegram(door, json.dumps(message_update("show me laptops", telegram_chat)).encode())
        assert telegram.status_code == 200
        sent = wait_for(lambda: [m for m in door.telegram.sent_to(telegram_chat["id"]) if m.get("text") == TROUBLE],
                        60, "the trouble text on Telegram")
        assert sent
    finally:
        door.action_gate.open()
    cheaper = recommendations(door.say(sender, "cheaper"))
    assert cheaper and all(item["category"] == "tablets" for item in cheaper), "the conversation went on"
    streamed = door.post({"sender": sender, "message": "the first one"}, params={"stream": "true"})
    lines = [json.loads(line) for line in streamed.text.splitlines() if line.strip()]
    assert streamed.status_code == 200 and lines and TROUBLE not in [m.get("text") for m in lines]
    assert page.say("show me laptops", until=shows_items), "the web chat answers again"
    door.alive()


def test_every_stored_conversation_id_is_a_valid_sender_and_the_servers_are_alive(door):
    door.alive()
    senders = [s for (s,) in door.query("SELECT DISTINCT sender_id FROM events")]
    assert senders
    bad = [ascii(s) for s in senders if not VALID_SENDER.fullmatch(s)]
    assert not bad, bad
