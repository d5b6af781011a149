"""Privacy: "what do you know about me?" and "forget me" (with a confirmation).

The catalog store is cleaned here; the conversation itself is deleted Rasa-side: the confirmed
action returns ``Restarted()`` and the tracker stores of ``bot/rasa_addons`` drop everything stored
for the sender when they save a tracker whose new events hold ``action_forget_me_confirmed``
followed by that ``Restarted``.
"""
from __future__ import annotations

from typing import Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import Restarted

from recommender import privacy
from recommender.dialogue import texts

from .runtime import get_runtime
from .safe import SafeAction

TEXT_ONLY_CHANNELS = {"cmdline"}
CONFIRM_BUTTONS = [{"title": "Yes, delete everything", "payload": "/affirm"},
                   {"title": "No, keep it", "payload": "/deny"}]


def shopper(tracker: Tracker) -> Tuple[str, str]:
    """(channel, sender id) as the store links them (same default channel as the shopping actions)."""
    return tracker.get_latest_input_channel() or "rest", tracker.sender_id


def _with_payload(tracker: Tracker, message: dict, payload: dict) -> dict:
    if tracker.get_latest_input_channel() not in TEXT_ONLY_CHANNELS:
        message["json_message"] = payload
    return message


class PrivacySummary(SafeAction):
    """Counts and titles of what the catalog store holds about this shopper."""

    def name(self) -> Text:
        return "action_privacy_summary"

    def act(self, dispatcher, tracker, domain):
        summary = privacy.summarize(get_runtime().store, *shopper(tracker))
        message = {"text": texts.privacy_summary_text(summary),
                   "buttons": [{"title": "Forget me", "payload": "/forget_me"}]}
        dispatcher.utter_message(**_with_payload(tracker, message,
                                                 {"type": "privacy_summary", **summary.to_payload()}))
        return []


class ForgetMe(SafeAction):
    """Ask before deleting; ``affirm`` next runs action_forget_me_confirmed, ``deny`` cancels (rules)."""

    def name(self) -> Text:
        return "action_forget_me"

    def act(self, dispatcher, tracker, domain):
        summary = privacy.summarize(get_runtime().store, *shopper(tracker))
        dispatcher.utter_message(text=texts.forget_me_question(summary), buttons=CONFIRM_BUTTONS)
        return []


class ForgetMeConfirmed(SafeAction):
    """Delete the shopper from the catalog store, then restart so Rasa drops the conversation.

    If the deletion fails, SafeAction apologises and no ``Restarted`` is returned, so nothing is
    claimed deleted and the conversation is kept as it was.
    """

    def name(self) -> Text:
        return "action_forget_me_confirmed"

    def act(self, dispatcher, tracker, domain):
        result = privacy.forget(get_runtime().store, *shopper(tracker))
        dispatcher.utter_message(**_with_payload(tracker, {"text": texts.forget_me_done(result)},
                                                 {"type": "forgotten"}))
        return [Restarted()]
