"""Run by test_forgetting_tracker_stores.py with the *Rasa* interpreter (.venvs/rasa, Python 3.10).

Drives one of bot/rasa_addons' tracker stores the way Rasa's processor does (retrieve, add the
turn's events, save) and prints one JSON line of findings. Usage:
    python forgetting_store_probe.py '<endpoint config as JSON>' [sql-url-to-inspect]
"""
from __future__ import annotations

import asyncio
import json
import sys


async def main(config: dict, inspect_url: str) -> dict:
    from rasa.core.tracker_store import TrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (ActionExecuted, BotUttered, Restarted, SessionStarted,
                                         SlotSet, UserUttered)
    from rasa.utils.endpoints import EndpointConfig

    domain = Domain.from_yaml("""
version: "3.1"
intents: [greet, request_recommendation, forget_me, affirm]
slots:
  shopping_session: {type: any, influence_conversation: false, mappings: [{type: custom}]}
actions: [action_shop_turn, action_forget_me, action_forget_me_confirmed]
""")
    store = TrackerStore.create(EndpointConfig.from_dict(config), domain)
    inner = getattr(store, "_tracker_store", store)  # FailSafe / Awaitable wrappers, if any
    inner = getattr(inner, "_tracker_store", inner)
    found: dict = {"class": type(inner).__name__}

    def user(text: str, intent: str):
        return UserUttered(text, {"name": intent, "confidence": 1.0})

    async def turn(sender: str, *events) -> None:
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        for event in events:
            tracker.update(event, domain)
        await store.save(tracker)

    async def shop(sender: str, text: str) -> None:
        await turn(sender, user(text, "request_recommendation"), ActionExecuted("action_shop_turn"),
                   BotUttered("Here are 3 headphones"), SlotSet("shopping_session", {"liked": ["h1"]}),
                   ActionExecuted("action_listen"))

    start = (ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"))
    await turn("alice", *start)
    await shop("alice", "alice wants secret-headphones")
    await turn("alice", *start)  # a second conversation session: forgetting must take both
    await shop("alice", "alice wants secret-laptops")
    await turn("bob", *start)
    await shop("bob", "bob wants tablets")
    await turn("carol", *start)
    await turn("carol", user("/restart", "restart"), ActionExecuted("action_restart"), Restarted(),
               ActionExecuted("action_listen"))

    def texts(tracker) -> list:
        return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []

    await turn("alice", user("forget me", "forget_me"), ActionExecuted("action_forget_me"),
               BotUttered("Are you sure?"), ActionExecuted("action_listen"))
    found["alice_after_question"] = texts(await store.retrieve_full_tracker("alice"))
    found["raw_before"] = raw_count(config, inspect_url, "alice")

    await turn("alice", user("yes", "affirm"), ActionExecuted("action_forget_me_confirmed"),
               BotUttered("Done."), Restarted(), ActionExecuted("action_listen"))
    found["alice_after_forget"] = await store.retrieve_full_tracker("alice") is not None
    found["raw_after"] = raw_count(config, inspect_url, "alice")
    found["bob"] = texts(await store.retrieve_full_tracker("bob"))
    found["carol_kept"] = await store.retrieve("carol") is not None

    # the next message starts a new conversation that knows nothing of the old one
    await turn("alice", *start)
    found["alice_fresh_slot"] = (await store.retrieve("alice")).get_slot("shopping_session")
    await shop("alice", "alice is back")
    fresh = await store.retrieve_full_tracker("alice")
    found["alice_fresh"] = texts(fresh)
    return found


def raw_count(config: dict, url: str, sender: str):
    """Rows / keys stored for the sender, read around the store (None when not inspectable)."""
    if config["type"].endswith("SQLTrackerStore") and url:
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.connect() as conn:
            n = conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}).scalar()
        engine.dispose()
        return int(n)
    if config["type"].endswith("RedisTrackerStore"):
        import redis

        client = redis.Redis(host=config["url"], port=int(config.get("port", 6379)), db=int(config.get("db", 0)))
        return len(client.keys(f"{config['key_prefix']}:tracker:{sender}"))
    return None


if __name__ == "__main__":
    result = asyncio.run(main(json.loads(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else ""))
    print("PROBE " + json.dumps(result))
