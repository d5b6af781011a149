"""Base class for Concierge's actions: a bug is apologised for, an outage fails the action.

* A bug in dialogue code (any other exception): logged, and the shopper gets ``APOLOGY``, so one
  odd message never reaches them as a crash and the conversation goes on.
* The store or the runtime is unavailable (database unreachable or refusing, connection errors,
  the catalog still loading): there is nothing sensible to say, so the action *fails*:
  ``ActionUnavailable`` propagates, the webhook answers 503, Rasa's turn produces no message and
  the channel reports the outage ("I'm having trouble right now...", a non-200 status). Nothing is
  half-written: each store write is one transaction.
"""
from __future__ import annotations

import abc
import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .runtime import RuntimeNotReady

logger = logging.getLogger(__name__)

APOLOGY = ("Sorry, something went wrong on my side. Please try again, or tell me what you're "
           "looking for (for example \"headphones under $200\").")


class ActionUnavailable(Exception):
    """An action could not run because what it needs is down; the webhook answers 503."""


def outage_cause(exc: BaseException) -> Optional[BaseException]:
    """The infrastructure error behind ``exc`` (itself or a cause in its chain), or None for a bug.

    Infrastructure: SQLAlchemy's driver errors (OperationalError, InterfaceError, ProgrammingError
    such as a missing table, ...), pool timeouts and disconnections, OS-level connection errors and
    timeouts, and a runtime that is not built yet. Not: IntegrityError and DataError, which say the
    request or the code was wrong, not that the store is down.
    """
    from sqlalchemy.exc import DataError, DBAPIError, DisconnectionError, IntegrityError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (IntegrityError, DataError)):
            return None
        if isinstance(exc, (DBAPIError, DisconnectionError, PoolTimeout, ConnectionError, TimeoutError,
                            RuntimeNotReady)):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


class SafeAction(Action, abc.ABC):
    """Runs ``act`` in a worker thread (store and scorer calls block); see the module docstring.

    Abstract, so rasa-sdk registers only the concrete actions built on it.
    """

    @abc.abstractmethod
    def name(self) -> Text:
        ...

    @abc.abstractmethod
    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            return await asyncio.to_thread(self.act, dispatcher, tracker, domain)
        except Exception as exc:  # noqa: BLE001 - the shopper must get an answer or a clear failure
            cause = outage_cause(exc)
            dispatcher.messages.clear()
            if cause is not None:
                from .runtime import describe_error

                reason = describe_error(cause)
                logger.error("action %s failed in conversation %s: %s", self.name(), tracker.sender_id, reason,
                             exc_info=not isinstance(cause, RuntimeNotReady))
                raise ActionUnavailable(reason) from exc
            logger.exception("action %s failed in conversation %s", self.name(), tracker.sender_id)
            dispatcher.utter_message(text=APOLOGY)
            return []
