"""One rendering layer: typed replies (``recommender.dialogue.Reply``) -> each channel's messages.

REST gets the text, the buttons and the machine-readable payload (``custom``); the web, Slack
and Telegram get their own format from ``bot/actions/channels/`` (chosen by the channel's name);
the terminal gets the text with the quick replies as numbered hints (a typed line is never
taken as a button press there: typing the number or the words picks one).
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from recommender.dialogue.turn import Reply

from .channels import render_reply

TEXT_ONLY_CHANNELS = {"cmdline"}


def _numbered_hints(buttons: Sequence) -> str:
    return "Reply with a number or in your own words: " + "  ".join(
        f"[{i + 1}] {title}" for i, (title, _) in enumerate(buttons))


def render(replies: Sequence[Reply], channel: Optional[str]) -> List[Dict]:
    """Keyword arguments for ``dispatcher.utter_message``, one per reply, in order."""
    messages: List[Dict] = []
    for reply in replies:
        if channel in TEXT_ONLY_CHANNELS:
            text = reply.text
            if reply.buttons:
                text = f"{text}\n{_numbered_hints(reply.buttons)}"
            messages.append({"text": text})
            continue
        messages.extend(render_reply(reply, channel))  # per channel: bot/actions/channels/
    return messages
