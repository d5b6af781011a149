"""Choose the refit settings of the scorer without touching the test split.

The refit (more epochs on the training prefixes extended by each user's validation item) cannot be judged
on validation: it trains on the validation items. So this probe drops every evaluated user's test item,
which makes the validation item the "test" item of a shifted split, trains once with the given preset (no
refit), and then tries each refit variant from the same selected weights and optimiser state, reporting
the shifted "test" figures with and without the item-kNN blend. The real test items are never loaded into
the model or the kNN.

Usage (Amazon Games, about 25 minutes on 2 cores):
    PYTHONPATH=bot .venvs/actions/bin/python -m tools.seq_refit_probe ../shared/data/amazon-games/Video.txt \
        --preset games --max-minutes 12 --variants 2x3e-4,3x3e-4,4x3e-4,2x6e-4,3x6e-4,2x1e-3,4x6e-4,3x1e-3
Prints one JSON object per variant.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
from typing import List, Tuple

import numpy as np
import torch

import recommender.seq.train as seq_train
from recommender.seq.baselines import ItemKNN
from recommender.seq.config import PRESETS, SeqConfig
from recommender.seq.data import SequenceData, leave_one_out, load_any
from recommender.seq.evaluate import EvalCases, evaluate_ranker
from recommender.seq.hybrid import HybridRanker


def without_test_items(data: SequenceData) -> SequenceData:
    """The data set with every evaluated user's test interaction (and anything after it) removed."""
    split = leave_one_out(data)
    ends = [int(split.test_pos[u]) if split.test_pos[u] >= 0 else len(data.items[u]) for u in range(data.n_users)]
    shifted = copy.copy(data)
    shifted.items = [data.items[u][:e] for u, e in enumerate(ends)]
    shifted.events = [data.events[u][:e] for u, e in enumerate(ends)]
    shifted.positive = [data.positive[u][:e] for u, e in enumerate(ends)]
    return shifted


def parse_variants(text: str) -> List[Tuple[int, float, str]]:
    """``"3x1e-3,4x2e-3cos"`` -> [(3, 0.001, "constant"), (4, 0.002, "cosine")]."""
    out = []
    for part in text.split(","):
        epochs, lr = part.split("x")
        schedule = "cosine" if lr.endswith("cos") else "constant"
        out.append((int(epochs), float(lr.removesuffix("cos")), schedule))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data")
    ap.add_argument("--preset", default="games")
    ap.add_argument("--max-minutes", type=float, default=12.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--variants", default="2x3e-4,3x3e-4,4x3e-4,2x6e-4,3x6e-4,2x1e-3")
    ap.add_argument("--knn-weight", type=float, default=32.0, help="blend weight for the '+ knn' rows")
    args = ap.parse_args(argv)

    split = leave_one_out(without_test_items(load_any(args.data)))
    cases = EvalCases(split, "test", seed=0)
    print(f"shifted split: {len(cases.users)} users evaluated on their validation item", file=sys.stderr)
    variants = parse_variants(args.variants)
    plain_refit = seq_train._refit

    def report(model, cfg, label, knn=None):
        ranker = seq_train.TorchRanker(model, cfg, torch.device("cpu"))
        if knn is not None:
            ranker = HybridRanker(ranker, knn, args.knn_weight)
            label += f" + knn x{args.knn_weight:g}"
        m = evaluate_ranker(ranker, cases, protocols=("full", "sampled"), ks=(10,), seed=0)
        print(json.dumps({"variant": label, "sampled_NDCG@10": round(m["sampled"]["NDCG@10"], 4),
                          "sampled_HR@10": round(m["sampled"]["HR@10"], 4),
                          "full_NDCG@10": round(m["full"]["NDCG@10"], 4)}), flush=True)

    def probe(model, opt, params, split_, cfg, rng, gen, device, mask_id, progress):
        knn_train = ItemKNN(split_, cfg.knn_neighbours, cfg.knn_shrink, decay=cfg.knn_decay)
        knn_valid = ItemKNN(split_, cfg.knn_neighbours, cfg.knn_shrink, with_validation=True, decay=cfg.knn_decay)
        report(model, cfg, "no refit")
        report(model, cfg, "no refit", knn_train)
        weights, moments = copy.deepcopy(model.state_dict()), copy.deepcopy(opt.state_dict())
        for epochs, lr, schedule in variants:
            model.load_state_dict(weights)
            opt.load_state_dict(moments)
            plain_refit(model, opt, params, split_,
                        cfg.updated(refit_epochs=epochs, refit_lr=lr, refit_schedule=schedule),
                        np.random.default_rng(1), torch.Generator().manual_seed(1), device, mask_id, False)
            label = f"refit {epochs}x{lr:g}" + (" cosine" if schedule == "cosine" else "")
            report(model, cfg, label)
            report(model, cfg, label, knn_valid)
        model.load_state_dict(weights)
        return []

    seq_train._refit = probe
    cfg = SeqConfig().updated(**PRESETS[args.preset]).updated(
        ensemble=1, knn_blend=False, refit_epochs=1, max_minutes=args.max_minutes, num_threads=args.threads)
    try:
        seq_train.train(split, cfg, progress=False)
    finally:
        seq_train._refit = plain_refit
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
