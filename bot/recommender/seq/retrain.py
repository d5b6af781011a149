"""The shop's own learning loop: retrain the scorer from the store, compare it with the served one on recent
interactions, publish it beside the old one (``python -m recommender.seq retrain --from-store``).

1. **Data.** The catalog and every shopper's interactions come from the store (feedback in conversations is
   recorded there as interactions). The newest interactions are held out: everything after the served
   checkpoint's own training data (``data_until`` in its ``meta.json``), or the newest ``holdout`` share of all
   interactions when too few arrived since (then the served model has seen part of the slice, which favours
   it; the report says so). The new model trains on what comes before; settings are chosen from the data's
   shape and the hardware (``recipe.py``), within one time budget for the whole job (``budget.py``).
2. **Cold start.** Catalog items without training interactions (new since the last training) get embeddings
   from their text (``coldstart.py``), so they can be recommended before anyone has bought them.
3. **Held-out comparison.** The new checkpoint and the served one rank the whole catalog for every held-out
   positive interaction whose item the shopper had not touched before, from the shopper's history before it,
   through the serving code itself (``recommender.scoring``); NDCG@10 and HR@10 of both, and how cold items rank.
4. **Publish or refuse.** The checkpoint is written to ``<scorer dir>/versions/<UTC time>/`` beside the old ones,
   with the comparison in its ``meta.json``. It becomes the served one (``CURRENT`` replaced atomically; a running
   action server swaps it in, see ``recommender.scoring.live``) unless it fails to load or scores clearly worse
   than the served model on the held-out slice (its NDCG@10 more than ``WORSE_Z`` standard errors of the paired
   per-case difference below the served one's: ``recommender.scoring.live.worse_reason``); then it is refused with
   a log line saying why and the served one stays. A difference within the noise of the slice publishes.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Set, Tuple, Union

import numpy as np

from recommender.scoring.checkpoint import (checkpoint_id, new_version_dir, publish, read_meta, save_checkpoint,
                                            served_checkpoint)
from recommender.scoring.config import SeqConfig
from recommender.scoring.live import WORSE_Z, paired_difference, worse_reason
from recommender.scoring.scorer import open_checkpoint

from .budget import RunBudget
from .coldstart import apply_cold_start, item_text, warm_mask
from .data import _ts_key, from_interaction_rows, is_positive, popularity, validation_split
from .metrics import summarize, target_ranks
from .recipe import DataShape, Hardware, choose_settings

log = logging.getLogger(__name__)

#: fewest held-out cases for a comparison limited to interactions the served model has not seen
MIN_CASES = 100


@dataclass
class HeldOut:
    """The newest interactions, as next-item cases: (user, history before the event, target item)."""

    cutoff: float  # seconds since the epoch; training uses interactions at or before it
    train_rows: List[dict]
    cases: List[Tuple[str, List[Tuple[str, str]], str]]
    events: int  # held-out interactions (all events, not only the cases)
    notes: List[str] = field(default_factory=list)


def recent_slice(sequences: Mapping[str, Sequence[Any]], catalog: Set[str], holdout: float = 0.1,
                 served_until: Optional[float] = None, max_cases: int = 20000, seed: int = 0,
                 served: bool = True) -> HeldOut:
    """Splits the store's ``sequences`` (user -> chronological events with ``item_id, event, value, timestamp``)
    at a time: after the served model's ``served_until`` when at least ``MIN_CASES`` cases lie after it, else
    at the quantile that leaves the newest ``holdout`` share of interactions out."""
    flat = [(u, e, _ts_key(e.timestamp)) for u, seq in sequences.items() for e in seq]
    if not flat:
        raise ValueError("the store holds no interactions to train on")
    stamps = np.array([t for _, _, t in flat])
    quantile = float(np.quantile(stamps, 1.0 - holdout)) if 0 < holdout < 1 else float(stamps.max())
    notes: List[str] = []
    cutoff = quantile
    if served_until is not None:
        after = _count_cases(sequences, catalog, served_until)
        if after >= MIN_CASES:
            cutoff = max(quantile, float(served_until))
            if cutoff > quantile:
                notes.append("held out: the interactions the served model has not seen (after its data)")
        else:
            notes.append(f"only {after} held-out case(s) arrived after the served model's data; the newest "
                         f"{holdout:.0%} of interactions are held out, part of which the served model was trained "
                         "on (the comparison favours it)")
    elif served:
        notes.append("the served checkpoint does not say which interactions it was trained on; it may have seen "
                     "the held-out slice (the comparison favours it)")
    train_rows: List[dict] = []
    cases: List[Tuple[str, List[Tuple[str, str]], str]] = []
    events = 0
    for user, seq in sequences.items():
        history: List[Tuple[str, str]] = []
        seen: Set[str] = set()
        for e in seq:
            ts = _ts_key(e.timestamp)
            if ts <= cutoff:
                train_rows.append({"user_id": user, "item_id": e.item_id, "event": e.event, "value": e.value,
                                   "timestamp": ts})
            else:
                events += 1
                if is_positive(e.event, e.value) and e.item_id in catalog and e.item_id not in seen and history:
                    cases.append((user, list(history), e.item_id))
            history.append((e.item_id, e.event))
            seen.add(e.item_id)
    if len(cases) > max_cases:
        keep = np.sort(np.random.default_rng(seed).choice(len(cases), max_cases, replace=False))
        cases = [cases[i] for i in keep]
    return HeldOut(cutoff, train_rows, cases, events, notes)


def _count_cases(sequences, catalog, since: float) -> int:
    n = 0
    for seq in sequences.values():
        seen: Set[str] = set()
        for e in seq:
            if _ts_key(e.timestamp) > since and is_positive(e.event, e.value) and e.item_id in catalog \
                    and e.item_id not in seen and seen:
                n += 1
            seen.add(e.item_id)
    return n


def evaluate_slice(scorer, cases, catalog_ids: Sequence[str], cold: Set[str] = frozenset(), batch: int = 128,
                   seed: int = 0, sample_cold: int = 500) -> Dict[str, Any]:
    """Ranks the whole catalog for each held-out case through ``scorer.score_many`` (the serving path),
    excluding what the shopper already interacted with. A shopper the model knows nothing of (no known history
    item) gets a random rank. Also: the metrics of cases whose target is a ``cold`` item, and the median
    position (as a share of the catalog, 0 = top) of cold and of warm items in shoppers' rankings. ``gains``: each
    case's NDCG@10 in case order (for the paired comparison; not written to ``meta.json``)."""
    rng = np.random.default_rng(seed)
    ids = list(catalog_ids)
    index = {iid: i for i, iid in enumerate(ids)}
    cold_idx = np.array(sorted(index[i] for i in cold if i in index), dtype=np.int64)
    ranks: List[int] = []
    cold_ranks: List[int] = []
    cold_pos: List[float] = []
    warm_pos: List[float] = []
    unknown_users = 0
    for a in range(0, len(cases), batch):
        chunk = cases[a:a + batch]
        scores = scorer.score_many([(hist, ids) for _, hist, _ in chunk])
        for (_, hist, target), s in zip(chunk, scores):
            t = index[target]
            seen = {index[i] for i, _ in hist if i in index} - {t}
            if s is None:
                unknown_users += 1
                rank = int(rng.integers(0, len(ids) - len(seen)))
            else:
                s = np.asarray(s, dtype=np.float64).copy()
                if seen:
                    s[list(seen)] = -np.inf
                rank = int(target_ranks(s[None, :], np.array([s[t]]), rng, exclude_self=True)[0])
                if len(cold_idx) and len(cold_idx) < len(ids) and len(cold_pos) < sample_cold:
                    order = np.empty(len(s), dtype=np.float64)
                    order[np.argsort(-s, kind="stable")] = np.arange(len(s)) / max(len(s) - 1, 1)
                    is_cold = np.zeros(len(s), dtype=bool)
                    is_cold[cold_idx] = True
                    cold_pos.append(float(np.median(order[is_cold])))
                    warm_pos.append(float(np.median(order[~is_cold])))
            ranks.append(rank)
            if target in cold:
                cold_ranks.append(rank)
    m = summarize(ranks, (10,))
    out: Dict[str, Any] = {"NDCG@10": m["NDCG@10"], "HR@10": m["HR@10"], "MRR": m["MRR"], "cases": len(ranks),
                           "unknown_users": unknown_users, "gains": ndcg_gains(ranks)}
    c = summarize(cold_ranks, (10,))
    out["cold"] = {"cases": len(cold_ranks), "NDCG@10": c["NDCG@10"], "HR@10": c["HR@10"],
                   "median_rank": float(np.median(cold_ranks)) if cold_ranks else None,
                   "median_position_of_cold_items": float(np.median(cold_pos)) if cold_pos else None,
                   "median_position_of_warm_items": float(np.median(warm_pos)) if warm_pos else None}
    return out


