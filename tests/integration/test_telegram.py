"""Telegram end to end: webhook updates posted to the running Rasa server, the Bot API on loopback.

The Telegram connector (bot/connectors/telegram.py) is configured through the environment read by
bot/credentials.yml; its Bot API calls go to a loopback stub (``TELEGRAM_API_URL``) that records
them, so the tests assert what the assistant sent: texts, inline keyboards, photos, callback answers.
Also: the splitting of long texts and the callback-data limit of the renderer.
"""
from __future__ import annotations

import http.server
import json
import threading
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from typing import Dict, List, Optional
from urllib.parse import parse_qs

import pytest
import requests


pytestmark = pytest.mark.integration

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
USERNAME = "concierge_test_bot"
SECRET = "s3cret-token_for-the-webhook"
WEBHOOK_URL = "https://shop.example/webhooks/telegram/webhook"
SENDS = {"sendMessage", "sendPhoto", "sendMediaGroup"}


class TelegramStub:
    """The Bot API on loopback: getMe, setWebhook, send*, answerCallbackQuery; every call recorded."""

    def __init__(self) -> None:
        self.calls: List[Dict] = []
        self.lock = threading.Lock()
        self.message_id = 100
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                params = stub.parse(self.headers.get("Content-Type", ""), raw)
                _, token, method = self.path.split("/", 2)
                with stub.lock:
                    stub.calls.append({"method": method, "params": params, "token": token[3:]})
                    result = stub.result(method, params)
                reply = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @staticmethod
    def parse(content_type: str, raw: bytes) -> Dict[str, str]:
        if content_type.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
            return {part.get_param("name", header="content-disposition"): part.get_content()
                    for part in message.iter_parts()}
        if content_type.startswith("application/json"):
            return json.loads(raw or b"{}")
        return {k: v[0] for k, v in parse_qs(raw.decode()).items()}

    def _message(self, params: Dict, **fields) -> Dict:
        self.message_id += 1
        chat = params.get("chat_id")
        return {"message_id": self.message_id, "date": int(time.time()),
                "chat": {"id": int(chat) if chat and str(chat).lstrip("-").isdigit() else 1, "type": "private"},
                **fields}

    def result(self, method: str, params: Dict):
        if method == "getMe":
            return {"id": int(TOKEN.split(":")[0]), "is_bot": True, "first_name": "Concierge", "username": USERNAME}
        if method == "sendMessage":
            return self._message(params, text=params.get("text", ""))
        if method == "sendPhoto":
            return self._message(params, photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}])
        if method == "sendMediaGroup":
            return [self._message(params) for _ in json.loads(params.get("media", "[]"))]
        return True  # setWebhook, answerCallbackQuery, ...

    def of(self, method: str) -> List[Dict]:
        with self.lock:
            return [c["params"] for c in self.calls if c["method"] == method]

    def sent_to(self, chat_id: int) -> List[Dict]:
        with self.lock:
            return [dict(c["params"], method=c["method"]) for c in self.calls
                    if c["method"] in SENDS and str(c["params"].get("chat_id")) == str(chat_id)]


@pytest.fixture(scope="module")
def telegram_stack(channels_stack):
    """The shared channel stack (tests/integration/conftest.py) with Telegram configured against the stub."""
    return channels_stack


def update_id() -> int:
    return uuid.uuid4().int % 10**9


def private_chat() -> Dict:
    chat_id = 10**9 + uuid.uuid4().int % 10**8
    return {"id": chat_id, "first_name": "Sam", "username": f"sam{chat_id}", "type": "private"}


def message_update(text: str, chat: Dict) -> Dict:
    return {"update_id": update_id(), "message": {
        "message_id": uuid.uuid4().int % 10**6, "date": int(time.time()), "text": text, "chat": chat,
        "from": {"id": chat["id"], "is_bot": False, "first_name": "Sam", "username": chat.get("username"),
                 "language_code": "en"}}}


def callback_update(data: str, chat: Dict, message_id: int) -> Dict:
    return {"update_id": update_id(), "callback_query": {
        "id": str(uuid.uuid4().int % 10**18), "chat_instance": "-8123456789012345678", "data": data,
        "from": {"id": chat["id"], "is_bot": False, "first_name": "Sam", "language_code": "en"},
        "message": {"message_id": message_id, "date": int(time.time()), "text": "list", "chat": chat,
                    "from": {"id": int(TOKEN.split(":")[0]), "is_bot": True, "first_name": "Concierge",
                             "username": USERNAME}}}}


def post(stack, update: Dict, secret: Optional[str] = SECRET) -> requests.Response:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return requests.post(f"{stack.rasa_url}/webhooks/telegram/webhook", json=update, headers=headers, timeout=90)


def keyboard(sent: Dict) -> List[List[Dict]]:
    markup = sent.get("reply_markup")
    return json.loads(markup)["inline_keyboard"] if markup else []


def test_the_webhook_is_set_once_the_server_runs(telegram_stack, telegram_stub):
    calls = telegram_stub.of("setWebhook")
    assert len(calls) == 1
    assert calls[0]["url"] == WEBHOOK_URL and calls[0]["secret_token"] == SECRET
    assert set(json.loads(calls[0]["allowed_updates"])) == {"message", "edited_message", "callback_query"}


