"""Telegram: numbered text with an inline keyboard; the items' photos first when they have images.

Each message is a ``json_message`` in the shape Rasa's ``TelegramOutput.send_custom_json`` sends:
``{"text", "reply_markup"}`` (sendMessage), ``{"photo", "caption"}`` (sendPhoto) or ``{"media"}``
(sendMediaGroup, 2-10 photos). Plain text (no parse mode), so nothing in a title is interpreted.
Limits respected: 4096 characters a message and 1024 a caption (counted in UTF-16 units, as
Telegram does), callback data of at most 64 bytes (a longer button payload is sent as its title,
or the button is left out), 10 photos an album.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from recommender.dialogue.turn import Reply

from .common import Button, image_url, item_buttons, list_items, money, payload_type

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_BYTES = 64
MAX_ALBUM = 10


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> int:
    """The longest prefix length (in characters) of ``text`` within ``limit`` UTF-16 units."""
    total = 0
    for index, char in enumerate(text):
        total += 2 if ord(char) > 0xFFFF else 1
        if total > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Chunks of at most ``limit`` units, broken at line ends, else at spaces, else anywhere."""
    chunks: List[str] = []
    current = ""
    for line in (text or "").split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if units(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = ""
        while units(line) > limit:
            cut = _cut(line, limit)
            space = line.rfind(" ", 0, cut)
            if space > cut // 2:
                cut = space
            chunks.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        current = line
    if current.strip():
        chunks.append(current)
    return [c for c in chunks if c.strip()] or ([text[:_cut(text, limit)]] if text else [])


def _callback(title: str, payload: str) -> Optional[str]:
    for data in (payload, title):
        if data and len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES:
            return data
    return None


def _button(title: str, payload: str) -> Optional[Dict]:
    data = _callback(title, payload)
    return {"text": title[:64], "callback_data": data} if data else None


def keyboard(items: Sequence[Dict], buttons: Sequence[Button]) -> Optional[Dict]:
    """A row per listed item (more like / not / details), then the reply's buttons two to a row."""
    rows: List[List[Dict]] = []
    for position in range(1, len(items) + 1):
        titles = (f"More like #{position}", f"Not #{position}", f"Details #{position}")
        row = [_button(title, payload) for title, (_, payload) in zip(titles, item_buttons(position))]
        rows.append([b for b in row if b])
    extra = [b for b in (_button(t, p) for t, p in buttons) if b]
    rows += [extra[i:i + 2] for i in range(0, len(extra), 2)]
    rows = [r for r in rows if r]
    return {"inline_keyboard": rows} if rows else None


def _caption(position: Optional[int], item: Dict) -> str:
    head = f"{position}. " if position else ""
    text = f"{head}{item.get('title', '')} — {money(item.get('price'), item.get('currency'))}"
    return text[:_cut(text, MAX_CAPTION)]


def photos(items: Sequence[Dict], numbered: bool = True) -> List[Dict]:
    pictured = [(n, item, image_url(item)) for n, item in enumerate(items, start=1)]
    pictured = [(n, item, url) for n, item, url in pictured if url][:MAX_ALBUM]
    if not pictured:
        return []
    if len(pictured) == 1:
        n, item, url = pictured[0]
        return [{"json_message": {"photo": url, "caption": _caption(n if numbered else None, item)}}]
    album = [{"type": "photo", "media": url, "caption": _caption(n if numbered else None, item)}
             for n, item, url in pictured]
    return [{"json_message": {"media": album}}]


def render(reply: Reply) -> List[Dict]:
    kind = payload_type(reply)
    items = list_items(reply)
    messages: List[Dict] = []
    if items:
        messages += photos(items)
    elif kind == "item_details" and isinstance((reply.payload or {}).get("item"), dict):
        messages += photos([reply.payload["item"]], numbered=False)
    markup = keyboard(items, reply.buttons)
    chunks = split_text(reply.text or "")
    for index, chunk in enumerate(chunks):
        message: Dict = {"text": chunk}
        if markup and index == len(chunks) - 1:
            message["reply_markup"] = markup
        messages.append({"json_message": message})
    return messages
