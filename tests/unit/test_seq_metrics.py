"""Ranking metrics, hand-computed."""
import math

import numpy as np
import pytest

from recommender.seq.metrics import coverage, hit_rate, ndcg, summarize, target_ranks


def test_hit_rate_and_ndcg_by_hand():
    ranks = [0, 1, 4, 10]
    assert hit_rate(ranks, 1) == 0.25
    assert hit_rate(ranks, 5) == 0.75
    assert hit_rate(ranks, 10) == 0.75
    assert hit_rate(ranks, 20) == 1.0
    expected = (1.0 + 1 / math.log2(3) + 1 / math.log2(6)) / 4
    assert ndcg(ranks, 10) == pytest.approx(expected)
    assert ndcg(ranks, 1) == pytest.approx(0.25)
    assert ndcg(ranks, 20) == pytest.approx(expected + 1 / math.log2(12) / 4)


def test_target_ranks_full_and_sampled():
    scores = np.array([[0.9, 0.5, 0.1, -np.inf], [0.2, 0.3, 0.4, 0.5]])
    # target scores as they appear in the rows (exclude_self)
    r = target_ranks(scores, np.array([0.5, 0.5]), exclude_self=True)
    assert r.tolist() == [1, 0]
    # sampled protocol: negatives only, the target is not in the row
    r = target_ranks(np.array([[0.1, 0.2, 0.3]]), np.array([0.25]), exclude_self=False)
    assert r.tolist() == [1]


def test_ties_count_half_or_random():
    scores = np.zeros((1, 5))
    assert target_ranks(scores, np.zeros(1), rng=None, exclude_self=True).tolist() == [2]
    rng = np.random.default_rng(0)
    many = target_ranks(np.zeros((2000, 5)), np.zeros(2000), rng=rng, exclude_self=True)
    assert set(many.tolist()) <= {0, 1, 2, 3, 4}
    assert abs(many.mean() - 2.0) < 0.15


def test_summarize_and_coverage():
    m = summarize([0, 2], ks=(1, 5))
    assert m["HR@1"] == 0.5 and m["HR@5"] == 1.0
    assert m["NDCG@5"] == pytest.approx((1 + 0.5) / 2)
    assert m["users"] == 2
    assert coverage([[1, 2], [2, 3]], 10) == 0.3
