"""What goes into a turn (the understood message) and what comes out (typed replies)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..session import ShoppingSession

#: (title shown on the button, message sent when it is pressed)
Button = Tuple[str, str]


@dataclass(frozen=True)
class Turn:
    """One shopper message as Rasa understood it."""

    text: str
    intent: str = ""
    entities: Sequence[Dict[str, Any]] = ()
    channel: Optional[str] = None
    confidence: float = 1.0


@dataclass
class Reply:
    """One message back. ``kind`` names the payload type channels render from.

    kinds: recommendations, no_results, item_details, comparison, item_answer, explanation,
    question, text.
    """

    kind: str
    text: str
    buttons: List[Button] = field(default_factory=list)
    payload: Optional[Dict[str, Any]] = None


@dataclass
class Outcome:
    """The replies of a turn, the session after it, and the interactions to store."""

    replies: List[Reply]
    session: ShoppingSession
    interactions: List[Tuple[str, str]] = field(default_factory=list)
