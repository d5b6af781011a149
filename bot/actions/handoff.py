"""Hand-off to a person: "talk to a person", "can I speak to a human", "get me an agent"."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

#: what a shop's routing code looks for in the reply
HANDOFF_PAYLOAD = {"type": "handoff", "reason": "shopper asked for a person"}
#: channels that print custom payloads as raw JSON (rasa shell): they get no payload message
TEXT_ONLY_CHANNELS = {"cmdline"}


class Handoff(Action):
    """Signal a hand-off to a person, twice, so a shop can route it.

    The rule (data/rules_shop_talk.yml) is ``human_handoff -> utter_handoff -> action_handoff``:
    the shopper reads the fixed ``utter_handoff`` response of domain.yml (when a person replies,
    how to reach the shop), then this action adds

    * to the reply: a message with the custom payload
      ``{"type": "handoff", "reason": "shopper asked for a person"}`` (REST: ``{"custom": {...}}``);
    * to the tracker: ``SlotSet("handoff_requested", True)``, so code reading the tracker store, an
      event broker or ``GET /conversations/<id>/tracker`` sees the request without parsing replies.
    """

    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if tracker.get_latest_input_channel() not in TEXT_ONLY_CHANNELS:
            dispatcher.utter_message(json_message=dict(HANDOFF_PAYLOAD))
        return [SlotSet("handoff_requested", True)]
