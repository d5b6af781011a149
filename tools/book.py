"""Conversation books: multi-turn conversations in YAML and the checks a reply must pass.

One checker for the regression test (tests/integration/test_conversation_book.py) and for the
evaluation of blind sets (tools/book_eval.py), so a figure in docs/ means what the test means.

Expectation keys (all optional):
  type:       a payload type the reply must carry (recommendations, comparison, item_answer,
              explanation, item_details, no_results, question, handoff, ...)
  list:       the recommendations payload and what every item in it must honour:
              category, max_price, min_price, features, brands, not_brands, title_has (a
              word every title/description has), not_title_has, min_items, max_items
  about:      positions (1-based) of the previous list the payload's items must be
  not_shown:  positions of the previous list that must not come back in this list
  text_has:   phrases the text must contain (case-insensitive; "a|b" means either)
  text_lacks: phrases the text must not contain
  starts:     the first answer line starts with one of these words ("yes|no")
  buttons:    at least this many quick replies
  rows:       comparison rows that must be present (labels)
Every turn is also checked for what no reply may ever do: fail, be empty, repeat a message
inside one reply, repeat the previous reply word for word, or leak an error.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional

import yaml

LEAKS = ("something went wrong", "traceback", "exception", "error:", "didn't understand that.\nsorry")


def load_book(paths: Iterable[Path]) -> List[Dict]:
    """Every conversation of the given YAML files (``conversations:`` lists), each tagged with its file."""
    conversations = []
    for path in paths:
        for conv in yaml.safe_load(Path(path).read_text())["conversations"]:
            conv["file"] = Path(path).name
            conversations.append(conv)
    return conversations


def text_of(messages: List[Dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages if m.get("text"))


def payload(messages: List[Dict], kind: Optional[str] = None) -> Optional[Dict]:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and (kind is None or custom.get("type") == kind):
            return custom
    return None


def _alternatives(phrase: str) -> List[str]:
    return [p.strip().lower() for p in str(phrase).split("|")]


def check_list(items: List[Dict], spec: Dict, where: str) -> None:
    assert items, f"{where}: expected a list of items"
    if "min_items" in spec:
        assert len(items) >= spec["min_items"], f"{where}: only {len(items)} items"
    if "max_items" in spec:
        assert len(items) <= spec["max_items"], f"{where}: {len(items)} items"
    for item in items:
        label = f"{where}: {item['title']}"
        if "category" in spec:
            assert item["category"] == spec["category"], label
        if "max_price" in spec and spec["max_price"] is not None:
            assert item["price"] <= spec["max_price"], label
        if "min_price" in spec and spec["min_price"] is not None:
            assert item["price"] >= spec["min_price"], label
        for feature in spec.get("features", []) or []:
            assert feature in item["features"], f"{label} lacks {feature}"
        if spec.get("brands"):
            assert item["brand"].lower() in [b.lower() for b in spec["brands"]], label
        for brand in spec.get("not_brands", []) or []:
            assert item["brand"].lower() != brand.lower(), label
        text = (item["title"] + " " + item.get("description", "")).lower()
        if "title_has" in spec:
            assert any(w in item["title"].lower() for w in _alternatives(spec["title_has"])), label
        for word in spec.get("not_title_has", []) or []:
            assert word.lower() not in text, label
    titles = [i["title"] for i in items]
    assert len(set(titles)) == len(titles), f"{where}: repeated items {titles}"


def check_turn(messages: List[Dict], expect: Dict, previous_list: List[Dict], where: str) -> None:
    text = text_of(messages).lower()
    if "type" in expect:
        assert payload(messages, expect["type"]), f"{where}: no {expect['type']} payload in {messages}"
    if "list" in expect:
        found = payload(messages, "recommendations")
        assert found, f"{where}: no list in {text[:300]}"
        check_list(found["items"], expect["list"] or {}, where)
    for phrase in expect.get("text_has", []) or []:
        assert any(p in text for p in _alternatives(phrase)), f"{where}: '{phrase}' not in: {text[:600]}"
    for phrase in expect.get("text_lacks", []) or []:
        assert phrase.lower() not in text, f"{where}: '{phrase}' in: {text[:600]}"
    if "starts" in expect:
        first = text.strip().split("\n")[0]
        assert any(first.startswith(w) for w in _alternatives(expect["starts"])), f"{where}: {first}"
    if "buttons" in expect:
        count = sum(len(m.get("buttons") or []) for m in messages)
        assert count >= expect["buttons"], f"{where}: {count} buttons"
    if expect.get("about"):
        found = payload(messages)
        ids = [i["id"] for i in (found or {}).get("items", [])] or ([found["item"]["id"]] if found and "item" in found
                                                                    else [])
        assert all(0 < p <= len(previous_list) for p in expect["about"]), f"{where}: no item {expect['about']} on screen"
        wanted = [previous_list[p - 1]["id"] for p in expect["about"]]
        assert ids[:len(wanted)] == wanted or set(wanted) <= set(ids), f"{where}: about {ids}, wanted {wanted}"
    if expect.get("not_shown"):
        found = payload(messages, "recommendations")
        ids = {i["id"] for i in (found or {}).get("items", [])}
        for p in expect["not_shown"]:
            assert p <= len(previous_list), f"{where}: no item #{p} was on screen"
            assert previous_list[p - 1]["id"] not in ids, f"{where}: #{p} came back"
    if "rows" in expect:
        found = payload(messages, "comparison")
        assert found, f"{where}: no comparison"
        labels = [r["label"].lower() for r in found["rows"]]
        for row in expect["rows"]:
            assert row.lower() in labels, f"{where}: no row {row} in {labels}"


def run_conversation(send: Callable[[str, str], "object"], sender: str, conversation: Dict) -> None:
    """Play one conversation through ``send(sender, text) -> requests.Response``; AssertionError on a miss."""
    previous_text = None
    last_list: List[Dict] = []
    for number, turn in enumerate(conversation["turns"], 1):
        where = f"{conversation.get('file', '')} / {conversation['name']} / turn {number} ({turn['say']!r})"
        response = send(sender, str(turn["say"]))
        assert response.status_code == 200, f"{where}: HTTP {response.status_code}"
        messages = response.json()
        assert messages, f"{where}: empty reply"
        texts = [m.get("text") for m in messages if m.get("text")]
        assert len(texts) == len(set(texts)), f"{where}: a message repeated inside one reply: {texts}"
        joined = "\n".join(texts)
        assert not any(leak in joined.lower() for leak in LEAKS), f"{where}: {joined[:300]}"
        if not turn.get("may_repeat"):
            assert joined != previous_text, f"{where}: the same reply as the turn before: {joined[:200]}"
        check_turn(messages, turn.get("expect") or {}, last_list, where)
        previous_text = joined
        found = payload(messages, "recommendations") or payload(messages, "no_results")
        if found:
            last_list = found.get("items") or found.get("nearest") or last_list
