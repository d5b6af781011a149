"""``python -m recommender.seq settings|run|train|evaluate|retrain|train-demo|download|bench``.

Progress and logs go to stderr; the last line of stdout is always one JSON object with the figures.
Settings are chosen from the data's shape and the hardware (``recipe.py``); any setting flag overrides its
choice. ``--max-minutes`` is the budget of the whole command (training, refit, blend, evaluation).
"""
from __future__ import annotations

import argparse
import json
import logging
import math
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from recommender.scoring.config import SeqConfig

from .budget import RunBudget

REPO_ROOT = Path(__file__).resolve().parents[3]
#: the whole-run budget of ``run``, ``train`` and ``retrain`` when ``--max-minutes`` is not given
DEFAULT_MINUTES = 20.0

_SETTINGS = {  # flag -> (SeqConfig field, type)
    "--model": ("model", str), "--hidden": ("hidden", int), "--layers": ("layers", int),
    "--heads": ("heads", int), "--ffn-mult": ("ffn_mult", int), "--max-len": ("max_len", int),
    "--ensemble": ("ensemble", int),
    "--dropout": ("dropout", float), "--emb-dropout": ("emb_dropout", float),
    "--item-dropout": ("item_dropout", float), "--loss": ("loss", str), "--negatives": ("negatives", int),
    "--label-smoothing": ("label_smoothing", float), "--lr": ("lr", float),
    "--weight-decay": ("weight_decay", float), "--batch-size": ("batch_size", int), "--epochs": ("epochs", int),
    "--warmup-steps": ("warmup_steps", int), "--schedule": ("schedule", str), "--patience": ("patience", int),
    "--val-protocol": ("val_protocol", str),
    "--val-users": ("val_users", int), "--eval-every": ("eval_every", int), "--seed": ("seed", int),
    "--refit-epochs": ("refit_epochs", int),
    "--knn-neighbours": ("knn_neighbours", int), "--knn-shrink": ("knn_shrink", float),
    "--knn-decay": ("knn_decay", float), "--refit-lr": ("refit_lr", float),
    "--refit-schedule": ("refit_schedule", str), "--device": ("device", str), "--threads": ("num_threads", int),
    "--bert-mask-prob": ("bert_mask_prob", float),
}


def _add_settings(p: argparse.ArgumentParser, minutes: float = DEFAULT_MINUTES) -> None:
    p.add_argument("--config", default=None, help="a config.json to start from instead of the chosen settings")
    p.add_argument("--max-minutes", type=float, default=minutes,
                   help=f"time budget of the whole command in minutes (default {minutes:g}; 0 = none)")
    p.add_argument("--no-events", action="store_true", help="no event-type embedding")
    p.add_argument("--no-amp", action="store_true", help="no mixed precision on CUDA")
    p.add_argument("--knn-blend", dest="knn_blend", action="store_true", default=None,
                   help="blend item-kNN into the transformer's scores (weight chosen on validation)")
    p.add_argument("--no-knn-blend", dest="knn_blend", action="store_false", help="the transformer alone")
    for flag, (name, typ) in _SETTINGS.items():
        p.add_argument(flag, dest=name, type=typ, default=None)


def _flag_overrides(args) -> Dict[str, Any]:
    out = {name: getattr(args, name) for _, (name, _) in _SETTINGS.items() if getattr(args, name, None) is not None}
    if getattr(args, "no_events", False):
        out["use_events"] = False
    if getattr(args, "no_amp", False):
        out["amp"] = False
    if getattr(args, "knn_blend", None) is not None:
        out["knn_blend"] = args.knn_blend
    return out


def _config(args, data, budget: RunBudget, primary: str = "full") -> SeqConfig:
    """The chosen settings for ``data`` on this hardware (printed with their reasons), then the flags."""
    from .recipe import DataShape, Hardware, choose_settings

    flags = _flag_overrides(args)
    if args.config:
        cfg = SeqConfig.from_json(args.config)
        print(f"settings from {args.config}", file=sys.stderr)
    else:
        hw = Hardware.detect(flags.get("device", "auto"), threads=flags.get("num_threads", 0))
        recipe = choose_settings(DataShape.from_data(data), hw, budget.remaining(), primary=primary,
                                 hidden=flags.get("hidden", 64))
        print("settings chosen from the data and the hardware:\n" + recipe.text(), file=sys.stderr, flush=True)
        cfg = SeqConfig().updated(**recipe.settings)
    if flags:
        print("overridden by flags: " + ", ".join(f"{k}={v}" for k, v in flags.items()), file=sys.stderr)
    return cfg.updated(**flags)


