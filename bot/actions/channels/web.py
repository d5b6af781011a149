"""The website chat: the page draws cards, tables and answers from the payload (``custom``).

So the text is what the cards don't show: a list's notices and intro line (and its question), a
comparison's title line. Item details are all in their card. Buttons stay quick replies.
"""
from __future__ import annotations

from typing import Dict, List

from recommender.dialogue.turn import Reply

from .common import first_line, lead, list_items, payload_type, question_text


def text_for(reply: Reply) -> str:
    kind = payload_type(reply)
    if reply.payload is None:
        return reply.text
    if kind in ("recommendations", "no_results"):
        items = list_items(reply)
        text = lead(reply, items)
        question = question_text(reply)
        if question and question not in text:
            text = f"{text}\n{question}".strip()
        return text
    if kind == "comparison" and reply.payload.get("rows"):
        return first_line(reply.text)
    if kind == "item_details" and isinstance(reply.payload.get("item"), dict):
        return ""
    return reply.text


def render(reply: Reply) -> List[Dict]:
    message: Dict = {}
    text = text_for(reply)
    if text:
        message["text"] = text
    if reply.buttons:
        message["buttons"] = [{"title": title, "payload": payload} for title, payload in reply.buttons]
    if reply.payload is not None:
        message["json_message"] = reply.payload
    if not message:
        message["text"] = reply.text
    return [message]
