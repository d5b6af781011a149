"""Serving apart from training, the versioned scorer folder, and the live checkpoint swap with its refusals."""
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest


from recommender.scoring.checkpoint import (CURRENT, folder_stamp, new_version_dir, publish, save_checkpoint,
                                            served_checkpoint)
from recommender.scoring.live import WORSE_Z, LiveScorer, open_live_scorer, paired_difference, worse_reason
from recommender.scoring.scorer import open_checkpoint
from recommender.seq.data import leave_one_out
from recommender.seq.train import train

from tests.unit.test_seq_model import N_ITEMS, TINY, cyclic_data

ROOT = Path(__file__).resolve().parents[2]
HISTORY = [("i3", "view"), ("i4", "purchase"), ("i5", "like")]
CANDIDATES = ["i6", "i0", "i12", "i20"]


@pytest.fixture(scope="module")
def two_models():
    """Two different trained models over the same items (different seeds)."""
    data = cyclic_data(n_users=60)
    split = leave_one_out(data)
    a = train(split, TINY.updated(epochs=3), progress=False)
    b = train(split, TINY.updated(epochs=3, seed=11), progress=False)
    return data, a, b


def _version(root, res, data, meta=None, name=None, item_ids=None):
    path = root / "versions" / name if name else new_version_dir(root)
    save_checkpoint(path, res.model, res.config, item_ids or data.item_ids, meta or {})
    return path


def test_serving_package_imports_no_training_code_and_no_rasa():
    """A fresh interpreter importing the serving package loads nothing of training, evaluation or rasa."""
    code = ("import importlib.util, sys; assert importlib.util.find_spec('recommender.seq'); "
            "import recommender.scoring as s; from recommender.scoring import open_live_scorer; "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk', 'matplotlib') "
            "or m.startswith('recommender.seq'));"
            "print(bad)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "bot"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", out.stdout
    files = sorted(p.name for p in (ROOT / "bot" / "recommender" / "scoring").glob("*.py"))
    assert files == ["__init__.py", "checkpoint.py", "config.py", "device.py", "events.py", "knn.py", "live.py",
                     "model.py", "scorer.py"]


def test_versions_sit_beside_each_other_and_current_names_the_served_one(two_models, tmp_path):
    data, a, b = two_models
    root = tmp_path / "scorer"
    assert served_checkpoint(root) is None
    save_checkpoint(root, a.model, a.config, data.item_ids, {})  # the one-checkpoint layout (train-demo)
    assert served_checkpoint(root) == root
    v1 = _version(root, b, data, name="v1")
    assert served_checkpoint(root) == root, "a version is not served before it is published"
    publish(root, v1)
    assert served_checkpoint(root) == v1 and (root / CURRENT).read_text().strip() == "v1"
    stamp = folder_stamp(root)
    v2 = _version(root, a, data, name="v2")
    assert folder_stamp(root) == stamp, "writing a version does not change what is served"
    publish(root, v2)
    assert folder_stamp(root) != stamp and served_checkpoint(root) == v2 and v1.exists()
    with pytest.raises(FileNotFoundError):
        publish(root, root / "versions" / "missing")


def test_swap_while_requests_run(two_models, tmp_path):
    """Scoring threads run while a new checkpoint is published and swapped in: no request fails or waits for the
    load (made slow here), and once swapped every request gets the new model's scores."""
    data, a, b = two_models
    root = tmp_path / "scorer"
    publish(root, _version(root, a, data, name="a"))
    expected = {name: open_checkpoint(root / "versions" / name, device="cpu").score(HISTORY, CANDIDATES)
                for name in ("a",)}

    def slow_loader(path, **kw):
        time.sleep(0.6)  # a big checkpoint: requests must not wait for it
        return open_checkpoint(path, **kw)

    live = LiveScorer(root, device="cpu", reload_seconds=0.01, loader=slow_loader)
    assert live.reload() and live.version == "a"
    publish(root, _version(root, b, data, name="b"))
    expected["b"] = open_checkpoint(root / "versions" / "b", device="cpu").score(HISTORY, CANDIDATES)
    assert not np.allclose(expected["a"], expected["b"])

    stop, errors, seen, slowest = threading.Event(), [], set(), [0.0]

    def worker():
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                s = live.score(HISTORY, CANDIDATES)
            except Exception as exc:  # noqa: BLE001 - the test counts every failure
                errors.append(exc)
                continue
            slowest[0] = max(slowest[0], time.perf_counter() - t0)
            for name, ref in expected.items():
                if np.allclose(s, ref, atol=1e-5):
                    seen.add(name)
                    break
            else:
                errors.append(AssertionError(f"scores of neither model: {s}"))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    deadline = time.time() + 10
    while live.version != "b" and time.time() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join()
    assert live.version == "b" and live.swaps == 2
    assert not errors, errors[:3]
    assert seen == {"a", "b"}, "requests ran on the old model, then on the new one"
    assert slowest[0] < 0.5, f"a request waited for the load ({slowest[0]:.2f} s)"
    assert np.allclose(live.score(HISTORY, CANDIDATES), expected["b"], atol=1e-5)


def test_refusals_keep_the_served_model_and_say_why(two_models, tmp_path, caplog):
    data, a, b = two_models
    root = tmp_path / "scorer"
    served = _version(root, a, data, name="good")
    publish(root, served)
    catalog = list(data.item_ids)
    live = LiveScorer(root, device="cpu", reload_seconds=0, catalog_ids=lambda: catalog)
    assert live.reload() and live.version == "good"

    broken = root / "versions" / "broken"
    broken.mkdir(parents=True)
    for name in ("model.safetensors", "config.json", "items.json"):
        (broken / name).write_text("garbage")
    other_shop = _version(root, b, data, name="other-shop", item_ids=[f"x{i}" for i in range(N_ITEMS)])
    served_id = str(served.resolve())
    worse = _version(root, b, data, name="worse",
                     meta={"holdout": {"NDCG@10": 0.10, "served_NDCG@10": 0.20, "served": served_id, "events": 900,
                                       "cases": 400, "standard_error": 0.012}})
    stale = _version(root, b, data, name="stale",
                     meta={"holdout": {"NDCG@10": 0.30, "served_NDCG@10": 0.20, "served": "/elsewhere/v0"}})
    for path, why in [(broken, "could not be loaded"), (other_shop, "does not match the catalog"),
                      (worse, "scored worse than the served model on the held-out slice"),
                      (stale, "was compared with /elsewhere/v0")]:
        publish(root, path)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="recommender.scoring.live"):
            assert live.reload() is False
        assert f"refused checkpoint {path.name}: it {why}" in caplog.text or why in caplog.text
        assert "still serving good" in caplog.text
        assert live.version == "good" and why.split()[0] in live.refused[path.name]
        assert np.allclose(live.score(HISTORY, CANDIDATES), open_checkpoint(served, device="cpu").score(
            HISTORY, CANDIDATES), atol=1e-5)

    # lower by less than two standard errors: noise, not a worse model; it is served
    level = _version(root, b, data, name="level",
                     meta={"holdout": {"NDCG@10": 0.19, "served_NDCG@10": 0.20, "served": served_id, "cases": 400,
                                       "standard_error": 0.012}})
    publish(root, level)
    assert live.reload() and live.version == "level" and "level" not in live.refused
    level_id = str(level.resolve())
    better = _version(root, b, data, name="better",
                      meta={"holdout": {"NDCG@10": 0.25, "served_NDCG@10": 0.19, "served": level_id}})
    publish(root, better)
    assert live.reload() and live.version == "better"


