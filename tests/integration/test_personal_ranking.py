"""The transformer scorer behind the REST channel: a shopper's stored history decides the order.

A scorer is trained on the demo interaction log (short budget), the action server loads it at
start-up, and demo shoppers with different histories ask the same question.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List

import pytest

from recommender.store import Store
from tests.integration.conftest import payload
from tools.stack import running_stack

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REQUEST = "recommend me a smartphone under $2000"


@pytest.fixture(scope="module")
def demo_scorer(tmp_path_factory) -> Path:
    """A scorer checkpoint trained on the demo log, as `make run` does (shorter budget)."""
    out = tmp_path_factory.mktemp("scorer")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "bot"))
    done = subprocess.run([sys.executable, "-m", "recommender.seq", "train-demo", "--out", str(out),
                           "--max-minutes", "1", "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (out / "model.safetensors").exists() and (out / "config.json").exists()
    return out


@pytest.fixture(scope="module")
def personal_stack(rasa_model, demo_database_url, demo_scorer, tmp_path_factory):
    with running_stack(rasa_model, demo_database_url, tmp_path_factory.mktemp("personal"),
                       scorer_path=demo_scorer) as running:
        yield running


def browsing_fans(database_url: str, per_brand: int = 3) -> Dict[str, List[str]]:
    """{brand: demo users} for shoppers still browsing one brand's phones: at least 4 of their last 6
    events are that brand's smartphones, and none of the 6 is a purchase."""
    store = Store(database_url)
    items = {item.id: item for item in store.load_items()}
    fans: Dict[str, List[str]] = {}
    for user, history in sorted(store.sequences().items()):
        tail = [e for e in history[-6:] if e.item_id in items]
        if any(e.event == "purchase" for e in tail):
            continue
        phones = Counter(items[e.item_id].brand for e in tail if items[e.item_id].category == "smartphones")
        if phones and phones.most_common(1)[0][1] >= 4:
            fans.setdefault(phones.most_common(1)[0][0], []).append(user)
    store.close()
    return {brand: users[:per_brand] for brand, users in fans.items() if len(users) >= per_brand}


def brand_share(lists: List[List[Dict]], brand: str) -> float:
    shown = [item for items in lists for item in items]
    return sum(item["brand"] == brand for item in shown) / len(shown)


def test_two_shoppers_with_different_histories_get_different_orders(personal_stack, demo_database_url):
    fans = browsing_fans(demo_database_url)
    assert len(fans) >= 2, f"the demo log should have shoppers browsing one brand's phones, found {fans}"
    (brand_a, users_a), (brand_b, users_b) = sorted(fans.items(), key=lambda kv: kv[0])[:2]

    lists = {}
    for user in users_a + users_b:
        reply = personal_stack.say(user, REQUEST)
        found = payload(reply, "recommendations")
        assert found and found["items"], user
        assert found["ranker"] == "transformer", "a shopper with history is ranked by the transformer"
        lists[user] = found["items"]
    assert [i["id"] for i in lists[users_a[0]]] != [i["id"] for i in lists[users_b[0]]]
    # each group's lists lean towards the brand its shoppers have been browsing
    lists_a, lists_b = [lists[u] for u in users_a], [lists[u] for u in users_b]
    assert brand_share(lists_a, brand_a) > brand_share(lists_b, brand_a)
    assert brand_share(lists_b, brand_b) > brand_share(lists_a, brand_b)


def test_a_shopper_without_history_gets_the_baseline(personal_stack):
    reply = personal_stack.say("newcomer-without-history", REQUEST)
    found = payload(reply, "recommendations")
    assert found and found["items"]
    assert found["ranker"] == "baseline"
