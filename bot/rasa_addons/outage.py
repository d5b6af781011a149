"""Turns that can't be completed are told apart from answered ones, on every channel.

Rasa 3.6 hides most failures from the channel that received the message:

- a custom action that fails (action server down, refusing the call, or answering HTTP 500
  because its store is down) is logged by ``MessageProcessor._run_action``
  (rasa/core/processor.py: "Encountered an exception while running action ... Bot will
  continue") and the turn goes on without that action's events: the shopper gets nothing, or
  whatever the policies predict next;
- a tracker store that fails is wrapped by ``FailSafeTrackerStore``: a failed ``retrieve``
  becomes "no conversation yet", a failed ``save`` goes to an in-memory store;
- only a lock store failure (``LockError``, Redis unreachable) raises out of ``on_new_message``,
  and Rasa's REST channel turns even that into ``200 []``.

``run_turn`` runs one user message and returns a ``Turn`` that says whether it failed. A turn
failed when ``on_new_message`` raised, when Rasa's processor logged an exception while the turn
ran (a failed action), when the tracker store reported an error while the turn ran, or when
the message produced no bot message at all (every Concierge turn answers; ``/restart``-style
commands are the exception). The processor's log records and the tracker store's error
callback are attributed to the turn through a context variable (they run in the turn's task).

What each channel does with a failed turn:

- REST (``rasa_addons.rest_channel``): HTTP 503 with
  ``[{"recipient_id": <sender>, "text": <trouble text>}]`` and ``Retry-After``, so monitors see
  the outage and the shopper a sentence;
- website (socket.io, ``connectors.web``): the trouble text as a bot message (a socket has no
  status code);
- Slack and Telegram: the trouble text posted to the conversation, and the webhook still
  answered 200 (see the comments there: both platforms redeliver an update answered with an
  error, so a non-200 would replay the message later, out of context, or hold up the queue).

The trouble text is the domain response ``channel_trouble`` of the loaded model (``TROUBLE_TEXT``
when the domain has none). ``stores_problem`` is the check behind
``GET /webhooks/rest/health``: the lock store (Redis ``PING`` through the lock store's own
client) and the tracker store (a ``retrieve`` of a sender that is never saved) must answer.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
from asyncio import CancelledError
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.constants import USER_INTENT_BACK, USER_INTENT_RESTART, USER_INTENT_SESSION_START

logger = logging.getLogger(__name__)

TROUBLE_RESPONSE = "channel_trouble"
#: used when the loaded domain has no ``channel_trouble`` (keep it the same as bot/domain.yml)
TROUBLE_TEXT = "I'm having trouble right now, please try again in a moment."
#: seconds a health check waits for each store
HEALTH_TIMEOUT = 3.0
#: a conversation id that is never saved (channels refuse ids that start with "__")
PROBE_SENDER = "__concierge_health_probe__"
#: commands that may legitimately produce no bot message
SILENT_COMMANDS = tuple(INTENT_MESSAGE_PREFIX + intent
                        for intent in (USER_INTENT_RESTART, USER_INTENT_SESSION_START, USER_INTENT_BACK))

_CURRENT: "contextvars.ContextVar[Optional[Turn]]" = contextvars.ContextVar("concierge_turn", default=None)


@dataclass
class Turn:
    """How one user message went: bot messages sent, and the first failure (None: answered)."""

    sender_id: Text
    sent: int = 0
    failure: Optional[Text] = None
    problems: List[Text] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failure is None

    def fail(self, reason: Text) -> None:
        self.problems.append(reason)
        if self.failure is None:
            self.failure = reason


class CountingOutput:
    """Wraps a turn's output channel and counts the bot messages Rasa sends through it.

    Rasa's processor only calls ``send_response`` and ``name()`` on a turn's output channel;
    anything else is looked up on the wrapped channel.
    """

    def __init__(self, inner: Any, turn: Turn) -> None:
        self._inner = inner
        self._turn = turn

    def name(self) -> Text:
        return self._inner.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self._turn.sent += 1
        await self._inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._inner, attribute)


class _ProcessorFailures(logging.Handler):
    """Marks the running turn failed when Rasa's processor logs an exception (a failed action)."""

    def emit(self, record: logging.LogRecord) -> None:
        turn = _CURRENT.get()
        if turn is not None and record.exc_info and record.levelno >= logging.ERROR:
            error = record.exc_info[1]
            turn.fail(f"an action failed ({type(error).__name__}: {str(error)[:200]})")


_PROCESSOR_HANDLER = _ProcessorFailures(level=logging.ERROR)


