"""How much each interaction says about an item's appeal (used for popularity)."""
from __future__ import annotations

from typing import Dict, Optional

#: Fixed weight per event; ``rating`` is value-based (see ``event_weight``).
EVENT_WEIGHTS: Dict[str, float] = {
    "view": 1.0,
    "click": 1.5,
    "like": 3.0,
    "add_to_cart": 4.0,
    "purchase": 6.0,
    "dislike": -2.0,
}

#: A rating on a 1..5 scale contributes (value - RATING_NEUTRAL) * RATING_SCALE:
#: 5 stars = +3 (a like), 3 stars = 0, 1 star = -3.
RATING_NEUTRAL = 3.0
RATING_SCALE = 1.5


def event_weight(event: str, value: Optional[float] = None) -> float:
    """Signed weight of one interaction; a rating without a value counts for nothing."""
    if event == "rating":
        return 0.0 if value is None else (float(value) - RATING_NEUTRAL) * RATING_SCALE
    return EVENT_WEIGHTS.get(event, 0.0)
