"""Tiny-model training on generated data, checkpoint round trip and the serving scorer."""
import logging

import numpy as np
import pytest

import torch

from recommender.seq.baselines import ItemKNN, MostPopular
from recommender.scoring.checkpoint import load_checkpoint, save_checkpoint
from recommender.scoring.config import SeqConfig
from recommender.seq.data import from_interaction_rows, leave_one_out
from recommender.seq.evaluate import EvalCases, evaluate_ranker
from recommender.scoring.scorer import SequenceScorer, load_scorer
from recommender.seq.train import TorchRanker, train

N_ITEMS = 24


def cyclic_data(n_users=160, length=8, seed=0):
    """Next item = previous + 1 (mod N) with a skewed start; popularity alone cannot predict it."""
    rng = np.random.default_rng(seed)
    rows = []
    for u in range(n_users):
        cur = int(rng.integers(N_ITEMS))
        for t in range(length):
            ev = "dislike" if rng.random() < 0.05 else ("view" if t % 2 else "purchase")
            rows.append({"user_id": f"u{u}", "item_id": f"i{cur}", "event": ev, "timestamp": t})
            cur = (cur + 1) % N_ITEMS
    return from_interaction_rows(rows, item_ids=[f"i{i}" for i in range(N_ITEMS)], name="cyclic")


TINY = SeqConfig(hidden=32, layers=1, heads=1, max_len=10, dropout=0.1, emb_dropout=0.1, epochs=20,
                 batch_size=32, lr=5e-3, patience=25, seed=3, device="cpu", num_threads=1)


@pytest.fixture(scope="module")
def trained():
    data = cyclic_data()
    split = leave_one_out(data)
    res = train(split, TINY, progress=False)
    return data, split, res


def test_config_json_round_trip(tmp_path):
    cfg = TINY.updated(loss="sampled", negatives=7, events=["view", "like"])
    cfg.to_json(tmp_path / "c.json")
    assert SeqConfig.from_json(tmp_path / "c.json") == cfg
    assert SeqConfig.from_json(cfg.to_json()) == cfg
    with pytest.raises(KeyError):
        cfg.updated(nope=1)


def test_tiny_model_beats_most_popular(trained):
    data, split, res = trained
    cases = EvalCases(split, "test", n_negatives=10, seed=0)
    model = evaluate_ranker(TorchRanker(res.model, res.config, torch.device("cpu")), cases, protocols=("full",))
    pop = evaluate_ranker(MostPopular(split), cases, protocols=("full",))
    knn = evaluate_ranker(ItemKNN(split, k=10), cases, protocols=("full",))
    assert model["full"]["NDCG@10"] > pop["full"]["NDCG@10"] + 0.2
    assert model["full"]["HR@5"] > 0.6
    assert 0 <= knn["full"]["HR@10"] <= 1
    assert res.history and res.best_epoch >= 1


@pytest.mark.parametrize("loss", ["sampled", "bce"])
def test_other_losses_and_bert4rec_run(loss):
    split = leave_one_out(cyclic_data(n_users=40))
    res = train(split, TINY.updated(loss=loss, negatives=8, epochs=2), progress=False)
    assert np.isfinite(res.history[-1]["loss"])
    res = train(split, TINY.updated(model="bert4rec", epochs=2), progress=False)
    r = TorchRanker(res.model, res.config, torch.device("cpu")).score_batch([np.array([1, 2, 3])], [np.array([1, 1, 1])])
    assert r.shape == (1, N_ITEMS + 1) and np.isfinite(r).all()


def test_training_is_deterministic_on_cpu():
    split = leave_one_out(cyclic_data(n_users=40))
    a = train(split, TINY.updated(epochs=2), progress=False)
    b = train(split, TINY.updated(epochs=2), progress=False)
    assert a.history[-1]["loss"] == b.history[-1]["loss"]
    for (k, v), (_, w) in zip(a.model.state_dict().items(), b.model.state_dict().items()):
        assert torch.equal(v, w), k


