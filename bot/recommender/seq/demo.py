"""Train the demo shop's scorer from its interaction log (``python -m recommender.seq train-demo``)."""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any, Dict, Optional, Union

from .checkpoint import checkpoint_exists, save_checkpoint
from .config import PRESETS, SeqConfig
from .data import SequenceData, from_interaction_rows, leave_one_out, load_interactions_csv, popularity

log = logging.getLogger(__name__)


def demo_data(csv_path: Optional[Union[str, Path]] = None, n_users: int = 2000, seed: int = 7) -> SequenceData:
    """The demo interaction log over the whole demo catalogue (items never interacted with stay known)."""
    from recommender.demo import load_demo_catalog

    catalog = load_demo_catalog()
    ids = [item.id for item in catalog]
    if csv_path:
        return load_interactions_csv(csv_path, item_ids=ids)
    from recommender.demo.interactions import generate_interactions

    rows = generate_interactions(catalog, n_users=n_users, seed=seed)
    return from_interaction_rows(rows, item_ids=ids, name="demo")


def train_demo(out: Union[str, Path], csv_path: Optional[Union[str, Path]] = None, if_missing: bool = False,
               max_minutes: float = 2.0, progress: bool = True, cfg: Optional[SeqConfig] = None,
               evaluate: bool = True) -> Dict[str, Any]:
    """Trains (unless ``if_missing`` and a checkpoint exists), writes the checkpoint, returns the figures."""
    from .train import resolve_device, train

    out = Path(out)
    if if_missing and checkpoint_exists(out):
        log.info("sequence scorer: checkpoint already at %s; not retraining", out)
        return {"checkpoint": str(out), "trained": False}
    t0 = time.perf_counter()
    data = demo_data(csv_path)
    print(data.summary(), file=sys.stderr)
    split = leave_one_out(data)
    cfg = cfg or SeqConfig().updated(**PRESETS["demo"])
    cfg = cfg.updated(max_minutes=max_minutes)
    res = train(split, cfg, progress=progress)
    summary: Dict[str, Any] = {"checkpoint": str(out), "trained": True, "model": res.config.model,
                               "best_epoch": res.best_epoch, "train_seconds": round(res.train_seconds, 1),
                               "wall_seconds": round(res.wall_seconds, 1), "users": data.n_users,
                               "items": data.n_items, "interactions": data.n_interactions}
    if evaluate:
        from .baselines import MostPopular
        from .evaluate import EvalCases, evaluate_ranker

        cases = EvalCases(split, "test", seed=0)
        device = resolve_device(res.config.device)
        for r in res.rankers(device) + [MostPopular(split)]:
            m = evaluate_ranker(r, cases, protocols=("full",), ks=(10,))
            summary[f"{r.name} full NDCG@10"] = round(m["full"]["NDCG@10"], 4)
            summary[f"{r.name} full HR@10"] = round(m["full"]["HR@10"], 4)
    meta = {"dataset": "demo", "popularity": popularity(split)[1:].tolist(), **summary,
            "history": res.history}
    save_checkpoint(out, res.model, res.config, data.item_ids, meta, knn=res.knn)
    summary["total_seconds"] = round(time.perf_counter() - t0, 1)
    log.info("sequence scorer: demo checkpoint written to %s in %.0fs", out, summary["total_seconds"])
    return summary
