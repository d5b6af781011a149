"""What Concierge keeps about a shopper, and forgetting it ("what do you know about me?", "forget me").

Returns data only; the sentences are in ``recommender.dialogue.texts`` (privacy section). Looking a
shopper up never creates a user: asking what is stored must not store anything.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

from .catalog import EVENT_TYPES
from .store import Store

#: how many recent interactions are read for the titles shown per event type
RECENT_LIMIT = 200
#: at most this many titles per event type (most recent first)
TITLES_PER_EVENT = 5


@dataclass(frozen=True)
class PrivacySummary:
    """What is stored for one shopper: counts per event type and the most recent item titles."""

    user_id: Optional[int]
    #: event type -> number of stored interactions (all of them), only types with at least one
    counts: Mapping[str, int] = field(default_factory=dict)
    #: event type -> distinct item titles, most recent first (at most TITLES_PER_EVENT)
    titles: Mapping[str, Tuple[str, ...]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def empty(self) -> bool:
        return self.total == 0

    def to_payload(self) -> Dict:
        return {"stored": not self.empty, "counts": dict(self.counts),
                "titles": {event: list(titles) for event, titles in self.titles.items()}}


@dataclass(frozen=True)
class ForgetResult:
    """Rows deleted from the catalog store, per table."""

    interactions: int = 0
    channel_links: int = 0
    users: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.interactions or self.channel_links or self.users)


def summarize(store: Store, channel: str, sender_id: str,
              recent_limit: int = RECENT_LIMIT, titles_per_event: int = TITLES_PER_EVENT) -> PrivacySummary:
    """Everything stored in the catalog store about the shopper behind (channel, sender_id)."""
    user_id = store.lookup_user(channel, sender_id)
    if user_id is None:
        return PrivacySummary(None)
    counts = store.interaction_counts(user_id)
    recent = list(reversed(store.history(user_id, limit=recent_limit)))  # newest first
    names = store.item_titles({event.item_id for event in recent})
    titles: Dict[str, List[str]] = {}
    for event in recent:
        title = names.get(event.item_id)
        shown = titles.setdefault(event.event, [])
        if title and title not in shown and len(shown) < titles_per_event:
            shown.append(title)
    ordered = {event: counts[event] for event in EVENT_TYPES if counts.get(event)}
    return PrivacySummary(user_id, ordered, {e: tuple(titles.get(e, ())) for e in ordered})


def forget(store: Store, channel: str, sender_id: str) -> ForgetResult:
    """Delete the shopper's interactions, channel links and user row (one transaction)."""
    return ForgetResult(**store.forget_user(channel, sender_id))
