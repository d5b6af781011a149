"""Compare refit settings of the scorer without touching the test split.

The refit (more epochs on the training prefixes extended by each user's validation item) cannot be judged
on validation: it trains on the validation items. So this probe drops every evaluated user's test item,
which makes the validation item the "test" item of a shifted split, trains one model once with the settings
``run`` would choose (no refit), and then refits copies of it with each variant, from the same selected weights
and optimiser state (``recommender.seq.train.refit``), reporting the shifted "test" figures with and without
the item-kNN blend. The real test items are never loaded into the model or the kNN.

Usage (Amazon Games, about 25 minutes on 2 cores):
    PYTHONPATH=bot .venvs/actions/bin/python -m research.seq_refit_probe ../shared/data/amazon-games/Video.txt \
        --max-minutes 12 --variants 2x3e-4,3x3e-4,4x3e-4,2x6e-4,3x6e-4,2x1e-3,4x6e-4,3x1e-3
Prints one JSON object per variant.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
from typing import List, Tuple

import torch

from recommender.scoring.config import SeqConfig
from recommender.seq.baselines import ItemKNN
from recommender.seq.data import SequenceData, leave_one_out, load_any
from recommender.seq.evaluate import EvalCases, evaluate_ranker
from recommender.seq.hybrid import HybridRanker
from recommender.seq.recipe import DataShape, Hardware, choose_settings
from recommender.seq.train import TorchRanker, refit, train


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
    ap.add_argument("--max-minutes", type=float, default=12.0, help="training budget of the one base model")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--variants", default="2x3e-4,3x3e-4,4x3e-4,2x6e-4,3x6e-4,2x1e-3")
    ap.add_argument("--knn-weight", type=float, default=32.0, help="blend weight for the '+ knn' rows")
    args = ap.parse_args(argv)

    data = without_test_items(load_any(args.data))
    split = leave_one_out(data)
    cases = EvalCases(split, "test", seed=0)
    print(f"shifted split: {len(cases.users)} users evaluated on their validation item", file=sys.stderr)
    recipe = choose_settings(DataShape.from_data(data), Hardware.detect(threads=args.threads))
    cfg = SeqConfig().updated(**recipe.settings).updated(
        ensemble=1, knn_blend=False, refit_epochs=0, max_minutes=args.max_minutes,
        num_threads=args.threads or None)
    res = train(split, cfg, progress=False)
    knn_train = ItemKNN(split, cfg.knn_neighbours, cfg.knn_shrink, decay=cfg.knn_decay)
    knn_valid = ItemKNN(split, cfg.knn_neighbours, cfg.knn_shrink, with_validation=True, decay=cfg.knn_decay)

    def report(label, knn=None):
        ranker = TorchRanker(res.model, res.config, torch.device("cpu"))
        if knn is not None:
            ranker = HybridRanker(ranker, knn, args.knn_weight)
            label += f" + knn x{args.knn_weight:g}"
        m = evaluate_ranker(ranker, cases, protocols=("full", "sampled"), ks=(10,), seed=0)
        print(json.dumps({"variant": label, "sampled_NDCG@10": round(m["sampled"]["NDCG@10"], 4),
                          "sampled_HR@10": round(m["sampled"]["HR@10"], 4),
                          "full_NDCG@10": round(m["full"]["NDCG@10"], 4)}), flush=True)

    report("no refit")
    report("no refit", knn_train)
    weights, moments = copy.deepcopy(res.model.state_dict()), copy.deepcopy(res.optimizer.state_dict())
    for epochs, lr, schedule in parse_variants(args.variants):
        res.model.load_state_dict(weights)
        res.optimizer.load_state_dict(moments)
        refit(res, split, res.config.updated(refit_epochs=epochs, refit_lr=lr, refit_schedule=schedule))
        label = f"refit {epochs}x{lr:g}" + (" cosine" if schedule == "cosine" else "")
        report(label)
        report(label, knn_valid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