def test_worse_means_worse_beyond_the_noise_of_the_slice():
    rng = np.random.default_rng(0)
    n = 400
    ranks = rng.geometric(0.02, n) - 1  # NDCG@10 about 0.1, mostly 0 per case
    gains = np.where(ranks < 10, 1 / np.log2(ranks + 2.0), 0.0)
    # the same model with a few cases shuffled: equal within noise, a little lower
    noisy = gains.copy()
    swap = rng.choice(n, 40, replace=False)
    noisy[swap] = rng.permutation(noisy[swap])
    noisy[np.flatnonzero(noisy > 0)[:2]] = 0.0
    within = paired_difference(noisy, gains)
    assert within["cases"] == n and within["difference"] < 0 and within["standard_error"] > 0
    holdout = {"NDCG@10": noisy.mean(), "served_NDCG@10": gains.mean(), **within}
    assert worse_reason(holdout) is None, "a difference inside the noise does not refuse"
    # a clearly worse model: half its hits lost
    worse = gains * (rng.random(n) < 0.5)
    clear = paired_difference(worse, gains)
    assert clear["difference"] < -WORSE_Z * clear["standard_error"]
    why = worse_reason({"NDCG@10": worse.mean(), "served_NDCG@10": gains.mean(), **clear})
    assert why and "more than 2 standard errors" in why and f"{n} cases" in why
    # only the slice's size known: the unpaired bound; tiny slices refuse nothing, big ones a real drop
    assert worse_reason({"NDCG@10": 0.05, "served_NDCG@10": 0.07, "cases": 100}) is None
    assert worse_reason({"NDCG@10": 0.05, "served_NDCG@10": 0.07, "cases": 20000})
    assert worse_reason({"NDCG@10": 0.20, "served_NDCG@10": 0.20, "cases": 3, "standard_error": 0.0}) is None
    assert worse_reason({"NDCG@10": 0.10, "served_NDCG@10": 0.20}), "no size given: compared as it stands"
    assert worse_reason({"NDCG@10": 0.10, "served_NDCG@10": None}) is None


def test_a_one_checkpoint_folder_rewritten_in_place_is_picked_up(two_models, tmp_path):
    data, a, b = two_models
    root = tmp_path / "flat"
    save_checkpoint(root, a.model, a.config, data.item_ids, {})
    live = open_live_scorer(root, device="cpu", reload_seconds=0)
    before = live.score(HISTORY, CANDIDATES)
    time.sleep(0.01)
    save_checkpoint(root, b.model, b.config, data.item_ids, {"rewritten": True})
    assert live.reload() and live.current.meta == {"rewritten": True}
    assert not np.allclose(before, live.score(HISTORY, CANDIDATES))


def test_no_checkpoint_yet_means_none_until_one_is_published(two_models, tmp_path):
    data, a, _ = two_models
    root = tmp_path / "empty"
    live = open_live_scorer(root, device="cpu", reload_seconds=0.01)
    assert live.current is None and live.score(HISTORY, CANDIDATES) is None
    publish(root, _version(root, a, data, name="first"))
    deadline = time.time() + 5
    while live.current is None and time.time() < deadline:
        live.score(HISTORY, CANDIDATES)  # the check happens between requests, the load in the background
        time.sleep(0.02)
    assert live.version == "first" and live.score(HISTORY, CANDIDATES).shape == (4,)


def test_reload_interval_is_a_setting():
    from recommender.settings import Settings

    assert Settings.from_env({}).scorer_reload_seconds == 10.0
    assert Settings.from_env({"CONCIERGE_SCORER_RELOAD_SECONDS": "0"}).scorer_reload_seconds == 0.0
