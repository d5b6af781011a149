"""Per-channel renderers: one typed reply -> the keyword arguments of ``dispatcher.utter_message``.

The action server knows the channel a message came in on (``tracker.get_latest_input_channel()``)
and picks the renderer by that name; the Rasa-side connectors (``bot/connectors/``) then deliver
what they get (a ``json_message`` arrives at a channel as its ``custom`` message).

- ``rest`` (and any channel without a renderer of its own): text, buttons and the payload.
- ``web``: the chat page draws cards, tables and answers from the payload, so the text is only
  the lead-in (no numbered list the cards would repeat).
- ``slack``: Block Kit (a section per item with its buttons).
- ``telegram``: numbered text with an inline keyboard, photos when items have images, long texts
  split within Telegram's limits.

A new channel is one module here with ``render(reply) -> list of messages`` added to
``RENDERERS``, plus one connector in ``bot/connectors/``.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

from recommender.dialogue.turn import Reply

from . import rest, slack, telegram, web

Renderer = Callable[[Reply], List[Dict]]

RENDERERS: Dict[str, Renderer] = {
    "rest": rest.render,
    "web": web.render,
    "slack": slack.render,
    "telegram": telegram.render,
}


def renderer_for(channel: Optional[str]) -> Renderer:
    return RENDERERS.get(channel or "rest", rest.render)


def render_reply(reply: Reply, channel: Optional[str]) -> List[Dict]:
    return renderer_for(channel)(reply)