def retrain_from_store(store, scorer_dir: Union[str, Path], max_minutes: float = 20.0, holdout: float = 0.1,
                       overrides: Optional[Mapping[str, Any]] = None, device: str = "auto", progress: bool = True,
                       force: bool = False, clock=time.time, hardware: Optional[Hardware] = None) -> Dict[str, Any]:
    """The whole job (see the module's docstring); returns its summary (also written into the new checkpoint's
    ``meta.json`` under ``holdout`` and ``retrain``)."""
    from .evaluate import EvalCases
    from .train import default_plan, train

    budget = RunBudget(max_minutes, clock)
    root = Path(scorer_dir)
    items = store.load_items()
    if not items:
        raise ValueError("the catalog is empty")
    catalog_ids = [i.id for i in items]
    texts = {i.id: item_text(i) for i in items}
    served_path = served_checkpoint(root)
    served_meta = read_meta(served_path) if served_path is not None else {}
    held = recent_slice(store.sequences(), set(catalog_ids), holdout, served_meta.get("data_until"),
                        served=served_path is not None)
    for note in held.notes:
        print(f"retrain: {note}", file=sys.stderr, flush=True)
    data = from_interaction_rows(held.train_rows, item_ids=catalog_ids, name="store")
    data.source_format = "store"
    print(data.summary() + f"; {held.events} newer interactions held out ({len(held.cases)} next-item cases)",
          file=sys.stderr, flush=True)
    split = validation_split(data)
    shape = DataShape.from_data(data)
    hw = hardware or Hardware.detect(device)
    recipe = choose_settings(shape, hw, budget.remaining(), primary="full")
    print("settings chosen from the data and the hardware:\n" + recipe.text(), file=sys.stderr, flush=True)
    cfg = SeqConfig().updated(**recipe.settings).updated(device=device, **dict(overrides or {}))
    val_cases = EvalCases(split, "valid", seed=cfg.seed, max_users=cfg.val_users)
    plan = default_plan(split, cfg, val_cases, test_rankers=2.0, test_users=len(held.cases))
    res = train(split, cfg, progress=progress, val_cases=val_cases, budget=budget, plan=plan)
    cold_stats = apply_cold_start(res.model, data.item_ids, warm_mask(split, with_validation=cfg.refit_epochs > 0),
                                  texts)
    cold = {data.item_ids[i - 1] for i in np.flatnonzero(~warm_mask(split, cfg.refit_epochs > 0)[1:]) + 1}
    print(f"cold start: {cold_stats['cold_items']} catalog items without training interactions, "
          f"{cold_stats['cold_items_matched_by_text']} placed by their text", file=sys.stderr, flush=True)

    version = new_version_dir(root, clock)
    tmp = version.parent / f".tmp-{version.name}"
    meta: Dict[str, Any] = {"dataset": "store", "data_until": held.cutoff, "trained_at": clock(),
                            "best_epoch": res.best_epoch, f"val_{cfg.val_protocol}_NDCG@10": res.best_val,
                            "train_seconds": res.train_seconds, "wall_seconds": res.wall_seconds,
                            "device": res.device, "history": res.history, "cold_start": cold_stats,
                            "popularity": popularity(split)[1:].tolist(), "settings_reasons": recipe.reasons}
    save_checkpoint(tmp, res.model, res.config, data.item_ids, meta, knn=res.knn)
    os.replace(tmp, version)

    summary: Dict[str, Any] = {"version": version.name, "checkpoint": str(version), "items": len(catalog_ids),
                               "train_interactions": data.n_interactions, "held_out_interactions": held.events,
                               "held_out_cases": len(held.cases), "notes": held.notes, "cold_start": cold_stats}
    reason = None
    try:
        new_scorer = open_checkpoint(version, device=device)
    except Exception as exc:  # the written checkpoint must load, as the server would load it
        reason = f"it could not be loaded ({exc})"
        new_eval = None
    else:
        new_eval = evaluate_slice(new_scorer, held.cases, catalog_ids, cold)
    served_eval, served_name = None, None
    if served_path is not None:
        served_name = checkpoint_id(served_path)
        try:
            served_eval = evaluate_slice(open_checkpoint(served_path, device=device), held.cases, catalog_ids, cold)
        except Exception as exc:
            summary["notes"].append(f"the served checkpoint {served_path} could not be loaded ({exc}); "
                                    "nothing to compare with")
    paired = None
    if new_eval is not None and served_eval is not None:
        paired = paired_difference(new_eval["gains"], served_eval["gains"])
    for ev in (new_eval, served_eval):
        if ev is not None:
            ev.pop("gains", None)
    holdout_meta = {"NDCG@10": None if new_eval is None else new_eval["NDCG@10"],
                    "HR@10": None if new_eval is None else new_eval["HR@10"],
                    "served_NDCG@10": None if served_eval is None else served_eval["NDCG@10"],
                    "served_HR@10": None if served_eval is None else served_eval["HR@10"],
                    "served": served_name if served_eval is not None else None, "events": held.events,
                    "cases": len(held.cases), "cutoff": held.cutoff, "new": new_eval, "served_model": served_eval}
    if paired is not None:
        holdout_meta.update(difference=paired["difference"], standard_error=paired["standard_error"],
                            worse_z=WORSE_Z)
        if reason is None:
            reason = worse_reason(holdout_meta)
    print(_comparison_line(new_eval, served_eval, len(held.cases), paired), file=sys.stderr, flush=True)
    verdict = "refused" if reason else "published"
    if reason and force and new_eval is not None:
        verdict, summary["forced"] = "published", reason
        holdout_meta["served_NDCG@10"] = None  # published by hand: the live server must not refuse it either
    meta.update(holdout=holdout_meta, retrain={"verdict": verdict, "reason": reason,
                                               "budget_minutes": max_minutes, "run_seconds": budget.elapsed()})
    (version / "meta.json").write_text(json.dumps(meta, indent=2, default=_json_default), encoding="utf-8")
    if verdict == "published":
        publish(root, version)
        print(f"retrain: published {version.name}" + (f" (was {served_path})" if served_path else ""),
              file=sys.stderr, flush=True)
    else:
        log.warning("retrain: refused %s: %s; still serving %s", version.name, reason, served_path)
    summary.update(verdict=verdict, reason=reason, new=new_eval, served=served_eval, served_checkpoint=served_name,
                   comparison=paired,
                   run_seconds=round(budget.elapsed(), 1), budget_minutes=max_minutes,
                   estimate_minutes=round(res.estimate.total_seconds / 60, 2) if res.estimate else None)
    return summary


