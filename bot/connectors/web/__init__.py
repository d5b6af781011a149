"""The website chat: a socket.io input channel whose blueprint also serves the page and its assets.

``rasa run --credentials credentials.yml`` with ``connectors.web.WebChatInput:`` in the file serves

- ``GET /webhooks/web/chat``            the chat page (HTML),
- ``GET /webhooks/web/assets/<name>``   its script, style sheet and the vendored socket.io client,
- ``/socket.io/``                       the socket.io endpoint the page talks to (Engine.IO v4),
- ``GET /webhooks/web/``                a health check.

Differences from Rasa's ``SocketIOInput`` (all deliberate, see the README):

- Session ids are issued by the server, never chosen by the browser. ``session_request`` gets a
  fresh id (32 random hex digits) and a ``session_token`` event with ``<id>.<signature>``
  (HMAC-SHA256 of the id with the session secret, 128 bits shown). After a reload the page sends
  that token back (``{"session_token": ...}``) and resumes its conversation; a bare id, an id of
  another channel's shopper or a forged token gets a fresh session. Each socket is bound to the
  one session it was confirmed (``user_uttered`` names no conversation: a ``session_id`` in it
  other than the bound one is ignored), so a page can't write into or read a conversation it
  was not given. The secret is ``session_secret`` in credentials.yml, else
  ``CONCIERGE_WEB_SESSION_SECRET``; without either a random one is made at start (sessions
  then end when Rasa restarts and can't move between Rasa replicas: production sets it, the
  same for every replica).
- Rasa 3.6.21's ``session_request`` handler calls python-socketio's ``enter_room`` without
  awaiting it; it is a coroutine in python-socketio >= 5.10, so the browser never joined its
  room and no reply arrived. The handler here awaits it, and leaves the previous room when a
  socket starts a new conversation.
- After ``session_confirm`` the server sends the conversation so far (``session_history``), read
  from the tracker store, so a reload shows it and the assistant carries on where it was.
- Input at the door (``rasa_addons.limits``): a message must be a string; it is cut to 2,000
  characters, control characters become spaces; an empty one is ignored. Engine.IO packets over
  64 KiB are refused.
- A turn that can't be completed (``rasa_addons.outage``: action server, store or lock store
  down) is answered with the domain's ``channel_trouble`` as a bot message.
- Each bot message is emitted once, whole: text, buttons and the custom payload together (Rasa's
  socket.io output splits texts on blank lines and emits a custom payload as keyword arguments).
- The default namespace only (a custom one is not honoured on all of Rasa's emits).
"""
from __future__ import annotations

import hashlib
import hmac
import html
import inspect
import json
import logging
import re
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import rasa.shared.utils.io
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_addons.limits import MAX_BODY_BYTES, apply_request_limit, clean_message
from rasa_addons.outage import agent_of, run_turn, trouble_text

from ..settings import setting

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
SESSION_ID = re.compile(r"[0-9a-f]{32}")
HISTORY_EVENT = "session_history"
TOKEN_EVENT = "session_token"
SECRET_ENV = "CONCIERGE_WEB_SESSION_SECRET"
MAX_DISPLAY_CHARS = 200

