"""Ensembles: members trained side by side in worker processes, scored as one model, saved and served."""
import numpy as np
import pytest

import torch

from recommender.scoring.checkpoint import load_checkpoint, save_checkpoint
from recommender.seq.data import leave_one_out
from recommender.scoring.model import Ensemble
from recommender.scoring.scorer import load_scorer
from recommender.seq.train import TorchRanker, train

from tests.unit.test_seq_model import TINY, cyclic_data


@pytest.fixture(scope="module")
def ensemble():
    split = leave_one_out(cyclic_data(n_users=60))
    res = train(split, TINY.updated(epochs=2, ensemble=2, num_threads=2), progress=False)
    return split, res


def test_members_are_the_single_models_of_their_seeds(ensemble):
    split, res = ensemble
    assert isinstance(res.model, Ensemble) and len(res.model.members) == 2
    for i, member in enumerate(res.model.members):
        single = train(split, TINY.updated(epochs=2, seed=TINY.seed + i, num_threads=1), progress=False).model
        for k, v in single.state_dict().items():
            assert torch.equal(v, member.state_dict()[k]), (i, k)
    a, b = (m.state_dict()["emb.item.weight"] for m in res.model.members)
    assert not torch.equal(a, b), "members differ by seed"


def test_ensemble_scores_are_the_mean_of_the_members_logits(ensemble):
    split, res = ensemble
    cpu = torch.device("cpu")
    inputs, events = [np.array([3, 4, 5]), np.array([7])], [np.array([1, 1, 1]), np.array([2])]
    got = TorchRanker(res.model, res.config, cpu).score_batch(inputs, events)
    cfg1 = res.config.updated(ensemble=1)
    members = [TorchRanker(m, cfg1, cpu).score_batch(inputs, events) for m in res.model.members]
    assert np.allclose(got, (members[0] + members[1]) / 2, atol=1e-5)


def test_ensemble_checkpoint_round_trip(ensemble, tmp_path):
    split, res = ensemble
    save_checkpoint(tmp_path / "ck", res.model, res.config, split.data.item_ids, {})
    model, cfg, _, _ = load_checkpoint(tmp_path / "ck")
    assert isinstance(model, Ensemble) and cfg.ensemble == 2
    scorer = load_scorer(tmp_path / "ck", device="cpu")
    s = scorer.score([("i3", "view"), ("i4", "purchase")], ["i5", "i0", "i9"])
    ref = TorchRanker(res.model, res.config, torch.device("cpu")).score_batch(
        [np.array([4, 5])], [np.array([1, 6])])[0]
    assert np.allclose(s, ref[[6, 1, 10]], atol=1e-4)
