"""A shop's own catalog from a fresh checkout, the documented way: ``scripts/shop.sh SHOP_DIR``.

The checkout's tracked files are copied to a new folder (the Python environments are the ones set
up already), the outdoor shop of tests/shops/ is imported there, its vocabulary and answers are
exported into that copy's Rasa data and a model is trained for them; then the real servers run on
that store and model and a shopper talks to them over REST. Nothing of the electronics demo may
reach the shopper: no demo product, no dollar sign, no demo policy.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tools.book import payload, text_of
from tools.stack import running_stack

pytestmark = pytest.mark.integration

SHOP = ROOT / "tests" / "shops" / "outdoor"
DEMO = re.compile(r"\b(?:samsung|iphone|smartphones?|laptops?|headphones|tablets|electronics)\b|\$|"
                  r"support@concierge-shop|9am to 6pm ET", re.I)


def _fresh_checkout(dest: Path) -> Path:
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    os.symlink(ROOT / ".venvs", dest / ".venvs")  # the environments the set-up made (their lock files are the same)
    vendor = ROOT / "bot" / "connectors" / "web" / "static" / "vendor"
    shutil.copytree(vendor, dest / "bot" / "connectors" / "web" / "static" / "vendor", dirs_exist_ok=True)
    return dest


@pytest.fixture(scope="module")
def shop_stack(tmp_path_factory):
    checkout = _fresh_checkout(tmp_path_factory.mktemp("checkout"))
    database = f"sqlite:///{tmp_path_factory.mktemp('shop-store') / 'shop.db'}"
    env = dict(os.environ, CONCIERGE_DATABASE_URL=database, CONCIERGE_NO_BROWSER="1")
    env.pop("PYTHONPATH", None)
    done = subprocess.run(["./scripts/shop.sh", str(SHOP), "--prepare"], cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    model = Path(done.stdout.strip().splitlines()[-1])
    assert model.is_file() and model.parent == checkout / "var" / "models"
    vocabulary = (checkout / "bot" / "data" / "vocabulary.yml").read_text()
    assert "hiking boots" in vocabulary and "smartphones" not in vocabulary  # the shop's words, not the demo's
    with running_stack(model, database, tmp_path_factory.mktemp("shop-stack")) as stack:
        yield stack


def test_a_shopper_of_the_outdoor_shop_never_meets_the_demo(shop_stack):
    sender = f"hiker-{uuid.uuid4().hex[:8]}"
    said = []
    for text in ("hi", "I need waterproof hiking boots under 150", "cheaper", "why the first one?",
                 "is the second one waterproof?", "what's your returns policy?", "asdf qwer", "a tent for two"):
        messages = shop_stack.say(sender, text)
        assert messages, text
        said.append(text_of(messages))
        if text.startswith("I need"):
            items = payload(messages, "recommendations")["items"]
            assert items and all(i["category"] == "hiking boots" and i["price"] <= 150 and "waterproof" in i["features"]
                                 and i["currency"] == "EUR" for i in items)
        if text.startswith("what's your returns"):
            assert "30 days" in said[-1] or "return" in said[-1].lower()
    everything = "\n".join(said)
    assert "€" in everything
    assert not DEMO.search(everything), DEMO.search(everything)
