"""Base class that keeps a failing action from ever reaching the shopper as a crash."""
from __future__ import annotations

import abc
import asyncio
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

logger = logging.getLogger(__name__)

APOLOGY = ("Sorry, something went wrong on my side. Please try again, or tell me what you're "
           "looking for (for example \"headphones under $200\").")


class SafeAction(Action, abc.ABC):
    """Runs ``act`` in a worker thread (store and scorer calls block); logs and apologises on error.

    Abstract, so rasa-sdk registers only the concrete actions built on it.
    """

    @abc.abstractmethod
    def name(self) -> Text:
        ...

    @abc.abstractmethod
    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        raise NotImplementedError

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            return await asyncio.to_thread(self.act, dispatcher, tracker, domain)
        except Exception:  # noqa: BLE001 - the shopper must get an answer whatever broke
            logger.exception("action %s failed in conversation %s", self.name(), tracker.sender_id)
            dispatcher.messages.clear()
            dispatcher.utter_message(text=APOLOGY)
            return []
