"""The model's event vocabulary: index 0 is padding, then the catalog's event types."""
from __future__ import annotations

from typing import Dict, Tuple

from recommender.catalog import EVENT_TYPES

EVENT_VOCAB: Tuple[str, ...] = ("<pad>",) + tuple(EVENT_TYPES)
EVENT_INDEX: Dict[str, int] = {e: i for i, e in enumerate(EVENT_VOCAB)}
#: Events that never count as a positive target or a liked item (still used as input context).
NEGATIVE_EVENTS = frozenset({"dislike"})


def event_index(event: str) -> int:
    """The vocabulary index of ``event`` (unknown events count as a view)."""
    return EVENT_INDEX.get(event, EVENT_INDEX["view"])