#: name under /assets/ -> (file, content type). Nothing else is served.
ASSETS = {
    "chat.js": ("chat.js", "application/javascript; charset=utf-8"),
    "chat.css": ("chat.css", "text/css; charset=utf-8"),
    "socket.io.min.js": ("vendor/socket.io.min.js", "application/javascript; charset=utf-8"),
    "socket.io-client.LICENSE": ("vendor/socket.io-client.LICENSE", "text/plain; charset=utf-8"),
}
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def bot_message(message: Dict[Text, Any]) -> Dict[Text, Any]:
    """What the page gets for one bot message: text, buttons, custom payload, image (when set)."""
    out: Dict[Text, Any] = {}
    if message.get("text"):
        out["text"] = str(message["text"])
    buttons = message.get("buttons") or message.get("quick_replies") or []
    if buttons:
        out["buttons"] = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                          for b in buttons if isinstance(b, dict)]
    if message.get("custom") is not None:
        out["custom"] = message["custom"]
    if message.get("image"):
        out["image"] = str(message["image"])
    return out


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class WebChatOutput(SocketIOOutput):
    """Emits each bot message whole to the room named by the session id."""

    @classmethod
    def name(cls) -> Text:
        return "web"

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        out = bot_message(message)
        if out:
            await self._send_message(recipient_id, out)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class WebChatInput(SocketIOInput):
    """Rasa's socket.io channel plus the chat page; the channel is named ``web``."""

    @classmethod
    def name(cls) -> Text:
        return "web"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        if credentials.get("namespace"):
            rasa.shared.utils.io.raise_warning(
                "connectors.web.WebChatInput ignores `namespace`: Rasa 3.6 does not use it on all emits, "
                "so the page talks to the default namespace.")
        if credentials.get("session_persistence") is False:
            rasa.shared.utils.io.raise_warning(
                "connectors.web.WebChatInput always keeps sessions (the page stores its session id).")
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            jwt_key=credentials.get("jwt_key"),
            jwt_method=credentials.get("jwt_method", "HS256"),
            title=credentials.get("title", "Concierge"),
            history_limit=int(credentials.get("history_limit", 200)),
            session_secret=setting(credentials, "session_secret", SECRET_ENV),
        )

    def __init__(self, user_message_evt: Text = "user_uttered", bot_message_evt: Text = "bot_uttered",
                 socketio_path: Optional[Text] = "/socket.io", jwt_key: Optional[Text] = None,
                 jwt_method: Optional[Text] = "HS256", title: Text = "Concierge", history_limit: int = 200,
                 session_secret: Optional[Text] = None) -> None:
        super().__init__(user_message_evt, bot_message_evt, None, True, socketio_path, jwt_key, jwt_method)
        self.title = title
        self.history_limit = history_limit
        self._app: Any = None
        if session_secret:
            self._secret = str(session_secret).encode("utf-8")
        else:
            self._secret = secrets.token_bytes(32)
            logger.warning("web chat: %s is not set; using a random session secret, so web sessions end when "
                           "Rasa restarts and are not shared between Rasa replicas", SECRET_ENV)

    # -- session ids and tokens ---------------------------------------------------------------
    def _signature(self, session_id: Text) -> Text:
        return hmac.new(self._secret, b"concierge-web-session:" + session_id.encode("ascii"),
                        hashlib.sha256).hexdigest()[:32]

    def session_token(self, session_id: Text) -> Text:
        """What the page keeps to resume ``session_id``: ``<id>.<signature>``."""
        return f"{session_id}.{self._signature(session_id)}"

    def session_of_token(self, token: Any) -> Optional[Text]:
        """The session id a token was issued for, or None for anything this server did not issue."""
        if not isinstance(token, str) or len(token) != 65:
            return None
        session_id, _, signature = token.partition(".")
        if not SESSION_ID.fullmatch(session_id):
            return None
        if not hmac.compare_digest(signature.encode("ascii", "replace"), self._signature(session_id).encode("ascii")):
            return None
        return session_id

    def get_output_channel(self) -> Optional[OutputChannel]:
        if self.sio is None:
            return super().get_output_channel()
        return WebChatOutput(self.sio, self.bot_message_evt)

    # -- the page --------------------------------------------------------------------------
    def page(self) -> str:
        template = (STATIC / "chat.html").read_text(encoding="utf-8")
        return (template.replace("{{title}}", html.escape(self.title))
                .replace("{{socketio_path}}", html.escape(self.socketio_path or "/socket.io"))
                .replace("{{user_event}}", html.escape(self.user_message_evt))
                .replace("{{bot_event}}", html.escape(self.bot_message_evt)))

    @staticmethod
    def _headers(request: Request, cache: str) -> Dict[str, str]:
        host = request.headers.get("host", "")
        sockets = f" ws://{host} wss://{host}" if _HOST.match(host) else ""
        return {
            "Content-Security-Policy": (
                "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: http: data:; "
                f"connect-src 'self'{sockets}; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": cache,
        }

    # -- the conversation so far -------------------------------------------------------------
    async def transcript(self, session_id: Text) -> List[Dict[Text, Any]]:
        """The messages of this web session's conversation (last ``history_limit``), oldest first."""
        agent = getattr(getattr(self._app, "ctx", None), "agent", None)
        store = getattr(agent, "tracker_store", None)
        if store is None:
            return []
        try:
            tracker = await _maybe_await(store.retrieve(session_id))
        except Exception:  # noqa: BLE001 - no history is better than no chat
            logger.exception("could not read the conversation of web session %s", session_id)
            return []
        if tracker is None:
            return []
        messages: List[Dict[Text, Any]] = []
        for event in tracker.events:
            if isinstance(event, UserUttered):
                if event.input_channel not in (None, self.name()):
                    return []  # not a web conversation: nothing to show
                display = (event.metadata or {}).get("display") if isinstance(event.metadata, dict) else None
                if event.text:
                    messages.append({"sender": "user", "text": str(display or event.text)})
            elif isinstance(event, BotUttered):
                out = bot_message(event.message())
                if out:
                    messages.append({"sender": "bot", **out})
        return messages[-self.history_limit:]

    # -- blueprint ---------------------------------------------------------------------------
    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        web = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        sio.eio.max_http_buffer_size = MAX_BODY_BYTES  # Engine.IO's largest packet (1 MB by default)
        _refuse_undecodable_packets(sio.eio)
        bound: Dict[Text, Text] = {}  # socket id -> the session it was confirmed

        async def bind(sid: Text, session_id: Text) -> None:
            previous = bound.get(sid)
            if previous and previous != session_id:
                await _maybe_await(sio.leave_room(sid, previous))
            bound[sid] = session_id
            await _maybe_await(sio.enter_room(sid, session_id))

        async def session_request(sid: Text, data: Any = None, *_: Any) -> None:
            token = data.get("session_token") if isinstance(data, dict) else None
            resumed = self.session_of_token(token)
            session_id = resumed or secrets.token_hex(16)
            if token and not resumed:
                logger.info("web: a session token this server did not issue was replaced by a fresh session")
            await bind(sid, session_id)
            await sio.emit(TOKEN_EVENT, {"session_id": session_id, "token": self.session_token(session_id)},
                           room=sid)
            await sio.emit("session_confirm", session_id, room=sid)
            history = await self.transcript(session_id) if resumed else []
            await sio.emit(HISTORY_EVENT, {"session_id": session_id, "messages": history}, room=sid)
            logger.debug("web session %s joined by %s (%d earlier messages)", session_id, sid, len(history))

        async def disconnect(sid: Text, *_: Any) -> None:  # (sid, reason) in python-socketio >= 5.12
            bound.pop(sid, None)

        async def handle_message(sid: Text, data: Any = None, *_: Any) -> None:
            session_id = bound.get(sid)
            if session_id is None:
                logger.warning("web message on a socket without a session ignored (send session_request first)")
                return
            if not isinstance(data, dict) or not isinstance(data.get("message"), str):
                logger.info("web message without a text ignored")
                return
            claimed = data.get("session_id")
            if claimed not in (None, session_id):
                logger.warning("web message naming another session than its socket's ignored")
                return
            text = clean_message(data["message"]).strip()
            if not text:
                return
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except (ValueError, RecursionError):
                    metadata = {}
            kept = {}
            if isinstance(metadata, dict) and isinstance(metadata.get("display"), str):
                kept["display"] = clean_message(metadata["display"])[:MAX_DISPLAY_CHARS]  # the button title pressed
            out = WebChatOutput(sio, self.bot_message_evt)
            agent = agent_of(self._app)
            turn = await run_turn(on_new_message, UserMessage(text, out, session_id, input_channel=self.name(),
                                                              metadata=kept), agent)
            if not turn.ok:  # a socket has no status code: the shopper is told in the chat
                await out.send_response(session_id, {"text": trouble_text(agent)})

        sio.on("session_request", session_request)
        sio.on("disconnect", disconnect)
        sio.on(self.user_message_evt, handle_message)

        async def remember_app(app: Any, _loop: Any) -> None:
            self._app = app
            apply_request_limit(app)

        async def disconnect_all(_app: Any, _loop: Any) -> None:
            if hasattr(sio, "shutdown"):  # python-socketio asks for it before the web server stops
                await _maybe_await(sio.shutdown())

        web.listener("before_server_start")(remember_app)
        web.listener("before_server_stop")(disconnect_all)

        @web.route("/chat", methods=["GET"])
        async def chat_page(request: Request) -> HTTPResponse:
            if request.path.endswith("/"):  # the page's asset URLs are relative to .../chat
                return response.redirect(request.path.rstrip("/"))
            return response.html(self.page(), headers=self._headers(request, "no-cache"))

        @web.route("/assets/<name>", methods=["GET"])
        async def asset(request: Request, name: str) -> HTTPResponse:
            if name not in ASSETS:
                return response.text("not found", status=404)
            relative, content_type = ASSETS[name]
            path = STATIC / relative
            if not path.is_file():
                logger.error("web chat asset %s is missing: run scripts/setup.sh", path)
                return response.text("asset missing: run scripts/setup.sh", status=500)
            return HTTPResponse(path.read_bytes(), content_type=content_type,
                                headers=self._headers(request, "no-cache"))

        return web


def _refuse_undecodable_packets(eio: Any) -> None:
    """A long-polling POST that is too large gets 413, one that is not UTF-8 400, before Engine.IO sees it.

    python-engineio decodes the body itself and, on a UnicodeDecodeError, logs a stack trace and
    answers 200 as if the packet had arrived. Its Sanic route is added when the blueprint is
    registered, from ``eio.handle_request``, so wrapping the attribute here puts the check in front.
    """
    handle = eio.handle_request

    async def checked(request: Request, *args: Any, **kwargs: Any) -> Any:
        if request.method == "POST" and request.body and len(request.body) > eio.max_http_buffer_size:
            # Engine.IO would close the socket and hold this POST until the client polls again
            return response.text("packet too large", status=413)
        if request.method == "POST" and request.body:
            try:
                request.body.decode("utf-8")
            except UnicodeDecodeError:
                logger.info("web: a socket.io packet that is not UTF-8 was refused")
                return response.text("malformed packet: the body is not UTF-8", status=400)
        return await handle(request, *args, **kwargs)

    eio.handle_request = checked
