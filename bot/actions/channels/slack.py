"""Slack: Block Kit. A list is a section per item (title, price, features, reason, the image as an
accessory when the item has one) followed by its buttons; the reply's own buttons close the message.

Everything goes out as one ``json_message`` (``{"text": fallback, "blocks": [...]}``) that Rasa's
``SlackBot.send_custom_json`` posts with ``chat.postMessage``. Texts are escaped for Slack's mrkdwn
(``&``, ``<`` and ``>``), so a catalog title can't mention people or forge links.
Limits respected: 50 blocks per message, 3000 characters per section text, 75 per button label,
2000 per button value, 25 elements per actions block.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

from recommender.dialogue.turn import Reply

from .common import (Button, comparison_rows, features, first_line, image_url, item_buttons, lead, list_items,
                     money, payload_type, question_text)

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_FALLBACK = 3000


def escape(text: Any) -> str:
    """Slack's mrkdwn escaping (the only three characters it requires)."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str, accessory: Optional[Dict] = None) -> Dict:
    block: Dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, MAX_SECTION)}}
    if accessory:
        block["accessory"] = accessory
    return block


def _sections(text: str) -> List[Dict]:
    """An escaped free text as one or more sections (split on line ends when it is long)."""
    text = escape(text.strip())
    blocks: List[Dict] = []
    chunk = ""
    for line in text.split("\n"):
        while len(line) > MAX_SECTION:
            if chunk:
                blocks.append(section(chunk))
                chunk = ""
            blocks.append(section(line[:MAX_SECTION]))
            line = line[MAX_SECTION:]
        candidate = f"{chunk}\n{line}" if chunk else line
        if len(candidate) > MAX_SECTION:
            blocks.append(section(chunk))
            chunk = line
        else:
            chunk = candidate
    if chunk.strip():
        blocks.append(section(chunk))
    return blocks


def actions(buttons: Sequence[Button], block_id: str) -> Optional[Dict]:
    elements = [{"type": "button", "text": {"type": "plain_text", "text": _clip(title, 75), "emoji": True},
                 "value": payload[:2000], "action_id": f"{block_id}-{i}"}
                for i, (title, payload) in enumerate(buttons[:25]) if title and payload]
    return {"type": "actions", "block_id": block_id, "elements": elements} if elements else None


def _image(item: Dict) -> Optional[Dict]:
    url = image_url(item)
    if not url:
        return None
    return {"type": "image", "image_url": url, "alt_text": _clip(str(item.get("title") or "product"), 2000)}


def item_section(position: int, item: Dict) -> Dict:
    price = money(item.get("price"), item.get("currency"))
    lines = [f"*{position}. {escape(item.get('title', ''))}* — {escape(price)}"]
    brand = item.get("brand")
    tags = features(item)
    details = " · ".join(escape(x) for x in ([brand] if brand else []) + tags)
    if details:
        lines.append(details)
    if item.get("reason"):
        lines.append(f"_Why: {escape(item['reason'])}_")
    return section("\n".join(lines), _image(item))


def _list_blocks(reply: Reply) -> List[Dict]:
    items = list_items(reply)
    blocks: List[Dict] = []
    intro = lead(reply, items)
    if intro:
        blocks += _sections(intro)
    for position, item in enumerate(items, start=1):
        blocks.append({"type": "divider"})
        blocks.append(item_section(position, item))
        row = actions(item_buttons(position), f"item-{position}")
        if row:
            blocks.append(row)
    question = question_text(reply)
    if question:
        blocks.append({"type": "divider"})
        blocks += _sections(question)
    return blocks


def _details_blocks(reply: Reply) -> List[Dict]:
    item = (reply.payload or {}).get("item") or {}
    lines = [f"*{escape(item.get('title', ''))}* — {escape(money(item.get('price'), item.get('currency')))}"]
    if item.get("brand"):
        lines.append(f"by {escape(item['brand'])}")
    if item.get("features"):
        lines.append("Features: " + ", ".join(escape(f) for f in item["features"]))
    if item.get("description"):
        lines.append(escape(item["description"]))
    if "in_stock" in item:
        lines.append("In stock." if item.get("in_stock") else "Out of stock.")
    variants = [v for v in item.get("variants") or [] if isinstance(v, dict)]
    if variants:
        others = [f"{v.get('title', '')} ({money(v.get('price'), item.get('currency'))})" for v in variants[:6]]
        lines.append("Also: " + "; ".join(escape(o) for o in others))
    return [section("\n".join(lines), _image(item))]


def _comparison_blocks(reply: Reply) -> List[Dict]:
    payload = reply.payload or {}
    blocks = _sections(first_line(reply.text))
    rows = comparison_rows(payload)
    if rows:
        blocks.append(section("\n".join(f"*{escape(label)}*: {' | '.join(escape(v) for v in values)}"
                                        for label, values in rows)))
    if payload.get("summary"):
        blocks += _sections(str(payload["summary"]))
    return blocks


def _fallback_text(reply: Reply) -> str:
    return _clip(escape(reply.text or ""), MAX_FALLBACK)


def blocks_for(reply: Reply) -> List[Dict]:
    kind = payload_type(reply)
    if kind in ("recommendations", "no_results") and list_items(reply):
        blocks = _list_blocks(reply)
    elif kind == "item_details" and isinstance((reply.payload or {}).get("item"), dict):
        blocks = _details_blocks(reply)
    elif kind == "comparison" and (reply.payload or {}).get("rows"):
        blocks = _comparison_blocks(reply)
    else:
        blocks = _sections(reply.text or "")
    tail = actions(reply.buttons, "reply")
    room = MAX_BLOCKS - (1 if tail else 0)
    blocks = blocks[:room]
    if tail:
        blocks.append(tail)
    return blocks


def render(reply: Reply) -> List[Dict]:
    return [{"json_message": {"text": _fallback_text(reply), "blocks": blocks_for(reply)}}]