def test_a_list_arrives_as_text_with_an_inline_keyboard_and_photos(telegram_stack, telegram_stub):
    chat = private_chat()
    answer = post(telegram_stack, message_update("show me tablets", chat))
    assert answer.status_code == 200  # the first real update: no "Event loop is closed"
    sent = telegram_stub.sent_to(chat["id"])
    texts = [s for s in sent if s["method"] == "sendMessage"]
    listing = next(s for s in texts if "\n1. " in s["text"] or s["text"].startswith("1. "))
    assert "\n2. " in listing["text"] and "$" in listing["text"]
    rows = keyboard(listing)
    assert rows[1] == [{"text": "More like #2", "callback_data": "more like the 2nd one"},
                       {"text": "Not #2", "callback_data": "not the 2nd one"},
                       {"text": "Details #2", "callback_data": "tell me about the 2nd one"}]
    assert all(len(b["callback_data"].encode()) <= 64 for row in rows for b in row)
    albums = [s for s in sent if s["method"] == "sendMediaGroup"]
    assert albums and sent.index(albums[0]) < sent.index(listing)  # photos first, the list under them
    media = json.loads(albums[0]["media"])
    assert 2 <= len(media) <= 10 and all(m["type"] == "photo" for m in media)
    assert media[0]["media"].startswith(f"{telegram_stack.images}/tb-") and media[0]["caption"].startswith("1. ")
    assert "parse_mode" not in listing  # plain text: nothing in a title is interpreted

    # a second update in the same chat works too, and keeps the context
    before = len(telegram_stub.sent_to(chat["id"]))
    assert post(telegram_stack, message_update("cheaper", chat)).status_code == 200
    assert len(telegram_stub.sent_to(chat["id"])) > before


def test_a_button_press_is_answered_and_handled(telegram_stack, telegram_stub):
    chat = private_chat()
    assert post(telegram_stack, message_update("show me tablets", chat)).status_code == 200
    listing = [s for s in telegram_stub.sent_to(chat["id"]) if s["method"] == "sendMessage"][-1]
    before = len(telegram_stub.sent_to(chat["id"]))
    press = callback_update("not the 2nd one", chat, message_id=telegram_stub.message_id)
    assert post(telegram_stack, press).status_code == 200
    answered = [c for c in telegram_stub.of("answerCallbackQuery")
                if c["callback_query_id"] == press["callback_query"]["id"]]
    assert len(answered) == 1  # the button stops spinning
    after = telegram_stub.sent_to(chat["id"])[before:]
    assert after and any(s["method"] == "sendMessage" for s in after)
    assert listing["text"] not in [s.get("text") for s in after]


def test_a_group_join_gets_200_and_no_reply(telegram_stack, telegram_stub):
    group = {"id": -1001234567890, "title": "Shop fans", "type": "supergroup"}
    sent_before = len([c for c in telegram_stub.calls if c["method"] in SENDS])
    update = {"update_id": update_id(), "my_chat_member": {
        "chat": group, "date": int(time.time()),
        "from": {"id": 42, "is_bot": False, "first_name": "Admin"},
        "old_chat_member": {"user": {"id": int(TOKEN.split(":")[0]), "is_bot": True, "first_name": "Concierge",
                                     "username": USERNAME}, "status": "left"},
        "new_chat_member": {"user": {"id": int(TOKEN.split(":")[0]), "is_bot": True, "first_name": "Concierge",
                                     "username": USERNAME}, "status": "member"}}}
    answer = post(telegram_stack, update)
    assert answer.status_code == 200
    time.sleep(2)
    assert len([c for c in telegram_stub.calls if c["method"] in SENDS]) == sent_before
    # a message without text (a sticker) is not answered either
    sticker = message_update("x", private_chat())
    del sticker["message"]["text"]
    sticker["message"]["sticker"] = {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                                     "is_animated": False, "is_video": False, "type": "regular"}
    assert post(telegram_stack, sticker).status_code == 200
    assert len([c for c in telegram_stub.calls if c["method"] in SENDS]) == sent_before


def test_requests_without_the_secret_token_are_refused(telegram_stack, telegram_stub):
    chat = private_chat()
    assert post(telegram_stack, message_update("show me tablets", chat), secret=None).status_code == 403
    assert post(telegram_stack, message_update("show me tablets", chat), secret="guess").status_code == 403
    assert telegram_stub.sent_to(chat["id"]) == []


# -- the renderer's limits (no servers needed) ------------------------------------------------
def test_long_texts_are_split_within_telegrams_limit():
    from actions.channels.telegram import MAX_TEXT, render, split_text, units
    from recommender.dialogue.turn import Reply

    lines = [f"{n}. " + "Très long titre 🎧 " * 12 for n in range(1, 120)]
    text = "\n".join(lines) + "\n" + "x" * 9000
    chunks = split_text(text)
    assert len(chunks) > 2 and all(0 < units(c) <= MAX_TEXT for c in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")
    messages = render(Reply("text", text, [("A very long button title " * 3, "/affirm" + "{" * 80 + "}"),
                                           ("Ok", "ok")]))
    assert len(messages) == len(chunks)
    assert "reply_markup" in messages[-1]["json_message"] and "reply_markup" not in messages[0]["json_message"]
    buttons = [b for row in messages[-1]["json_message"]["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [{"text": "Ok", "callback_data": "ok"}]  # callback data over 64 bytes: left out