def _install_processor_watch() -> None:
    processor_logger = logging.getLogger("rasa.core.processor")
    if _PROCESSOR_HANDLER not in processor_logger.handlers:
        processor_logger.addHandler(_PROCESSOR_HANDLER)


def watch_tracker_store(agent: Any) -> None:
    """Make the agent's ``FailSafeTrackerStore`` report its errors to the running turn (once per store)."""
    store = getattr(agent, "tracker_store", None)
    if not isinstance(store, FailSafeTrackerStore) or getattr(store, "_concierge_watched", False):
        return
    primary = type(getattr(store, "_tracker_store", store)).__name__
    previous = getattr(store, "_on_tracker_store_error", None)

    def on_error(error: Exception) -> None:
        logger.error("tracker store %s failed: %s: %s", primary, type(error).__name__, error)
        turn = _CURRENT.get()
        if turn is not None:
            turn.fail(f"the tracker store failed ({type(error).__name__})")
        if previous is not None:
            previous(error)

    store._on_tracker_store_error = on_error
    store._concierge_watched = True


def agent_of(app: Any) -> Any:
    """The Rasa agent of a Sanic app (None before a model is loaded or without an app)."""
    return getattr(getattr(app, "ctx", None), "agent", None)


def trouble_text(agent: Any = None) -> Text:
    """The first text of the domain's ``channel_trouble``, else TROUBLE_TEXT."""
    responses = getattr(getattr(agent, "domain", None), "responses", None) or {}
    for variant in responses.get(TROUBLE_RESPONSE) or []:
        if isinstance(variant, dict) and variant.get("text"):
            return str(variant["text"])
    return TROUBLE_TEXT


def may_be_silent(text: Optional[Text]) -> bool:
    """Whether a message may rightly get no bot message (``/restart`` and the like)."""
    stripped = (text or "").strip()
    return not stripped or any(stripped == command or stripped.startswith(command + "{")
                               for command in SILENT_COMMANDS)


async def run_turn(on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage,
                   agent: Any = None) -> Turn:
    """Run ``message`` through Rasa and say whether the turn was completed (see the module docstring)."""
    _install_processor_watch()
    watch_tracker_store(agent)
    turn = Turn(message.sender_id)
    message.output_channel = CountingOutput(message.output_channel, turn)  # type: ignore[assignment]
    token = _CURRENT.set(turn)
    try:
        await on_new_message(message)
    except CancelledError:
        turn.fail("the turn was cancelled (timed out)")
    except Exception as error:  # noqa: BLE001 - any failure of the turn is an outage for the shopper
        logger.exception("the turn of %s failed", message.sender_id)
        turn.fail(f"{type(error).__name__}: {str(error)[:200]}")
    finally:
        _CURRENT.reset(token)
    if turn.ok and turn.sent == 0 and not may_be_silent(message.text):
        turn.fail("the message produced no bot message")
    if not turn.ok:
        logger.error("turn of %s not completed (%s); the shopper is told to try again", message.sender_id,
                     "; ".join(turn.problems))
    return turn


def trouble_messages(sender_id: Text, agent: Any = None) -> List[Dict[Text, Any]]:
    """The REST body of a failed turn."""
    return [{"recipient_id": sender_id, "text": trouble_text(agent)}]


async def stores_problem(agent: Any, timeout: float = HEALTH_TIMEOUT) -> Optional[Text]:
    """None when the agent can take turns (model loaded, lock store and tracker store answer), else why not."""
    if agent is None or not agent.is_ready():
        return "no model loaded"
    lock_store = getattr(agent, "lock_store", None)
    redis_client = getattr(lock_store, "red", None)  # RedisLockStore and its subclasses
    if redis_client is not None:
        loop = asyncio.get_running_loop()
        try:
            await asyncio.wait_for(loop.run_in_executor(None, redis_client.ping), timeout)
        except asyncio.TimeoutError:
            return f"lock store unreachable (no answer to PING within {timeout:g}s)"
        except Exception as error:  # noqa: BLE001 - any failure means the lock store is unusable
            return f"lock store unreachable ({type(error).__name__})"
    store = getattr(agent, "tracker_store", None)
    primary = getattr(store, "_tracker_store", store)  # FailSafeTrackerStore would swallow the error
    if primary is None:
        return "no tracker store"
    try:
        await asyncio.wait_for(primary.retrieve(PROBE_SENDER), timeout)
    except asyncio.TimeoutError:
        return f"tracker store unreachable (no answer within {timeout:g}s)"
    except Exception as error:  # noqa: BLE001
        return f"tracker store unreachable ({type(error).__name__})"
    return None
