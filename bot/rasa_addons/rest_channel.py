"""Rasa's REST channel with its input checked at the door, a token, and outages made visible.

``CheckedRestInput`` serves the same URLs as the stock channel (``POST /webhooks/rest/webhook``,
``GET /webhooks/rest/``; ``name()`` is still "rest") plus ``GET /webhooks/rest/health``.

Token. The REST channel is for trusted back ends (tests, tools, a shop's own front end server),
not for browsers. With a token configured (``token`` in credentials.yml, else the environment
variable ``CONCIERGE_REST_TOKEN``) every ``POST /webhook`` must carry
``Authorization: Bearer <token>`` (compared in constant time); without it the answer is 401
``{"error": ..., "field": "authorization"}``. Without a token the channel answers loopback
clients only (127.0.0.0/8, ::1: tests and tools on the same machine) and refuses every other
client with the same 401, so a Rasa started on 0.0.0.0 without a token is not an open door;
production configurations set one.

Input. A request it can't take gets HTTP 400 and ``{"error": "<what is wrong>", "field":
"<sender|message|metadata|body>"}`` before Rasa sees it (limits in ``rasa_addons.limits``):

- a body over 64 KiB (``MAX_BODY_BYTES``), or one that isn't a JSON object (Sanic itself
  refuses requests over 1 MiB with 413, see ``limits.apply_request_limit``);
- a missing, empty or non-string ``sender``; a sender over 128 characters, with characters
  outside ``[A-Za-z0-9_.:@-]`` (so no NUL, spaces, control or surrogate characters ever reach a
  store) or starting with ``__``;
- a missing or non-string ``message``;
- a ``metadata`` that isn't an object.

A message over 2,000 characters (``MAX_MESSAGE_CHARS``) is cut to its first 2,000 before NLU
sees it; control characters in it (other than tab and line breaks) become spaces and lone
surrogates U+FFFD. A message that is empty after that (``""``, spaces) is answered ``200 []``
without a turn. The ``input_channel`` of the body is ignored: a message on this channel is
always a "rest" message, so a REST client can't pass itself off as another channel's shopper.

Outages (``rasa_addons.outage``). When the turn can't be completed (lock store or tracker store
down, a custom action failing, no bot message at all) the answer is HTTP 503 with
``[{"recipient_id": <sender>, "text": <channel_trouble>}]`` and ``Retry-After: 5``. With
``?stream=true`` the status is already sent when the turn runs: the trouble message is then
the last line of the stream.

Health. ``GET /webhooks/rest/health`` answers 200 ``{"status": "ok"}`` only when a model is
loaded and the lock store (Redis ``PING``) and the tracker store answer; else 503
``{"status": "<why not>"}``. ``GET /webhooks/rest/`` stays Rasa's static "ok".

Register it in ``credentials.yml`` in place of ``rest:``::

    rasa_addons.rest_channel.CheckedRestInput:
      # token: read from CONCIERGE_REST_TOKEN when not given here
"""
from __future__ import annotations

import asyncio
import hmac
import inspect
import ipaddress
import json
import logging
import os
from asyncio import Queue
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel, RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from .limits import (MAX_BODY_BYTES, MAX_MESSAGE_CHARS, MAX_SENDER_CHARS, SENDER_PATTERN, apply_request_limit,
                     clean_message, sender_problem)
from .outage import agent_of, run_turn, stores_problem, trouble_messages

logger = logging.getLogger(__name__)

__all__ = ["BadRequest", "CheckedRestInput", "check_body", "clean_message", "MAX_BODY_BYTES", "MAX_MESSAGE_CHARS",
           "MAX_SENDER_CHARS", "SENDER_PATTERN", "TOKEN_ENV"]

TOKEN_ENV = "CONCIERGE_REST_TOKEN"
RETRY_AFTER_SECONDS = 5


