"""Rasa's REST channel with its input checked at the door.

``CheckedRestInput`` serves the same URL as the stock channel (``POST /webhooks/rest/webhook``,
``name()`` is still "rest") and answers every request it can't take with HTTP 400 and a JSON body
``{"error": "<what is wrong>", "field": "<sender|message|metadata|body>"}`` before Rasa sees it:

- a body over 64 KB (``MAX_BODY_BYTES``), or one that isn't a JSON object;
- a missing, empty or non-string ``sender``; a sender over 128 characters or with characters
  outside ``[A-Za-z0-9_.:@-]`` (so no NUL, spaces or control characters ever reach a store);
- a missing or non-string ``message`` (an empty string is fine);
- a ``metadata`` that isn't an object.

A message over 2,000 characters (``MAX_MESSAGE_CHARS``) is cut to its first 2,000 before NLU
sees it, and control characters in it (other than tab and line breaks) become spaces. The
``input_channel`` of the body is ignored: a message on this channel is always a "rest" message,
so a REST client can't pass itself off as a Slack, Telegram or web chat shopper's channel.

Register it in ``credentials.yml`` in place of ``rest:``::

    rasa_addons.rest_channel.CheckedRestInput:
"""
from __future__ import annotations

import copy
import inspect
import json
import logging
import re
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
MAX_SENDER_CHARS = 128
MAX_MESSAGE_CHARS = 2000
SENDER_PATTERN = re.compile(r"[A-Za-z0-9_.:@-]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, LF, CR are kept


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
    if not isinstance(sender, str) or not sender:
        raise BadRequest("sender", "sender must be a non-empty string")
    if len(sender) > MAX_SENDER_CHARS:
        raise BadRequest("sender", f"sender must be at most {MAX_SENDER_CHARS} characters")
    if not SENDER_PATTERN.fullmatch(sender):
        raise BadRequest("sender", "sender may contain only letters, digits and _ . : @ -")
    message = data.get("message")
    if not isinstance(message, str):
        raise BadRequest("message", "message must be a string")
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("metadata", "metadata must be a JSON object")
    return sender, clean_message(message), metadata


def clean_message(message: Text) -> Text:
    """The first MAX_MESSAGE_CHARS characters, control characters turned into spaces."""
    return _CONTROL.sub(" ", message[:MAX_MESSAGE_CHARS])


def bad_request(error: BadRequest) -> HTTPResponse:
    return response.json({"error": str(error), "field": error.field}, status=400)


class CheckedRestInput(RestInput):
    """``RestInput`` that refuses malformed requests with a 400 (see the module docstring)."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", module.__name__ if module else None)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            try:
                sender_id, text, metadata = check_body(request.body or b"")
            except BadRequest as error:
                logger.info("rest: refused a request (%s: %s)", error.field, error)
                return bad_request(error)
            input_channel = self.name()
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender_id, input_channel, metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender_id, input_channel=input_channel, metadata=metadata)
                )
            except CancelledError:
                logger.error("rest: the turn timed out (%r)", copy.deepcopy(text)[:80])
            except Exception:
                logger.exception("rest: the turn failed (%r)", copy.deepcopy(text)[:80])
            return response.json(collector.messages)

        return webhook