def _emit(obj: Dict[str, Any]) -> None:
    sys.stdout.flush()
    print(json.dumps(obj, default=float), flush=True)


def _load(path: str, fmt: str):
    from .data import load_any

    data = load_any(path, fmt)
    print(data.summary(), file=sys.stderr)
    return data


def _test_rankers(cfg: SeqConfig, baselines: List[str]) -> float:
    """The final evaluation's size in transformer evaluations: the served ranker, its comparisons, baselines."""
    n = 1.3 if cfg.knn_blend else 1.0
    if cfg.knn_blend:
        n += 1.0  # the transformer alone
    if cfg.refit_epochs:
        n += 1.3  # the model chosen before the refit
    n += sum(1.0 if b in ("knn", "item-knn") else 0.2 for b in baselines)
    return n


def _train(data, cfg: SeqConfig, out: Optional[str], budget: RunBudget, progress: bool = True,
           test_rankers: float = 0.0, test_users: int = 0):
    from recommender.scoring.checkpoint import save_checkpoint

    from .data import leave_one_out, popularity
    from .evaluate import EvalCases
    from .train import default_plan, train

    split = leave_one_out(data)
    val_cases = EvalCases(split, "valid", seed=cfg.seed, max_users=cfg.val_users)
    n_test = len(split.eval_users("test"))
    plan = default_plan(split, cfg, val_cases, test_rankers=test_rankers,
                        test_users=min(test_users, n_test) if test_users else n_test)
    res = train(split, cfg, progress=progress, val_cases=val_cases, budget=budget, plan=plan)
    if out:
        meta = {"dataset": data.name, "best_epoch": res.best_epoch, f"val_{cfg.val_protocol}_NDCG@10": res.best_val,
                "train_seconds": res.train_seconds, "wall_seconds": res.wall_seconds, "device": res.device,
                "history": res.history, "popularity": popularity(split)[1:].tolist()}
        save_checkpoint(out, res.model, res.config, data.item_ids, meta, knn=res.knn)
        print(f"checkpoint written to {out}", file=sys.stderr)
    return split, res


def cmd_settings(args) -> int:
    """Prints the settings ``run`` would choose (and the loss threshold), without training."""
    from .recipe import DataShape, Hardware, choose_settings

    data = _load(args.data, args.format)
    hw = Hardware.detect(args.device or "auto", threads=args.threads or 0)
    recipe = choose_settings(DataShape.from_data(data), hw, args.max_minutes * 60 or math.inf)
    print(recipe.text(), file=sys.stderr)
    _emit({"dataset": data.name, "settings": recipe.settings, "loss": recipe.loss.loss,
           "full_softmax_up_to_items": recipe.loss.threshold_items, "reasons": recipe.reasons})
    return 0


def cmd_train(args) -> int:
    budget = RunBudget(args.max_minutes)
    data = _load(args.data, args.format)
    cfg = _config(args, data, budget)
    _, res = _train(data, cfg, args.out, budget, progress=not args.quiet)
    _emit({"model": res.config.model, "dataset": data.name, "best_epoch": res.best_epoch,
           f"val_{res.config.val_protocol}_NDCG@10": res.best_val, "train_seconds": round(res.train_seconds, 1),
           "wall_seconds": round(res.wall_seconds, 1), "run_seconds": round(budget.elapsed(), 1),
           "budget_minutes": args.max_minutes, "device": res.device, "checkpoint": args.out})
    return 0