class BadRequest(ValueError):
    """What is wrong with a request, and which part of it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def check_body(body: bytes) -> Tuple[Text, Text, Optional[Dict[Text, Any]]]:
    """(sender, message, metadata) of a valid body; raises BadRequest otherwise."""
    if len(body) > MAX_BODY_BYTES:
        raise BadRequest("body", f"the body is larger than {MAX_BODY_BYTES // 1024} KB")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("body", "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("body", 'the body must be a JSON object like {"sender": "...", "message": "..."}')
    sender = data.get("sender")
    problem = sender_problem(sender)
    if problem:
        raise BadRequest("sender", problem)
    message = data.get("message")
    if not isinstance(message, str):
        raise BadRequest("message", "message must be a string")
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("metadata", "metadata must be a JSON object")
    return sender, clean_message(message), metadata


def bad_request(error: BadRequest) -> HTTPResponse:
    return response.json({"error": str(error), "field": error.field}, status=400)


def _token_setting(credentials: Optional[Dict[Text, Any]]) -> Optional[Text]:
    value = (credentials or {}).get("token")
    if value in (None, ""):
        value = os.environ.get(TOKEN_ENV, "")
    value = str(value).strip()
    return value or None


def _is_loopback(address: Any) -> bool:
    try:
        return ipaddress.ip_address(str(address or "").strip("[]")).is_loopback
    except ValueError:
        return False


class CheckedRestInput(RestInput):
    """``RestInput`` with a token, input checks and visible outages (see the module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls(token=_token_setting(credentials))

    def __init__(self, token: Optional[Text] = None) -> None:
        self.token = token or None
        if self.token is None:
            logger.info("REST channel: no token set (%s): only loopback clients are answered", TOKEN_ENV)

    def authorized(self, request: Any) -> bool:
        """Whether the request carries ``Authorization: Bearer <token>`` (without a token: comes from loopback)."""
        if self.token is None:
            return _is_loopback(getattr(request, "ip", ""))
        scheme, _, given = (request.headers.get("authorization") or "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(given.strip().encode("utf-8"), self.token.encode("utf-8"))

    def stream_response(self, on_new_message: Callable[[UserMessage], Awaitable[None]], text: Text,
                        sender_id: Text, input_channel: Text, metadata: Optional[Dict[Text, Any]],
                        agent: Any = None) -> Callable[[Any], Awaitable[None]]:
        """Rasa's streamed answer (one JSON message per line) ending with the trouble text on a failed turn.

        (Rasa's own version waits forever when the turn raises: its queue never gets "DONE".)
        """

        async def stream(resp: Any) -> None:
            queue: Queue = Queue()

            async def turn_then_done() -> None:
                try:
                    message = UserMessage(text, QueueOutputChannel(queue), sender_id, input_channel=input_channel,
                                          metadata=metadata)
                    turn = await run_turn(on_new_message, message, agent)
                    if not turn.ok:
                        for each in trouble_messages(sender_id, agent):
                            await queue.put(each)
                finally:
                    await queue.put("DONE")

            task = asyncio.ensure_future(turn_then_done())
            while True:
                result = await queue.get()
                if isinstance(result, str) and result == "DONE":
                    break
                await resp.write(json.dumps(result) + "\n")
            await task

        return stream

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        async def limit_requests(app: Any, _loop: Any) -> None:
            apply_request_limit(app)

        webhook.listener("before_server_start")(limit_requests)

        @webhook.route("/", methods=["GET"])
        async def alive(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/health", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            problem = await stores_problem(agent_of(request.app))
            if problem:
                return response.json({"status": problem}, status=503)
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            if not self.authorized(request):
                error = ("a valid 'Authorization: Bearer <token>' header is required" if self.token else
                         f"this REST channel has no token ({TOKEN_ENV}) and answers only clients on this machine")
                return response.json({"error": error, "field": "authorization"}, status=401,
                                     headers={"WWW-Authenticate": 'Bearer realm="concierge"'})
            try:
                sender_id, text, metadata = check_body(request.body or b"")
            except BadRequest as error:
                logger.info("rest: refused a request (%s: %s)", error.field, error)
                return bad_request(error)
            if not text.strip():
                return response.json([])  # nothing to answer: no turn, nothing stored
            input_channel = self.name()
            agent = agent_of(request.app)
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender_id, input_channel, metadata, agent),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            turn = await run_turn(on_new_message, UserMessage(text, collector, sender_id, input_channel=input_channel,
                                                              metadata=metadata), agent)
            if not turn.ok:
                return response.json(trouble_messages(sender_id, agent), status=503,
                                     headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
            return response.json(collector.messages)

        return webhook
