"""Transformer + item-kNN blend: weight chosen on validation, stored in the checkpoint, served."""
import numpy as np
import pytest

import torch
import scipy.sparse as sp

from recommender.seq.baselines import ItemKNN
from recommender.scoring.checkpoint import save_checkpoint
from recommender.seq.data import EVENT_INDEX, from_interaction_rows, leave_one_out
from recommender.seq.evaluate import EvalCases, evaluate_ranker
from recommender.scoring.knn import KNN_FILE, load_knn
from recommender.seq.hybrid import HybridRanker, choose_weight
from recommender.scoring.scorer import load_scorer
from recommender.seq.train import TorchRanker, train

from tests.unit.test_seq_model import N_ITEMS, TINY, cyclic_data


@pytest.fixture(scope="module")
def weak():
    """A barely trained model (1 epoch): something a good kNN matrix can still improve."""
    data = cyclic_data(n_users=80)
    split = leave_one_out(data)
    res = train(split, TINY.updated(epochs=1), progress=False)
    return data, split, res


def _oracle_knn(split, cases):
    """A similarity matrix that links each validation input's last item to its target (and nothing else)."""
    n = split.data.n_items + 1
    rows = [int(x[-1]) for x in cases.inputs]
    S = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cases.targets)), shape=(n, n))
    S.data[:] = 1.0  # duplicates summed; keep one unit per pair
    return ItemKNN.from_matrix(S)


def test_weight_is_chosen_on_validation(weak):
    data, split, res = weak
    cases = EvalCases(split, "valid", n_negatives=10, seed=0)
    ranker = TorchRanker(res.model, res.config, torch.device("cpu"))
    w, rows = choose_weight(ranker, _oracle_knn(split, cases), cases, "full")
    assert w > 0 and [r["knn_weight"] for r in rows][0] == 0.0
    best = max(rows, key=lambda r: r["val_full_NDCG@10"])
    assert best["knn_weight"] == w and best["val_full_NDCG@10"] > rows[0]["val_full_NDCG@10"]

    empty = ItemKNN.from_matrix(sp.csr_matrix((N_ITEMS + 1, N_ITEMS + 1), dtype=np.float32))
    w0, _ = choose_weight(ranker, empty, cases, "full")
    assert w0 == 0.0, "a kNN that adds nothing is not blended in"


def test_one_pass_weight_search_gives_what_each_weight_gives_on_its_own(weak):
    """The search scores the transformer and the kNN once for every weight; each weight's figures are those of
    a blended ranker evaluated by itself (the same ranks, the same random tie-breaks)."""
    data, split, res = weak
    cases = EvalCases(split, "valid", n_negatives=10, seed=0)
    ranker = TorchRanker(res.model, res.config, torch.device("cpu"))
    knn = ItemKNN(split, k=5)
    _, rows = choose_weight(ranker, knn, cases, "full", grid=(0.0, 2.0, 8.0), seed=3)
    for row in rows:
        alone = evaluate_ranker(HybridRanker(ranker, knn, row["knn_weight"]), cases, ks=(10,), seed=3)
        assert row["val_full_NDCG@10"] == pytest.approx(alone["full"]["NDCG@10"])
        assert row["val_sampled_NDCG@10"] == pytest.approx(alone["sampled"]["NDCG@10"])


def test_knn_with_validation_counts_the_validation_item_never_the_test_item():
    rows = []
    for u in range(6):  # every user: a, b, then validation item c, then test item d
        for t, item in enumerate(["i0", "i1", "i2", "i3"]):
            rows.append({"user_id": f"u{u}", "item_id": item, "event": "purchase", "timestamp": t})
    data = from_interaction_rows(rows, item_ids=[f"i{i}" for i in range(5)], name="abcd")
    split = leave_one_out(data)
    a, c, d = 1, 3, 4
    plain = ItemKNN(split, k=10, shrink=0).S
    extended = ItemKNN(split, k=10, shrink=0, with_validation=True).S
    assert plain[a, c] == 0 and extended[a, c] > 0
    assert plain[a, d] == 0 and extended[a, d] == 0


def test_training_with_blend_picks_a_weight_that_helps_on_test(weak):
    data, split, _ = weak
    res = train(split, TINY.updated(epochs=1, knn_blend=True, knn_neighbours=5, val_protocol="full"),
                progress=False)
    grid = [r for r in res.history if "knn_weight" in r]
    assert len(grid) >= 3, "the weight grid is part of the training history"
    assert res.config.knn_weight > 0 and res.knn is not None
    blended = res.ranker()
    assert isinstance(blended, HybridRanker) and blended.name == "sasrec+item-knn"
    cases = EvalCases(split, "test", n_negatives=10, seed=0)
    alone = evaluate_ranker(TorchRanker(res.model, res.config, torch.device("cpu")), cases, protocols=("full",))
    both = evaluate_ranker(blended, cases, protocols=("full",))
    assert both["full"]["NDCG@10"] > alone["full"]["NDCG@10"] + 0.1


def test_checkpoint_round_trip_serves_the_blend(weak, tmp_path):
    data, split, res = weak
    cfg = res.config.updated(knn_weight=3.0, knn_decay=0.9)
    knn = ItemKNN(split, k=5, decay=cfg.knn_decay)
    save_checkpoint(tmp_path / "ck", res.model, cfg, data.item_ids, {}, knn=knn)
    assert (load_knn(tmp_path / "ck").S != knn.S).nnz == 0
    assert knn.S[[4, 5]].sum() > 0, "the history items have neighbours, so the check below means something"

    scorer = load_scorer(tmp_path / "ck", device="cpu")
    history = [("i3", "view"), ("i4", "purchase"), ("i9", "dislike")]
    cands = ["i5", "i0", "i12", "i10"]
    got = scorer.score(history, cands)
    ev = [EVENT_INDEX["view"], EVENT_INDEX["purchase"], EVENT_INDEX["dislike"]]
    expected = HybridRanker(TorchRanker(res.model, cfg, torch.device("cpu")), knn, 3.0).score_batch(
        [np.array([4, 5, 10])], [np.array(ev)])[0]
    assert np.allclose(got, expected[[6, 1, 13, 11]], atol=1e-4)
    alone = TorchRanker(res.model, cfg, torch.device("cpu")).score_batch([np.array([4, 5, 10])], [np.array(ev)])[0]
    liked_only = 0.9 ** 2 * knn.S[4].toarray()[0] + 0.9 * knn.S[5].toarray()[0]  # newer items weigh more
    assert np.allclose(got - alone[[6, 1, 13, 11]], 3.0 * liked_only[[6, 1, 13, 11]], atol=1e-4), \
        "the disliked item adds no similarity"

    # a later model without the blend in the same folder never keeps the old matrix
    save_checkpoint(tmp_path / "ck", res.model, res.config, data.item_ids, {})
    assert not (tmp_path / "ck" / KNN_FILE).exists()
    assert load_scorer(tmp_path / "ck", device="cpu").knn is None
