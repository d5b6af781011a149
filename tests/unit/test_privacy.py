"""What is stored about a shopper, and forgetting it, on a real SQLite file and a real PostgreSQL schema."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from recommender import privacy
from recommender.catalog import Item
from recommender.dialogue import texts
from recommender.store import Store
from recommender.store.schema import channel_links, interactions, users

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def catalog() -> list:
    return [Item(id=f"i{k}", title=f"Gadget {k}", category="headphones", brand="Acme", price=50.0 + k)
            for k in range(1, 8)]


@pytest.fixture
def store(database_url):
    with Store(database_url) as s:
        s.migrate()
        s.replace_catalog(catalog())
        yield s


def seed(store: Store, channel: str, sender: str, events) -> int:
    user_id = store.user_for_sender(channel, sender)
    for minute, (item_id, event) in enumerate(events):
        store.record_interaction(user_id, item_id, event, timestamp=T0 + timedelta(minutes=minute))
    return user_id


def rows(store: Store, table, where) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(where)).scalar_one())


def test_summary_counts_every_event_and_names_recent_titles(store):
    seed(store, "rest", "alice", [("i1", "view"), ("i1", "view"), ("i2", "like"), ("i3", "like"),
                                  ("i4", "dislike"), ("i5", "purchase"), ("i2", "click")])
    seed(store, "rest", "bob", [("i6", "like")])
    summary = privacy.summarize(store, "rest", "alice")
    assert dict(summary.counts) == {"view": 2, "click": 1, "like": 2, "dislike": 1, "purchase": 1}
    assert summary.titles["like"] == ("Gadget 3", "Gadget 2")  # most recent first
    assert summary.titles["view"] == ("Gadget 1",)  # distinct titles
    assert summary.titles["purchase"] == ("Gadget 5",)
    assert "Gadget 6" not in str(summary.titles), "another shopper's data leaked in"
    assert summary.total == 7 and not summary.empty
    text = texts.privacy_summary_text(summary)
    assert "2 likes: Gadget 3, Gadget 2" in text and "1 purchase: Gadget 5" in text and "forget me" in text


def test_counts_are_complete_while_titles_are_capped(store):
    seed(store, "rest", "heavy", [(f"i{1 + k % 7}", "view") for k in range(30)])
    summary = privacy.summarize(store, "rest", "heavy", recent_limit=10, titles_per_event=3)
    assert summary.counts["view"] == 30
    assert len(summary.titles["view"]) == 3


def test_asking_about_an_unknown_shopper_stores_nothing(store):
    before = store.counts()
    summary = privacy.summarize(store, "rest", "stranger")
    assert summary.empty and summary.user_id is None
    assert store.counts() == before, "looking a shopper up must not create a user or a link"
    assert "haven't stored anything" in texts.privacy_summary_text(summary)


def test_imported_history_is_found_before_the_sender_is_linked(store):
    store.import_interactions([{"user_id": "carol", "item_id": "i7", "event": "purchase", "timestamp": T0}])
    summary = privacy.summarize(store, "rest", "carol")
    assert dict(summary.counts) == {"purchase": 1} and summary.titles["purchase"] == ("Gadget 7",)


def test_forget_user_deletes_interactions_links_and_user_and_nothing_else(store):
    alice = seed(store, "rest", "alice", [("i1", "like"), ("i2", "view"), ("i3", "purchase")])
    store.user_for_sender("web", "alice-web")  # another channel of another user, untouched
    bob = seed(store, "rest", "bob", [("i1", "like")])
    with store.transaction() as conn:  # a second channel linked to alice's user goes with her
        conn.execute(channel_links.insert(), {"channel": "telegram", "sender_id": "tg-42", "user_id": alice})

    result = privacy.forget(store, "rest", "alice")

    assert result == privacy.ForgetResult(interactions=3, channel_links=2, users=1) and result.anything
    assert rows(store, interactions, interactions.c.user_id == alice) == 0
    assert rows(store, users, users.c.id == alice) == 0
    assert rows(store, channel_links, channel_links.c.user_id == alice) == 0
    assert rows(store, interactions, interactions.c.user_id == bob) == 1
    assert store.lookup_user("web", "alice-web") is not None
    assert store.item_titles(["i1", "i2", "i3"]) == {"i1": "Gadget 1", "i2": "Gadget 2", "i3": "Gadget 3"}
    assert privacy.summarize(store, "rest", "alice").empty
    assert "3 stored interactions" in texts.forget_me_done(result)
    # the shopper can come back: a new, empty user
    again = store.user_for_sender("rest", "alice")
    assert again != alice and store.history(again) == []


def test_forget_user_removes_an_unlinked_imported_user(store):
    store.import_interactions([{"user_id": "dave", "item_id": "i1", "event": "view", "timestamp": T0}])
    assert store.forget_user("rest", "dave") == {"interactions": 1, "channel_links": 0, "users": 1}
    assert store.lookup_user("rest", "dave") is None


def test_forgetting_an_unknown_shopper_is_a_no_op(store):
    before = store.counts()
    result = privacy.forget(store, "rest", "nobody")
    assert result == privacy.ForgetResult() and not result.anything
    assert store.counts() == before
    assert "our conversation" in texts.forget_me_done(result)


def test_forget_user_is_one_transaction(store, monkeypatch):
    alice = seed(store, "rest", "alice", [("i1", "like"), ("i2", "like")])
    from recommender.store import repository

    real_delete = repository.delete

    def failing_delete(table):  # interactions go first, then the user row fails
        if table is users:
            raise RuntimeError("database went away")
        return real_delete(table)

    monkeypatch.setattr(repository, "delete", failing_delete)
    with pytest.raises(RuntimeError):
        store.forget_user("rest", "alice")
    monkeypatch.undo()
    assert rows(store, interactions, interactions.c.user_id == alice) == 2, "a failed forget rolls back"
    assert store.lookup_user("rest", "alice") == alice


def test_forget_question_names_what_goes(store):
    seed(store, "rest", "erin", [("i1", "like"), ("i2", "purchase")])
    question = texts.forget_me_question(privacy.summarize(store, "rest", "erin"))
    assert "1 like and 1 purchase" in question and "Are you sure?" in question
    assert "no likes" in texts.forget_me_question(privacy.summarize(store, "rest", "nobody"))
