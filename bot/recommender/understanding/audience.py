"""Who the product is for ("women's trail shoes", "a sleeping bag for my 8-year-old daughter", "men's please").

Shops that sell by audience say it in their titles ("- Women's 7", "Kids' Hiking Boot"); the shopper
says it in many ways. The words of both sides are language data (``lang/en_audience.yml``); the
items are the shop's, so a shop without such titles is never filtered by them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, Optional, Sequence, Tuple

import yaml

from ..catalog import Item

AUDIENCE_WORDS = Path(__file__).resolve().parent / "lang" / "en_audience.yml"
#: below this many models for an adult audience, models for no one in particular are shown with them
_OWN_ITEMS = 3


@dataclass(frozen=True)
class AudienceReading:
    label: str  # as the shop writes it in titles ("women's")
    item_ids: FrozenSet[str]


@lru_cache(maxsize=4)
def _audiences(path: str = str(AUDIENCE_WORDS)) -> Tuple[Tuple[str, Tuple[str, ...], Tuple[str, ...]], ...]:
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return tuple((name, tuple(str(w).lower() for w in spec.get("said") or ()),
                  tuple(str(w).lower() for w in spec.get("titled") or ()))
                 for name, spec in (doc.get("audiences") or {}).items())


def _has(text: str, words: Sequence[str]) -> Optional[str]:
    low = text.lower().replace("’", "'")
    for word in words:
        if re.search(rf"(?<![\w']){re.escape(word)}(?![\w'])", low) or re.search(rf"\b\d+[- ]{re.escape(word)}\b", low):
            return word
    return None


def read_audience(text: str, items: Sequence[Item]) -> Optional[AudienceReading]:
    """The audience the message names, as a filter on ``items`` (one category's), or None."""
    audiences = _audiences()
    for name, said, titled in audiences:
        if not _has(text, said):
            continue
        others = [t for n, _, ts in audiences if n != name for t in ts]
        own = [i for i in items if _has(i.title, titled) and not (name == "men" and _has(i.title, ("women", "women's")))]
        if not own or len(own) == len(items):
            return None  # the shop does not sell this kind by audience
        ids = {i.id for i in own}
        if name != "kids" and len({i.title.split(" - ")[0] for i in own}) < _OWN_ITEMS:
            # few women's models: the ones made for everyone fit too (never for a child: adult sizes)
            ids |= {i.id for i in items if not _has(i.title, titled + tuple(others))}
        label = _has(own[0].title, titled) or name
        return AudienceReading(label, frozenset(ids))
    return None