def _evaluate_all(split, rankers, protocols, test_users: int, seed: int, budget: Optional[RunBudget] = None
                  ) -> Dict[str, Dict[str, Dict[str, float]]]:
    """Evaluates the rankers in order; with a budget, a comparison ranker that would not finish in time is
    skipped with a log line (the first, served, ranker is always evaluated)."""
    from .evaluate import EvalCases, evaluate_ranker

    cases = EvalCases(split, "test", seed=seed, max_users=test_users)
    results = {}
    first = None
    for r in rankers:
        if budget is not None and first is not None and not budget.allows(first):
            print(f"skipped {r.name}: the time budget ({budget.remaining():.0f} s left, ~{first:.0f} s needed)",
                  file=sys.stderr, flush=True)
            continue
        t0 = time.perf_counter()
        results[r.name] = evaluate_ranker(r, cases, protocols=protocols, seed=seed)
        spent = time.perf_counter() - t0
        first = spent if first is None else first
        print(f"evaluated {r.name} in {spent:.1f}s", file=sys.stderr)
    return results


def _baselines(split, names: List[str], budget: Optional[RunBudget] = None):
    from .baselines import ItemKNN, MostPopular
    from .budget import KNN_FIT_SECONDS_PER_INTERACTION

    out = []
    for n in names:
        if n in ("knn", "item-knn") and budget is not None and \
                not budget.allows(KNN_FIT_SECONDS_PER_INTERACTION * split.data.n_interactions):
            print("skipped the item-kNN baseline: the time budget", file=sys.stderr, flush=True)
            continue
        t0 = time.perf_counter()
        if n in ("pop", "most-popular"):
            out.append(MostPopular(split))
        elif n in ("knn", "item-knn"):
            out.append(ItemKNN(split))
        else:
            raise SystemExit(f"unknown baseline {n!r}")
        print(f"baseline {out[-1].name} fitted in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return out


def _summary(results, model_name: str, primary: str, protocols, extra: Dict[str, Any]) -> Dict[str, Any]:
    main = results[model_name]
    keys = [f"{m}@{k}" for m in ("HR", "NDCG") for k in (1, 5, 10, 20)]
    obj: Dict[str, Any] = {"protocol": primary}
    obj.update({k: round(main[primary][k], 4) for k in keys})
    if "full" in main:
        obj["coverage@10"] = round(main["full"]["coverage@10"], 4)
    obj.update(extra)
    obj["model"] = model_name
    obj["protocols"] = {p: {k: round(v, 4) for k, v in main[p].items()} for p in protocols if p in main}
    obj["baselines"] = {name: {p: {k: round(r[p][k], 4) for k in ("HR@10", "NDCG@10")} for p in protocols if p in r}
                        for name, r in results.items() if name != model_name}
    return obj


def _report_and_emit(results, data, args, res_cfg, extra, model_name):
    from .evaluate import write_report

    protocols = tuple(args.protocols.split(","))
    out_dir = Path(args.report_dir or (REPO_ROOT / "results" / f"seq-{data.name}"))
    meta = {"dataset": data.summary(), "split": "leave-one-out (last = test, second-to-last = validation)",
            "command": " ".join(["python -m recommender.seq"] + sys.argv[1:]),
            **{k: v for k, v in extra.items()}, "config": json.dumps(res_cfg.to_dict(), sort_keys=True)}
    paths = write_report(results, out_dir, f"Sequential scorer on {data.name}", meta)
    print(f"report: {paths['report']}  plot: {paths['plot']}", file=sys.stderr)
    print(Path(paths["report"]).read_text(), file=sys.stderr)
    obj = _summary(results, model_name, args.primary, protocols, extra)
    obj["report"] = str(paths["report"])
    _emit(obj)


def cmd_evaluate(args) -> int:
    from recommender.scoring.checkpoint import load_checkpoint
    from recommender.scoring.knn import load_knn

    from .data import leave_one_out
    from .hybrid import HybridRanker
    from .train import TorchRanker, resolve_device

    data = _load(args.data, args.format)
    device = resolve_device(args.device or "auto")
    model, cfg, item_ids, meta = load_checkpoint(args.checkpoint, device)
    if list(item_ids) != list(data.item_ids):
        raise SystemExit("the checkpoint's item mapping does not match this data set")
    split = leave_one_out(data)
    rankers = [TorchRanker(model, cfg, device, cfg.model)]
    knn = load_knn(args.checkpoint, cfg.knn_decay) if cfg.knn_weight else None
    if knn is not None:
        rankers.insert(0, HybridRanker(rankers[0], knn, cfg.knn_weight))
    rankers += _baselines(split, _names(args.baselines))
    results = _evaluate_all(split, rankers, tuple(args.protocols.split(",")), args.test_users, args.eval_seed)
    extra = {"train_seconds": round(float(meta.get("train_seconds", 0.0)), 1),
             "wall_seconds": round(float(meta.get("wall_seconds", 0.0)), 1),
             "best_epoch": meta.get("best_epoch"), "dataset": data.name, "checkpoint": args.checkpoint}
    _report_and_emit(results, data, args, cfg, extra, rankers[0].name)
    return 0


def _names(s: str) -> List[str]:
    return [x for x in (s or "").split(",") if x]


def cmd_run(args) -> int:
    from .train import resolve_device

    budget = RunBudget(args.max_minutes)
    data = _load(args.data, args.format)
    cfg = _config(args, data, budget, primary=args.primary)
    baselines = _names(args.baselines)
    split, res = _train(data, cfg, args.out, budget, progress=not args.quiet,
                        test_rankers=_test_rankers(cfg, baselines), test_users=args.test_users)
    device = resolve_device(res.config.device)
    rankers = res.rankers(device) + _baselines(split, baselines, budget)
    results = _evaluate_all(split, rankers, tuple(args.protocols.split(",")), args.test_users, args.eval_seed,
                            budget)
    run_seconds = budget.elapsed()
    print(f"run took {run_seconds / 60:.1f} min" + (f" of a {args.max_minutes:g}-minute budget"
                                                     if args.max_minutes else ""), file=sys.stderr)
    extra = {"train_seconds": round(res.train_seconds, 1), "wall_seconds": round(res.wall_seconds, 1),
             "run_seconds": round(run_seconds, 1), "budget_minutes": args.max_minutes,
             "estimate_minutes": round(res.estimate.total_seconds / 60, 2) if res.estimate else None,
             "best_epoch": res.best_epoch, "epochs_run": len([r for r in res.history if "epoch" in r]),
             "device": res.device, "dataset": data.name, "knn_weight": res.config.knn_weight,
             "loss": res.config.loss, "ensemble": res.config.ensemble}
    _report_and_emit(results, data, args, res.config, extra, rankers[0].name)
    return 0


def cmd_retrain(args) -> int:
    from recommender.settings import get_settings
    from recommender.store import Store

    from .retrain import retrain_from_store

    if not args.from_store:
        raise SystemExit("retrain reads the store: pass --from-store")
    settings = get_settings()
    url = args.database_url or settings.database_url
    scorer_dir = Path(args.scorer_dir or settings.scorer_path)
    with Store(url) as store:
        summary = retrain_from_store(store, scorer_dir, max_minutes=args.max_minutes, holdout=args.holdout,
                                     overrides=_flag_overrides(args), device=args.device or "auto",
                                     progress=not args.quiet, force=args.force)
    _emit(summary)
    return 0 if summary["verdict"] == "published" else 3


def cmd_download(args) -> int:
    from .download import fetch_movielens_100k

    path = fetch_movielens_100k(args.dest, local=args.local)
    _emit({"dataset": "ml-100k", "path": str(path)})
    return 0


def cmd_bench(args) -> int:
    from .bench import run_bench

    obj = run_bench([int(x) for x in args.items.split(",")], requests=args.requests,
                    concurrency=args.concurrency, candidates=args.candidates, hidden=args.hidden,
                    history_len=args.history_len, device=args.device or "cpu", threads=args.threads,
                    ensemble=args.ensemble, knn_neighbours=args.knn_neighbours)
    _emit(obj)
    return 0


def cmd_train_demo(args) -> int:
    from .demo import train_demo

    obj = train_demo(args.out, csv_path=args.csv, if_missing=args.if_missing, max_minutes=args.max_minutes,
                     progress=not args.quiet)
    _emit(obj)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from .data import FORMATS

    ap = argparse.ArgumentParser(prog="python -m recommender.seq", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)

    def data_args(p):
        p.add_argument("data", help="a line file (`user item` per line, or one line per user `user item item ...`), "
                                    "a MovieLens folder/u.data/ratings.dat, or an interaction CSV")
        p.add_argument("--format", default="auto", choices=("auto",) + FORMATS)
        p.add_argument("--quiet", action="store_true", help="no progress bars")

    def eval_args(p):
        p.add_argument("--baselines", default="pop,knn", help="comma list of pop, knn ('' for none)")
        p.add_argument("--protocols", default="full,sampled")
        p.add_argument("--primary", default="full", choices=["full", "sampled"],
                       help="protocol of the top-level keys of the JSON line and of model selection (full "
                            "ranking by default; both are always reported)")
        p.add_argument("--test-users", type=int, default=0, help="evaluate at most this many users (0 = all)")
        p.add_argument("--eval-seed", type=int, default=0, help="seed of the sampled negatives")
        p.add_argument("--report-dir", default=None, help="default results/seq-<dataset>/")

    p = sub.add_parser("settings", help="print the settings chosen for a data set on this hardware")
    data_args(p)
    p.add_argument("--max-minutes", type=float, default=DEFAULT_MINUTES)
    p.add_argument("--device", default=None)
    p.add_argument("--threads", type=int, default=0)
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("run", help="train with the chosen settings, then evaluate against the baselines")
    data_args(p)
    p.add_argument("--out", default=None, help="also write the checkpoint here")
    _add_settings(p)
    eval_args(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("train", help="train a scorer and write a checkpoint")
    data_args(p)
    p.add_argument("--out", default=str(REPO_ROOT / "var" / "scorer"))
    _add_settings(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("evaluate", help="evaluate a checkpoint and the baselines on the leave-one-out split")
    data_args(p)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--device", default=None)
    eval_args(p)
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("retrain", help="the shop's loop: retrain from the store, compare on recent interactions, "
                                       "publish beside the served checkpoint or refuse")
    p.add_argument("--from-store", action="store_true", help="read the catalog and interactions from the store")
    p.add_argument("--database-url", default=None, help="default: get_settings().database_url")
    p.add_argument("--scorer-dir", default=None, help="default: get_settings().scorer_path (var/scorer)")
    p.add_argument("--holdout", type=float, default=0.1,
                   help="share of the newest interactions held out when too few arrived since the served model")
    p.add_argument("--force", action="store_true", help="publish even when it scores worse than the served model")
    p.add_argument("--quiet", action="store_true")
    _add_settings(p)
    p.set_defaults(func=cmd_retrain)

    p = sub.add_parser("train-demo", help="train the demo shop's scorer from its interaction log")
    p.add_argument("--out", default=str(REPO_ROOT / "var" / "scorer"))
    p.add_argument("--csv", default=None, help="interaction CSV (default: generate the demo log)")
    p.add_argument("--if-missing", action="store_true", help="do nothing when a checkpoint exists")
    p.add_argument("--max-minutes", type=float, default=2.0, help="budget of the whole job (default 2)")
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_train_demo)

    p = sub.add_parser("download", help="fetch MovieLens-100K (or verify a local copy when offline)")
    p.add_argument("--dest", default=str(REPO_ROOT / "var" / "data"))
    p.add_argument("--local", default=None, help="a local ml-100k folder to use when offline")
    p.set_defaults(func=cmd_download)

    p = sub.add_parser("bench", help="scoring latency for synthetic catalogues")
    p.add_argument("--items", default="10000,100000,1000000")
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--candidates", type=int, default=0, help="candidates per request (0 = whole catalogue)")
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--history-len", type=int, default=30)
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = half the cores)")
    p.add_argument("--device", default=None)
    p.add_argument("--ensemble", type=int, default=1, help="members of the served model (sparse logs get 3)")
    p.add_argument("--knn-neighbours", type=int, default=0,
                   help="add an item-kNN blend with this many (random) neighbours per item")
    p.set_defaults(func=cmd_bench)
    return ap


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)