def test_checkpoint_round_trip_and_scorer(trained, tmp_path, caplog):
    data, split, res = trained
    save_checkpoint(tmp_path / "ck", res.model, res.config, data.item_ids, {"best_epoch": res.best_epoch})
    model, cfg, ids, meta = load_checkpoint(tmp_path / "ck")
    assert ids == data.item_ids and cfg == res.config and meta["best_epoch"] == res.best_epoch
    for k, v in res.model.state_dict().items():
        assert torch.equal(v, model.state_dict()[k])

    scorer = load_scorer(tmp_path / "ck", device="cpu")
    assert isinstance(scorer, SequenceScorer) and scorer.item_ids == data.item_ids
    history = [("i3", "view"), ("i4", "purchase"), ("unknown", "view"), ("i5", "like")]
    cands = ["i6", "i0", "i12", "nope"]
    s = scorer.score(history, cands)
    assert s.shape == (4,) and s[3] == pytest.approx(np.median(s[:3])), "an unknown candidate scores neutral"
    assert int(np.argmax(s)) == 0  # i6 follows i5 in the cycle
    # the same numbers through the evaluation path
    full = TorchRanker(model, cfg, torch.device("cpu")).score_batch([np.array([4, 5, 6])], [np.array([1, 6, 3])])
    assert np.allclose(s[:3], full[0, [7, 1, 13]], atol=1e-4)
    # batched == single; cold users get None
    many = scorer.score_many([(history, cands), ([("nope", "view")], cands), ([("i1", "view")], ["i2"])])
    assert np.allclose(many[0], s) and many[1] is None and many[2].shape == (1,)
    with caplog.at_level(logging.INFO):
        assert scorer.score([], cands) is None
    assert "cold user" in caplog.text
    # micro-batching path (as used on CUDA) gives the same scores from many threads
    from concurrent.futures import ThreadPoolExecutor
    batched = SequenceScorer(model, cfg, ids, device="cpu", batching=True)
    with ThreadPoolExecutor(8) as pool:
        outs = list(pool.map(lambda _: batched.score(history, cands), range(16)))
    batched.close()
    assert all(np.allclose(o, s, atol=1e-5) for o in outs)


def test_missing_checkpoint_falls_back(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        assert load_scorer(tmp_path / "none") is None
    assert "falls back to the baseline ranker" in caplog.text
    (tmp_path / "bad").mkdir()
    for name in ("model.safetensors", "config.json", "items.json"):
        (tmp_path / "bad" / name).write_text("garbage")
    assert load_scorer(tmp_path / "bad") is None


def test_async_score(trained, tmp_path):
    import asyncio
    data, split, res = trained
    scorer = SequenceScorer(res.model, res.config, data.item_ids, device="cpu")
    out = asyncio.run(scorer.ascore([("i1", "view")], ["i2", "i3"]))
    assert out.shape == (2,)


def test_refit_trains_on_validation_items_but_never_the_test_item():
    from recommender.seq.data import train_sequences

    split = leave_one_out(cyclic_data(n_users=40))
    u = int(split.eval_users("test")[0])
    plain = {len(s[0]) for s in train_sequences(split)}
    extended = train_sequences(split, with_validation=True)
    assert max(len(s[0]) for s in extended) == max(plain) + 1
    assert all(len(s[0]) <= split.test_pos[u] for s in extended)  # every user here has the same length

    res = train(split, TINY.updated(epochs=2, refit_epochs=1), progress=False)
    assert res.selected_state is not None and res.history[-1]["refit_epoch"] == 1
    changed = any(not torch.equal(res.selected_state[k], v) for k, v in res.model.state_dict().items())
    assert changed, "the refit updates the weights chosen on validation"


def test_refit_learning_rate_is_constant_or_decays_to_two_percent():
    from recommender.seq.train import _refit_lr

    constant = TINY.updated(refit_lr=2e-3)
    assert [_refit_lr(constant, s, 10) for s in (0, 5, 10)] == [2e-3] * 3
    cosine = TINY.updated(refit_lr=2e-3, refit_schedule="cosine")
    lrs = [_refit_lr(cosine, s, 10) for s in range(11)]
    assert lrs[0] == pytest.approx(2e-3) and lrs[-1] == pytest.approx(4e-5)
    assert all(a > b for a, b in zip(lrs, lrs[1:])), "the cosine refit rate only falls"
    with pytest.raises(ValueError, match="refit schedule"):
        _refit_lr(TINY.updated(refit_schedule="linear"), 0, 10)


def test_fused_cross_entropy_matches_the_plain_loss():
    from recommender.seq.fused_ce import fused_softmax_ce

    gen = torch.Generator().manual_seed(0)
    h = torch.randn(70, 8, dtype=torch.float64, generator=gen, requires_grad=True)
    table = torch.randn(30, 8, dtype=torch.float64, generator=gen, requires_grad=True)
    targets = torch.randint(1, 30, (70,), generator=gen)
    for smoothing in (0.0, 0.1):
        plain = torch.nn.functional.cross_entropy(h @ table[1:].T, targets - 1, label_smoothing=smoothing)
        fused = fused_softmax_ce(h, table, targets, smoothing, chunk=16)
        assert torch.allclose(plain, fused)
        for a, b in zip(torch.autograd.grad(plain, [h, table]), torch.autograd.grad(fused, [h, table])):
            assert torch.allclose(a, b)
