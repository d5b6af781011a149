"""What the channel renderers share: item buttons, prices, the lead-in of a list reply."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlparse

from recommender.dialogue.turn import Reply

#: (title, message sent when pressed)
Button = Tuple[str, str]

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def item_buttons(position: int) -> List[Button]:
    """The per-item actions of a list: messages that name the item's position."""
    nth = ordinal(position)
    return [("More like this", f"more like the {nth} one"),
            ("Not this", f"not the {nth} one"),
            ("Details", f"tell me about the {nth} one")]


def money(price: Any, currency: Optional[str]) -> str:
    try:
        value = float(price)
    except (TypeError, ValueError):
        return ""
    code = (currency or "USD").upper()
    symbol = _SYMBOLS.get(code)
    amount = f"{value:,.0f}" if code == "JPY" else f"{value:,.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {code}"


def image_url(item: Dict[str, Any]) -> Optional[str]:
    """The item's image URL when it is an absolute http(s) URL."""
    url = item.get("image_url")
    if not isinstance(url, str) or len(url) > 2000:
        return None
    parsed = urlparse(url.strip())
    return url.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def payload_type(reply: Reply) -> str:
    payload = reply.payload or {}
    return str(payload.get("type") or reply.kind or "text")


def list_items(reply: Reply) -> List[Dict[str, Any]]:
    """The items a list reply shows, in their positions (1 = first): a list or the nearest options."""
    payload = reply.payload or {}
    kind = payload_type(reply)
    if kind == "recommendations":
        return [i for i in payload.get("items") or [] if isinstance(i, dict)]
    if kind == "no_results":
        return [i for i in payload.get("nearest") or [] if isinstance(i, dict)]
    return []


def question_text(reply: Reply) -> Optional[str]:
    question = (reply.payload or {}).get("question")
    if isinstance(question, dict) and question.get("text"):
        return str(question["text"])
    return None


def lead(reply: Reply, items: Sequence[Dict[str, Any]]) -> str:
    """The lines of a list reply before its numbered items (notices and the intro line).

    The numbered lines start with ``1. <first title>``; when they can't be found the whole text
    is the lead, so nothing is lost if the text's layout changes.
    """
    lines = (reply.text or "").split("\n")
    if items:
        first = f"1. {items[0].get('title', '')}"
        for index, line in enumerate(lines):
            if line.startswith(first):
                return "\n".join(lines[:index]).strip()
    return (reply.text or "").strip()


def comparison_rows(payload: Dict[str, Any]) -> List[Tuple[str, List[str]]]:
    rows: List[Tuple[str, List[str]]] = []
    for row in payload.get("rows") or []:
        if not isinstance(row, dict):
            continue
        values = []
        for value in row.get("values") or []:
            if value is True:
                values.append("yes")
            elif value is False:
                values.append("no")
            elif value is None:
                values.append("–")
            else:
                values.append(str(value))
        rows.append((str(row.get("label", "")), values))
    return rows


def first_line(text: str) -> str:
    return (text or "").strip().split("\n", 1)[0]


def features(item: Dict[str, Any], limit: int = 4) -> List[str]:
    return [str(f) for f in (item.get("features") or [])[:limit]]


_SPACE = re.compile(r"[ \t]+")


def squash(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()
