"""Which way a shopper's reaction to an item goes, read from the words themselves.

The intent classifier sometimes mistakes "I don't like the first one" for a like (3 of the held-out
dislikes in docs/benchmarks.md). A like stored by mistake pulls the wrong items up, so the action
double-checks the polarity with these cues before it records anything.
"""
from __future__ import annotations

import re
from typing import Optional

#: a rejection of the item itself; broad negations ("not the second") are left to the classifier,
#: since "I like the first, not the second" is still a like of the first
_NEGATIVE = re.compile(
    r"\b(?:(?:do|does|did)(?:\s*n[o']?t|n't)\s+(?:really\s+)?(?:like|love|want|care\s+for|fancy)"
    r"|dont\s+(?:really\s+)?(?:like|love|want)|not\s+(?:a\s+(?:big\s+)?fan|for\s+me|keen|into\s+(?:it|that|this))"
    r"|hate|hates|dislike|dislikes|ugly|awful|terrible|horrible|not\s+interested|rather\s+not"
    r"|none\s+of\s+(?:these|them|those|the\s+above)|neither\s+of\s+(?:these|them|those)"
    r"|(?:do|does|did)(?:\s*n[o']?t|n't)\s+do\s+(?:it|much)\s+for\s+me|not\s+(?:really\s+)?what\s+i(?:'m|\s+am)?\s+after)\b",
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"\b(?:like|love|likes|loves|liked|loved|great|nice|perfect|awesome|amazing|fan\s+of|prefer|favou?rite)\b",
    re.IGNORECASE,
)


def feedback_polarity(text: str) -> Optional[str]:
    """"dislike" when the message rejects something, "like" when it only approves, None otherwise."""
    if _NEGATIVE.search(text or ""):
        return "dislike"
    if _POSITIVE.search(text or ""):
        return "like"
    return None
