"""Tracker stores that forget a conversation when the shopper asks to be forgotten.

"Forget me" -> "yes" runs ``action_forget_me_confirmed`` on the action server, which deletes the
shopper from the catalog store and returns ``Restarted()``. The action server cannot delete the
conversation itself: Rasa saves the tracker after the action returns. So these stores look at the
events a ``save`` would add; when they hold ``action_forget_me_confirmed`` followed by a
``Restarted`` event, they delete everything stored for that sender (every session, in every
table or key this store writes) and save nothing of it. The next message then finds no tracker
and Rasa starts a fresh conversation (``action_session_start``).

Use one in ``endpoints.yml``::

    tracker_store:
      type: rasa_addons.tracker_store.ForgettingSQLTrackerStore   # same keys as type: SQL

(``ForgettingInMemoryTrackerStore``, ``ForgettingRedisTrackerStore`` likewise take the keys of the
stock stores.) Rasa falls back to the in-memory store, with only a warning, when it cannot import
the class, so each store logs one INFO line naming itself when it is created.

An event broker, if configured, is not sent the events of the forgetting turn.
"""
from __future__ import annotations

import logging
from typing import Iterable, List, Optional, Text

from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore, SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event, Restarted
from rasa.shared.core.trackers import DialogueStateTracker, TrackerEventDiffEngine

logger = logging.getLogger(__name__)

#: the custom action that has deleted the shopper's data and returned ``Restarted()``
FORGET_ACTION = "action_forget_me_confirmed"


def forgets_conversation(events: Iterable[Event]) -> bool:
    """True when ``action_forget_me_confirmed`` ran and a ``Restarted`` event came after it."""
    confirmed = False
    for event in events:
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION:
            confirmed = True
        elif confirmed and isinstance(event, Restarted):
            return True
    return False


class ForgettingMixin:
    """``save`` deletes the sender's stored conversation instead, after a confirmed "forget me".

    Subclasses implement ``_unsaved_events`` (what ``save`` would add) and ``_delete_conversation``.
    """

    async def save(self, tracker: DialogueStateTracker, *args, **kwargs) -> None:
        # cheap test on the in-memory tracker first: most turns never ran the forget action
        if forgets_conversation(tracker.events) and forgets_conversation(await self._unsaved_events(tracker)):
            await self._delete_conversation(tracker.sender_id)
            logger.info("forget-me confirmed: deleted the stored conversation (%s)", type(self).__name__)
            return
        await super().save(tracker, *args, **kwargs)  # type: ignore[misc]

    async def forget(self, sender_id: Text) -> None:
        """Delete everything this store holds for ``sender_id`` (also usable on its own)."""
        await self._delete_conversation(sender_id)

    async def _unsaved_events(self, tracker: DialogueStateTracker) -> List[Event]:
        """The events of ``tracker`` not stored yet (same rule as Rasa's event broker streaming)."""
        stored: Optional[DialogueStateTracker] = await self.retrieve(tracker.sender_id)  # type: ignore[attr-defined]
        return TrackerEventDiffEngine.event_difference(stored, tracker)

    async def _delete_conversation(self, sender_id: Text) -> None:
        raise NotImplementedError

    def _announce(self) -> None:
        logger.info("tracker store %s: deletes a conversation after a confirmed forget-me",
                    type(self).__name__)


class ForgettingInMemoryTrackerStore(ForgettingMixin, InMemoryTrackerStore):
    """``InMemoryTrackerStore`` (``rasa shell``, local runs) that drops a forgotten conversation."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._announce()

    async def _delete_conversation(self, sender_id: Text) -> None:
        self.store.pop(sender_id, None)


class ForgettingSQLTrackerStore(ForgettingMixin, SQLTrackerStore):
    """``SQLTrackerStore`` (PostgreSQL in production) that deletes a forgotten sender's rows.

    Its connection pool also tests each connection before use (SQLAlchemy's ``pool_pre_ping``):
    Rasa's own pool hands out connections a database restart (or a proxy's idle timeout) has
    closed, so the first message of every conversation after one failed, and Rasa's
    ``FailSafeTrackerStore`` took the failed read for "no conversation yet".
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._ping_before_use()
        self._announce()

    def _ping_before_use(self) -> None:
        import sqlalchemy as sa
        from rasa.core.tracker_store import create_engine_kwargs

        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _unsaved_events(self, tracker: DialogueStateTracker) -> List[Event]:
        # what SQLTrackerStore.save would insert: events beyond those stored for the latest session
        with self.session_scope() as session:
            return list(self._additional_events(session, tracker))

    async def _delete_conversation(self, sender_id: Text) -> None:
        with self.session_scope() as session:
            deleted = (session.query(self.SQLEvent)
                       .filter(self.SQLEvent.sender_id == sender_id)
                       .delete(synchronize_session=False))
            session.commit()
        logger.debug("deleted %d tracker events", deleted)


class ForgettingRedisTrackerStore(ForgettingMixin, RedisTrackerStore):
    """``RedisTrackerStore`` that deletes a forgotten sender's key."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._announce()

    async def _delete_conversation(self, sender_id: Text) -> None:
        self.red.delete(self.key_prefix + sender_id)
