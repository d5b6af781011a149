"""What every channel accepts at the door: sender ids, message texts and request sizes.

One set of limits for the REST channel (``rasa_addons.rest_channel``) and the web, Slack and
Telegram connectors (``bot/connectors``), applied before a message reaches Rasa and its stores:

- ``MAX_SENDER_CHARS`` (128) and ``SENDER_PATTERN``: a sender id is 1-128 characters from
  ``[A-Za-z0-9_.:@-]``, not starting with ``__`` (kept for Concierge's own probes), so no NUL,
  control, surrogate, space or path character ever reaches a tracker store, and an id stays
  well below the 255 characters of the SQL tracker store's ``events.sender_id`` column
  (``sa.String(255)`` in rasa/core/tracker_store.py; a longer id got replies but its
  conversation was silently not saved).
- ``MAX_MESSAGE_CHARS`` (2,000): a longer message is cut to its first 2,000 characters (one
  50,000-character message cost Rasa seconds and gigabytes of memory and stalled every other
  shopper). Control characters other than tab and line breaks become spaces; lone UTF-16
  surrogates (JSON allows ``"\\ud800"``) become U+FFFD, because they can't be encoded as UTF-8.
- ``MAX_BODY_BYTES`` (64 KiB): the largest REST body the channel parses.
- ``MAX_REQUEST_BYTES`` (1 MiB): the largest request Rasa's web server (Sanic) reads at all, on
  every route (channels and HTTP API); larger ones get Sanic's 413 before their body is read.
  Sanic's default is 100 MB. ``SANIC_REQUEST_MAX_SIZE`` in the environment (Sanic reads
  ``SANIC_*`` variables into its config) overrides it; otherwise the channels set it when the
  server starts (``apply_request_limit``), so no start script can forget it.
"""
from __future__ import annotations

import logging
import os
import re
from typing import Any, Optional, Text

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
MAX_MESSAGE_CHARS = 2000
MAX_BODY_BYTES = 64 * 1024
MAX_REQUEST_BYTES = 1024 * 1024
REQUEST_LIMIT_ENV = "SANIC_REQUEST_MAX_SIZE"

SENDER_PATTERN = re.compile(r"[A-Za-z0-9_.:@-]+")
RESERVED_PREFIX = "__"  # conversation ids of Concierge itself (the health probe)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # tab, LF, CR are kept
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def sender_problem(sender: Any) -> Optional[Text]:
    """Why ``sender`` can't be a conversation id, or None when it can."""
    if not isinstance(sender, str) or not sender:
        return "sender must be a non-empty string"
    if len(sender) > MAX_SENDER_CHARS:
        return f"sender must be at most {MAX_SENDER_CHARS} characters"
    if not SENDER_PATTERN.fullmatch(sender):
        return "sender may contain only letters, digits and _ . : @ -"
    if sender.startswith(RESERVED_PREFIX):
        return f"sender must not start with {RESERVED_PREFIX!r} (reserved)"
    return None


def clean_message(message: Text) -> Text:
    """The first MAX_MESSAGE_CHARS characters; control characters -> spaces, lone surrogates -> U+FFFD."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub(" ", message[:MAX_MESSAGE_CHARS]))


def apply_request_limit(app: Any) -> int:
    """Set Sanic's REQUEST_MAX_SIZE to MAX_REQUEST_BYTES unless SANIC_REQUEST_MAX_SIZE is set; the limit.

    Call it before the server accepts connections (a ``before_server_start`` listener): Sanic 21.12
    reads ``app.config.REQUEST_MAX_SIZE`` when it opens each connection.
    """
    config = getattr(app, "config", None)
    if config is None:
        return MAX_REQUEST_BYTES
    if os.environ.get(REQUEST_LIMIT_ENV, "").strip():
        return int(config.REQUEST_MAX_SIZE)  # Sanic loaded it from the environment
    if int(getattr(config, "REQUEST_MAX_SIZE", 0) or 0) != MAX_REQUEST_BYTES:
        config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
        logger.info("requests over %d bytes are refused (413); %s overrides it", MAX_REQUEST_BYTES,
                    REQUEST_LIMIT_ENV)
    return MAX_REQUEST_BYTES