def ndcg_gains(ranks: Sequence[int], k: int = 10) -> List[float]:
    """Each case's NDCG@k (one relevant item): 1 / log2(rank + 2) within the top k, else 0."""
    r = np.asarray(ranks, dtype=np.float64)
    return np.where(r < k, 1.0 / np.log2(r + 2.0), 0.0).tolist()


def _comparison_line(new: Optional[Dict[str, Any]], served: Optional[Dict[str, Any]], cases: int,
                     paired: Optional[Dict[str, float]] = None) -> str:
    """One line for the log: both models on the held-out slice, and how cold items rank."""
    if new is None:
        return "held-out slice: the new checkpoint could not be evaluated"
    line = f"held-out slice ({cases} cases): new NDCG@10 {new['NDCG@10']:.4f} / HR@10 {new['HR@10']:.4f}"
    line += (f"; served {served['NDCG@10']:.4f} / {served['HR@10']:.4f}" if served else "; nothing served yet")
    if paired is not None:
        line += (f"; difference {paired['difference']:+.4f} ± {paired['standard_error']:.4f} (standard error; "
                 f"refused below -{WORSE_Z:g} of them)")
    cold = new["cold"]
    if cold["median_position_of_cold_items"] is not None:
        line += (f"; cold items rank at median position {cold['median_position_of_cold_items']:.0%} of the catalog "
                 f"(trained items {cold['median_position_of_warm_items']:.0%}; 0% = top)")
    if cold["cases"]:
        line += f"; {cold['cases']} case(s) with a cold target: HR@10 {cold['HR@10']:.3f}"
    return line


def _json_default(o):
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.floating, np.integer)):
        return o.item()
    return str(o)

