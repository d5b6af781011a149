"""REST (and any channel without a renderer of its own): the text, the buttons and the payload."""
from __future__ import annotations

from typing import Dict, List

from recommender.dialogue.turn import Reply


def render(reply: Reply) -> List[Dict]:
    message: Dict = {"text": reply.text}
    if reply.buttons:
        message["buttons"] = [{"title": title, "payload": payload} for title, payload in reply.buttons]
    if reply.payload is not None:
        message["json_message"] = reply.payload
    return [message]
