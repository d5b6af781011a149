"""Train the demo shop's scorer from its interaction log (``python -m recommender.seq train-demo``)."""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any, Dict, Optional, Union

from recommender.scoring.checkpoint import checkpoint_exists, save_checkpoint
from recommender.scoring.config import SeqConfig

from .data import _ts_key, from_interaction_rows, leave_one_out, load_interactions_csv, popularity

log = logging.getLogger(__name__)


def demo_data(csv_path: Optional[Union[str, Path]] = None, n_users: int = 2000, seed: int = 7,
              with_end: bool = False):
    """The demo interaction log over the whole demo catalogue (items never interacted with stay known); with
    ``with_end`` also the newest interaction's time (seconds), which the checkpoint records as ``data_until``."""
    import csv

    from recommender.demo import load_demo_catalog

    catalog = load_demo_catalog()
    ids = [item.id for item in catalog]
    if csv_path:
        data = load_interactions_csv(csv_path, item_ids=ids)
        with open(csv_path, encoding="utf-8", newline="") as fh:
            end = max((_ts_key(r.get("timestamp")) for r in csv.DictReader(fh)), default=0.0)
    else:
        from recommender.demo.interactions import generate_interactions

        rows = generate_interactions(catalog, n_users=n_users, seed=seed)
        data = from_interaction_rows(rows, item_ids=ids, name="demo")
        end = max((_ts_key(r.get("timestamp")) for r in rows), default=0.0)
    return (data, end) if with_end else data


def train_demo(out: Union[str, Path], csv_path: Optional[Union[str, Path]] = None, if_missing: bool = False,
               max_minutes: float = 2.0, progress: bool = True, cfg: Optional[SeqConfig] = None,
               evaluate: bool = True) -> Dict[str, Any]:
    """Trains (unless ``if_missing`` and a checkpoint exists) with the settings chosen for the demo log's shape,
    within ``max_minutes`` for the whole job, writes the checkpoint, returns the figures."""
    from .budget import RunBudget
    from .evaluate import EvalCases
    from .recipe import DataShape, Hardware, choose_settings
    from .train import default_plan, resolve_device, train

    out = Path(out)
    if if_missing and checkpoint_exists(out):
        log.info("sequence scorer: checkpoint already at %s; not retraining", out)
        return {"checkpoint": str(out), "trained": False}
    budget = RunBudget(max_minutes)
    t0 = time.perf_counter()
    data, data_until = demo_data(csv_path, with_end=True)
    print(data.summary(), file=sys.stderr)
    split = leave_one_out(data)
    if cfg is None:
        recipe = choose_settings(DataShape.from_data(data), Hardware.detect(), budget.remaining(), primary="full")
        print("settings chosen from the data and the hardware:\n" + recipe.text(), file=sys.stderr, flush=True)
        cfg = SeqConfig().updated(**recipe.settings)
    val_cases = EvalCases(split, "valid", seed=cfg.seed, max_users=cfg.val_users)
    plan = default_plan(split, cfg, val_cases, test_rankers=(1.5 if evaluate else 0.0),
                        test_users=len(split.eval_users("test")) if evaluate else 0)
    res = train(split, cfg, progress=progress, val_cases=val_cases, budget=budget, plan=plan)
    summary: Dict[str, Any] = {"checkpoint": str(out), "trained": True, "model": res.config.model,
                               "best_epoch": res.best_epoch, "train_seconds": round(res.train_seconds, 1),
                               "wall_seconds": round(res.wall_seconds, 1), "users": data.n_users,
                               "items": data.n_items, "interactions": data.n_interactions}
    if evaluate:
        from .baselines import MostPopular
        from .evaluate import evaluate_ranker

        cases = EvalCases(split, "test", seed=0)
        device = resolve_device(res.config.device)
        for r in res.rankers(device) + [MostPopular(split)]:
            m = evaluate_ranker(r, cases, protocols=("full",), ks=(10,))
            summary[f"{r.name} full NDCG@10"] = round(m["full"]["NDCG@10"], 4)
            summary[f"{r.name} full HR@10"] = round(m["full"]["HR@10"], 4)
    meta = {"dataset": "demo", "popularity": popularity(split)[1:].tolist(), **summary,
            "history": res.history, "data_until": data_until}
    save_checkpoint(out, res.model, res.config, data.item_ids, meta, knn=res.knn)
    summary["total_seconds"] = round(time.perf_counter() - t0, 1)
    summary["budget_minutes"] = max_minutes
    log.info("sequence scorer: demo checkpoint written to %s in %.0fs", out, summary["total_seconds"])
    return summary
