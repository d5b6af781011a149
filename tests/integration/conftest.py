"""Fixtures: the real Rasa server and action server on loopback ports, driven over REST."""
from __future__ import annotations

import dataclasses
import http.server
import struct
import threading
import zlib
from typing import Dict, List, Optional

import pytest

from tests.conftest import run_cli
from tools.stack import running_stack, train_model

#: a catalog title that tries to inject markup: every channel must show it as text
XSS_TITLE = '<img src=x onerror="window.__xss=1">'


@pytest.fixture(scope="session")
def rasa_model():
    """The model for the current data (trained once per fingerprint); CONCIERGE_TEST_MODEL pins one (dev loops)."""
    import os
    from pathlib import Path

    pinned = os.environ.get("CONCIERGE_TEST_MODEL")
    return Path(pinned) if pinned else train_model()


@pytest.fixture(scope="session")
def stack(rasa_model, demo_database_url, tmp_path_factory):
    with running_stack(rasa_model, demo_database_url, tmp_path_factory.mktemp("stack")) as running:
        yield running


def png(width: int = 160, height: int = 120) -> bytes:
    """A product-ish placeholder (a dark slab on a light ground), made without any imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    light, dark = bytes((226, 233, 248)), bytes((52, 64, 92))
    rows = b""
    for y in range(height):
        inside = height * 0.15 <= y <= height * 0.85
        rows += b"\x00" + b"".join(dark if inside and width * 0.3 <= x <= width * 0.7 else light for x in range(width))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture(scope="session")
def image_server():
    """Product images on loopback (any path answers a PNG)."""
    body = png()

    class Images(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Images)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def slack_stub():
    from tests.integration.test_slack import SlackStub

    stub = SlackStub()
    yield stub
    stub.server.shutdown()


@pytest.fixture(scope="session")
def telegram_stub():
    from tests.integration.test_telegram import TelegramStub

    stub = TelegramStub()
    yield stub
    stub.server.shutdown()


@pytest.fixture(scope="session")
def channels_stack(rasa_model, image_server, slack_stub, telegram_stub, tmp_path_factory):
    """One Rasa and one action server for every channel's tests (website, Slack, Telegram, as a shop runs
    them: all channels of bot/credentials.yml at once). The demo catalog's tablets carry an XSS attempt
    in their titles and images served on loopback (``stack.images``)."""
    from recommender.store import Store
    from tests.integration import test_slack as slack
    from tests.integration import test_telegram as telegram

    url = f"sqlite:///{tmp_path_factory.mktemp('channels-store') / 'channels.db'}"
    run_cli("load-demo", database_url=url)
    store = Store(url)
    tablets = [dataclasses.replace(item, title=f"{item.title} {XSS_TITLE}", image_url=f"{image_server}/{item.id}.png")
               for item in store.load_items() if item.category == "tablets"]
    assert tablets
    store.upsert_items(tablets)
    store.close()
    env = {"SLACK_BOT_TOKEN": slack.TOKEN, "SLACK_SIGNING_SECRET": slack.SECRET, "SLACK_API_URL": slack_stub.url,
           "TELEGRAM_BOT_TOKEN": telegram.TOKEN, "TELEGRAM_BOT_USERNAME": telegram.USERNAME,
           "TELEGRAM_WEBHOOK_URL": telegram.WEBHOOK_URL, "TELEGRAM_WEBHOOK_SECRET": telegram.SECRET,
           "TELEGRAM_API_URL": telegram_stub.url}
    with running_stack(rasa_model, url, tmp_path_factory.mktemp("channels-stack"), env_extra=env) as running:
        running.images = image_server
        yield running


def recommendations(messages: List[Dict]) -> Optional[List[Dict]]:
    """The items of the recommendations payload in a reply, or None when there is none."""
    found = payload(messages, "recommendations")
    return found["items"] if found else None


def payload(messages: List[Dict], kind: str) -> Optional[Dict]:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == kind:
            return custom
    return None


def text_of(messages: List[Dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages if m.get("text"))
