"""Training loop: full softmax / sampled softmax / BCE, AdamW, bf16 autocast on CUDA, early stopping on
validation NDCG@10, progress bars."""
from __future__ import annotations

import copy
import logging
import math
import os
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from recommender.scoring.config import SeqConfig
from recommender.scoring.device import auto_threads, pad_right, resolve_device, set_threads
from recommender.scoring.model import build_model

from .budget import (REFIT_EPOCH_RATIO, EpochCost, RunBudget, RunEstimate, RunPlan, after_training_parts,
                     after_training_seconds, estimate_run, member_deadline, refit_seconds)
from .data import EVENT_VOCAB, Split, train_sequences
from .evaluate import EvalCases, evaluate_ranker
from .fused_ce import fused_softmax_ce

log = logging.getLogger(__name__)

__all__ = ["TorchRanker", "TrainResult", "auto_threads", "pad_right", "resolve_device", "set_threads",
           "seed_everything", "train"]


def seed_everything(seed: int) -> None:
    import random

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)


class TorchRanker:
    """Scores every item for a batch of input sequences with a trained model (evaluation interface)."""

    def __init__(self, model: torch.nn.Module, cfg: SeqConfig, device: torch.device, name: str = "sasrec"):
        self.model, self.cfg, self.device, self.name = model, cfg, device, name

    @torch.no_grad()
    def user_vectors(self, items: Sequence[np.ndarray], events: Optional[Sequence[np.ndarray]]) -> torch.Tensor:
        self.model.eval()
        it, lengths = pad_right(items, self.cfg.max_len)
        ev = pad_right(events, self.cfg.max_len)[0] if events is not None else None
        it_t = torch.from_numpy(it).to(self.device)
        ev_t = torch.from_numpy(ev).to(self.device) if ev is not None and self.cfg.use_events else None
        ln = torch.from_numpy(lengths).to(self.device)
        with _autocast(self.device, self.cfg.amp):
            return self.model.user_vectors(it_t, ev_t, ln).float()

    @torch.no_grad()
    def score_batch(self, items: Sequence[np.ndarray], events: Optional[Sequence[np.ndarray]] = None) -> np.ndarray:
        h = self.user_vectors(items, events)
        table = self.model.item_table().float()
        return (h @ table.T).cpu().numpy()


def _autocast(device: torch.device, amp: bool):
    if device.type == "cuda" and amp:
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast("cpu", enabled=False)


@dataclass
class TrainResult:
    model: torch.nn.Module
    config: SeqConfig
    history: List[Dict[str, float]] = field(default_factory=list)
    best_epoch: int = 0
    best_val: float = 0.0
    train_seconds: float = 0.0  # optimisation steps only
    wall_seconds: float = 0.0  # including per-epoch validation
    device: str = "cpu"
    #: weights chosen on validation, before the refit (None without a refit)
    selected_state: Optional[Dict[str, torch.Tensor]] = None
    #: item-kNN of the blend (``config.knn_weight`` > 0): over train + validation items after a refit
    knn: Optional[object] = None
    #: item-kNN over the training items only, the partner of ``selected_state``
    knn_selected: Optional[object] = None
    #: the whole run's estimate printed after epoch 1 (with a budget; the first member's)
    estimate: Optional[RunEstimate] = None
    #: what the first epoch cost (training, validation scoring and ranking)
    first_epoch: EpochCost = EpochCost(0.0)

    def ranker(self, device: Optional[torch.device] = None, before_refit: bool = False):
        """The final ranker (transformer, blended with item-kNN when the blend won on validation), or the
        same for the model chosen before the refit."""
        from .hybrid import HybridRanker

        device = device or resolve_device(self.config.device)
        model, knn, suffix = self.model, self.knn, ""
        if before_refit and self.selected_state is not None:
            model = copy.deepcopy(self.model)
            model.load_state_dict(self.selected_state)
            model.eval()
            knn, suffix = self.knn_selected, " before refit"
        name = self.config.model
        base = TorchRanker(model, self.config, device, name + suffix)
        if knn is None or not self.config.knn_weight:
            return base
        return HybridRanker(base, knn, self.config.knn_weight, f"{name}+item-knn{suffix}")

    def rankers(self, device: Optional[torch.device] = None) -> list:
        """The served ranker first, then for comparison in the same evaluation: the same weights without
        the kNN term (when blended) and the model chosen before the refit (when refitted)."""
        device = device or resolve_device(self.config.device)
        out = [self.ranker(device)]
        if self.knn is not None:
            out.append(TorchRanker(self.model, self.config, device, self.config.model))
        if self.selected_state is not None:
            out.append(self.ranker(device, before_refit=True))
        return out


def _batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> List[np.ndarray]:
    """Length-bucketed batches in random order (less padding, same sampling distribution)."""
    order = rng.permutation(len(lengths))
    chunk = batch_size * 32
    batches = []
    for a in range(0, len(order), chunk):
        part = order[a:a + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        batches += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def _loss(model, cfg: SeqConfig, h: torch.Tensor, targets: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """h: (N, H) hidden states of the positions to train; targets: (N,) item indices."""
    table = model.item_table()
    n_items = cfg.n_items
    if cfg.loss == "ce" and h.device.type == "cpu":
        return fused_softmax_ce(h, table, targets, cfg.label_smoothing)
    if cfg.loss == "ce":  # column 0 (padding) is not a class, so label smoothing never spreads to it
        logits = h @ table[1:].T
        return F.cross_entropy(logits.float(), targets - 1, label_smoothing=cfg.label_smoothing)
    if cfg.loss == "sampled":
        k = min(cfg.negatives, n_items)
        neg = torch.randint(1, n_items + 1, (k,), generator=gen).to(h.device)
        pos_logit = (h * table[targets]).sum(-1, keepdim=True)
        neg_logit = h @ table[neg].T
        neg_logit = neg_logit.masked_fill(neg.unsqueeze(0) == targets.unsqueeze(1), float("-inf"))
        logits = torch.cat([pos_logit, neg_logit], dim=1).float()
        return F.cross_entropy(logits, torch.zeros_like(targets), label_smoothing=cfg.label_smoothing)
    if cfg.loss == "bce":
        neg = torch.randint(1, n_items + 1, targets.shape, generator=gen).to(h.device)
        pos_logit = (h * table[targets]).sum(-1).float()
        neg_logit = (h * table[neg]).sum(-1).float()
        return (F.binary_cross_entropy_with_logits(pos_logit, torch.ones_like(pos_logit))
                + F.binary_cross_entropy_with_logits(neg_logit, torch.zeros_like(neg_logit)))
    raise ValueError(f"unknown loss {cfg.loss!r}")


def _make_batch(seqs, idx, cfg: SeqConfig, rng: np.random.Generator, mask_id: int):
    """Returns input items, input events, targets (0 = no loss) as int64 arrays (B, W)."""
    causal = cfg.model == "sasrec"
    L = cfg.max_len + (1 if causal else 0)
    chosen = [seqs[i] for i in idx]
    items, lengths = pad_right([c[0] for c in chosen], L)
    events, _ = pad_right([c[1] for c in chosen], L)
    pos, _ = pad_right([c[2].astype(np.int64) for c in chosen], L)
    if causal:
        inp, ev = items[:, :-1].copy(), events[:, :-1].copy()
        tgt = items[:, 1:] * pos[:, 1:]
    else:
        inp, ev = items.copy(), events.copy()
        valid = items != 0
        m = (rng.random(items.shape) < cfg.bert_mask_prob) & valid
        # always mask the last item of some sequences so the model practises the inference position
        last = np.maximum(lengths - 1, 0)
        force = rng.random(len(idx)) < cfg.bert_mask_prob
        m[np.arange(len(idx))[force], last[force]] = True
        tgt = np.where(m, items * pos, 0)
        inp[m] = mask_id
    if cfg.item_dropout > 0:
        drop = (rng.random(inp.shape) < cfg.item_dropout) & (inp != 0) & (inp != mask_id)
        inp[drop] = 0
        ev[drop] = 0
    return inp, ev, tgt


def _step(model, opt, params, cfg: SeqConfig, batch, lr: float, gen: torch.Generator, device: torch.device) -> float:
    """One optimisation step on a (inputs, events, targets) batch; returns the loss."""
    inp, ev, tgt = (torch.from_numpy(a).to(device) for a in batch)
    for g in opt.param_groups:
        g["lr"] = lr
    with _autocast(device, cfg.amp):
        h = model.encode(inp, ev if cfg.use_events else None)
        sel = tgt != 0
        loss = _loss(model, cfg, h[sel], tgt[sel], gen)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if cfg.grad_clip:
        torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip)
    opt.step()
    with torch.no_grad():  # keep the padding row at zero
        model.emb.item.weight[0].zero_()
    return float(loss.detach())


def _cosine_lr(base: float, frac: float) -> float:
    """``base`` decayed along a half cosine to 2% of it as ``frac`` goes from 0 to 1 (training and refit)."""
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))


def _refit_lr(cfg: SeqConfig, step: int, total_steps: int) -> float:
    """The refit's learning rate at ``step``: constant, or cosine-decayed to 2% of ``refit_lr``."""
    if cfg.refit_schedule == "constant":
        return cfg.refit_lr
    if cfg.refit_schedule == "cosine":
        return _cosine_lr(cfg.refit_lr, step / max(total_steps, 1))
    raise ValueError(f"unknown refit schedule {cfg.refit_schedule!r}")


def _refit(model, opt, params, split: Split, cfg: SeqConfig, rng, gen, device, mask_id: int, progress: bool,
           must_end: float = math.inf, clock=time.time, epoch_estimate: float = 0.0) -> List[Dict[str, float]]:
    """``cfg.refit_epochs`` more epochs on the training prefixes extended by each user's validation item,
    at ``cfg.refit_lr``: the model sees the latest transitions before it predicts the next (test) item.
    The test item is never used; validation figures stay those of the model before the refit. An epoch that
    would end after ``must_end`` (a ``clock()`` time: the member's share of the run's budget) is not started."""
    from tqdm.auto import tqdm

    seqs = train_sequences(split, with_validation=True)
    lengths = np.array([len(s[0]) for s in seqs])
    total_steps = cfg.refit_epochs * math.ceil(len(seqs) / cfg.batch_size)
    rows, step = [], 0
    for epoch in range(1, cfg.refit_epochs + 1):
        if clock() + epoch_estimate > must_end:
            print(f"refit stopped after {epoch - 1} of {cfg.refit_epochs} epochs: the time budget", file=sys.stderr,
                  flush=True)
            break
        model.train()
        t0, total, count = time.perf_counter(), 0.0, 0
        for idx in tqdm(_batches(lengths, cfg.batch_size, rng), desc=f"refit {epoch}", leave=False,
                        disable=not progress, mininterval=1.0, file=sys.stderr):
            lr = _refit_lr(cfg, step, total_steps)
            total += _step(model, opt, params, cfg, _make_batch(seqs, idx, cfg, rng, mask_id), lr, gen, device)
            count += 1
            step += 1
        rows.append({"refit_epoch": epoch, "loss": total / max(count, 1), "epoch_seconds": time.perf_counter() - t0})
        epoch_estimate = max(epoch_estimate, rows[-1]["epoch_seconds"])
        print(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in rows[-1].items()),
              file=sys.stderr, flush=True)
    model.eval()
    return rows


def train(split: Split, cfg: SeqConfig, progress: bool = True, val_cases: Optional[EvalCases] = None,
          text_table: Optional[np.ndarray] = None, log_prefix: str = "", budget: Optional[RunBudget] = None,
          plan: Optional[RunPlan] = None) -> TrainResult:
    """Trains on the split's training prefixes; validates each ``eval_every`` epochs; early-stops on
    validation NDCG@10 (protocol ``cfg.val_protocol``); returns the best model (by validation), refitted
    when ``cfg.refit_epochs``, with the item-kNN blend when ``cfg.knn_blend`` wins on validation.

    ``budget`` is the whole run's: after the first epoch, ``plan`` (what the run does after training) and the
    epoch's measured times give the estimate of the whole run (printed by the first member) and the time by
    which this member's epochs must end (``budget.member_deadline``); the cosine schedule then ends there when
    that comes before ``cfg.epochs``. ``cfg.max_minutes`` is a further cap on this call alone."""
    from tqdm.auto import tqdm

    cfg = cfg.updated(n_items=split.data.n_items, events=list(EVENT_VOCAB[1:]))
    if val_cases is None:
        val_cases = EvalCases(split, "valid", seed=cfg.seed, max_users=cfg.val_users)
    if plan is None:
        plan = default_plan(split, cfg, val_cases)
    if cfg.ensemble > 1:
        return _train_ensemble(split, cfg, progress, val_cases, text_table, budget, plan)
    clock = budget.clock if budget is not None else time.time
    member_start = clock()
    set_threads(cfg.num_threads)
    seed_everything(cfg.seed)
    device = resolve_device(cfg.device)
    model = build_model(cfg)
    if text_table is not None and getattr(model.emb, "text_table", None) is not None:
        with torch.no_grad():
            model.emb.text_table[: text_table.shape[0]].copy_(torch.from_numpy(text_table))
    model.to(device)
    seqs = train_sequences(split)
    if not seqs:
        raise ValueError("no training sequences (every user needs at least 2 training interactions)")
    lengths = np.array([len(s[0]) for s in seqs])
    rng = np.random.default_rng(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr, betas=(0.9, 0.98))
    steps_per_epoch = math.ceil(len(seqs) / cfg.batch_size)
    total_steps = steps_per_epoch * cfg.epochs
    max_seconds = cfg.max_minutes * 60 if cfg.max_minutes > 0 else float("inf")
    mask_id = cfg.n_items + 1
    ranker = TorchRanker(model, cfg, device, cfg.model)
    best_val, best_epoch, best_state, bad = -1.0, 0, None, 0
    history: List[Dict[str, float]] = []
    step = 0
    t_start = time.perf_counter()
    eval_seconds = 0.0
    stop = False
    disable = not progress
    deadline = math.inf  # clock() time by which this member's epochs end (known after epoch 1)
    estimate: Optional[RunEstimate] = None
    first_epoch = EpochCost(0.0)  # what epoch 1 cost
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        t_epoch = time.perf_counter()
        total, count = 0.0, 0
        bar = tqdm(_batches(lengths, cfg.batch_size, rng), desc=f"epoch {epoch}", leave=False, disable=disable,
                   mininterval=1.0, file=sys.stderr)
        for idx in bar:
            elapsed = time.perf_counter() - t_start  # the budget counts validation time too
            frac = step / max(total_steps, 1)
            if max_seconds < float("inf"):
                frac = max(frac, elapsed / max_seconds)
            if math.isfinite(deadline):
                frac = max(frac, (clock() - member_start) / max(deadline - member_start, 1e-9))
            lr = cfg.lr
            if cfg.warmup_steps and step < cfg.warmup_steps:
                lr = cfg.lr * (step + 1) / cfg.warmup_steps
            elif cfg.schedule == "cosine":
                lr = _cosine_lr(cfg.lr, frac)
            total += _step(model, opt, params, cfg, _make_batch(seqs, idx, cfg, rng, mask_id), lr, gen, device)
            step += 1
            count += 1
            if count % 20 == 0:
                bar.set_postfix(loss=f"{total / count:.4f}", lr=f"{lr:.2e}")
            # the epoch's validation must end by the deadline too, or the refit after it loses an epoch
            if time.perf_counter() - t_start > max_seconds or clock() + first_epoch.val > deadline:
                stop = True
                break
        bar.close()
        epoch_train = time.perf_counter() - t_epoch
        row: Dict[str, float] = {"epoch": epoch, "loss": total / max(count, 1), "epoch_seconds": epoch_train}
        val_cost = (0.0, 0.0)  # (scoring, ranking) seconds of this epoch's validation
        if epoch % cfg.eval_every == 0 or stop or epoch == cfg.epochs:
            t_eval = time.perf_counter()
            res = evaluate_ranker(ranker, val_cases, protocols=("full", "sampled"), ks=(10,), seed=cfg.seed)
            eval_seconds += time.perf_counter() - t_eval
            val_cost = (res["full"]["scoring_seconds"], res["full"]["ranking_seconds"])
            row.update({"val_full_NDCG@10": res["full"]["NDCG@10"], "val_full_HR@10": res["full"]["HR@10"],
                        "val_sampled_NDCG@10": res["sampled"]["NDCG@10"],
                        "val_sampled_HR@10": res["sampled"]["HR@10"]})
            metric = row[f"val_{cfg.val_protocol}_NDCG@10"]
            if metric > best_val:
                best_val, best_epoch, bad = metric, epoch, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                bad += 1
        row["train_seconds"] = time.perf_counter() - t_start - eval_seconds
        history.append(row)
        msg = " ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in row.items())
        print(log_prefix + msg, file=sys.stderr, flush=True)
        if epoch == 1 and budget is not None:
            first_epoch = EpochCost(epoch_train, *val_cost)
            if plan.member_index == 0:
                estimate = estimate_run(plan, first_epoch, budget.elapsed(), budget.minutes * 60 or math.inf)
                print(estimate.message(), file=sys.stderr, flush=True)
                plan = replace(plan, members=estimate.members_in_budget)  # the ensemble trains that many
            deadline = member_deadline(budget, plan, member_start, first_epoch)
            if clock() + first_epoch.val > deadline:
                stop = True
        if bad >= cfg.patience or stop:
            break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    selected = None
    if cfg.refit_epochs > 0:
        selected = copy.deepcopy(model.state_dict())
        must_end = deadline + refit_seconds(plan, first_epoch.train) if math.isfinite(deadline) else math.inf
        history += _refit(model, opt, params, split, cfg, rng, gen, device, mask_id, progress, must_end, clock,
                          first_epoch.train * REFIT_EPOCH_RATIO)
    train_seconds = time.perf_counter() - t_start - eval_seconds
    res = TrainResult(model, cfg, history, best_epoch, best_val, train_seconds, 0.0, str(device), selected)
    res.estimate, res.first_epoch = estimate, first_epoch
    if cfg.knn_blend:
        _attach_blend(res, split, val_cases, budget, plan)
    res.wall_seconds = time.perf_counter() - t_start
    return res


def default_plan(split: Split, cfg: SeqConfig, val_cases: EvalCases, test_rankers: float = 0.0,
                 test_users: int = 0) -> RunPlan:
    """The plan of a ``train`` call: its members, refit and blend; no final evaluation unless given."""
    from .hybrid import WEIGHT_GRID

    cores = os.cpu_count() or 1
    parallel = resolve_device(cfg.device).type == "cpu" and 1 < cfg.ensemble <= cores
    knn_fits = (1 + (1 if cfg.refit_epochs else 0)) if cfg.knn_blend else 0
    return RunPlan(members=max(1, cfg.ensemble), parallel=parallel, epochs=cfg.epochs, refit_epochs=cfg.refit_epochs,
                   blend_weights=len(WEIGHT_GRID) if cfg.knn_blend else 0, knn_fits=knn_fits,
                   test_rankers=test_rankers, test_users=test_users, val_users=len(val_cases.users),
                   interactions=split.data.n_interactions)


def _attach_blend(res: TrainResult, split: Split, val_cases: EvalCases, budget: Optional[RunBudget] = None,
                  plan: Optional[RunPlan] = None) -> None:
    """Chooses the item-kNN weight for the model selected on validation (before any refit) and attaches
    the kNN matrices: over training items for that model, over training + validation items after a refit.
    With a budget, the weight search tries fewer weights when all of them would leave too little time for the
    final evaluation."""
    from .baselines import ItemKNN
    from .hybrid import choose_weight

    cfg = res.config
    knn_selected = ItemKNN(split, cfg.knn_neighbours, cfg.knn_shrink, decay=cfg.knn_decay)
    selected = res.ranker(before_refit=True)
    stop = None
    if budget is not None and budget.limited and plan is not None:
        parts = after_training_parts(plan, res.first_epoch)
        reserve = parts["evaluation"]
        if res.selected_state is not None and plan.knn_fits > 1:  # the kNN over training + validation items
            reserve += parts["knn"] / plan.knn_fits
        stop = lambda seconds: not budget.allows(seconds, reserve)  # noqa: E731
    weight, rows = choose_weight(selected, knn_selected, val_cases, cfg.val_protocol, seed=cfg.seed, stop=stop)
    for row in rows:
        print(" ".join(f"{k}={v:.4f}" for k, v in row.items()), file=sys.stderr, flush=True)
    print(f"item-kNN blend weight chosen on validation: {weight:g}", file=sys.stderr, flush=True)
    res.history += rows
    res.config = cfg.updated(knn_weight=weight)
    if not weight:
        return
    res.knn_selected = knn_selected
    res.knn = knn_selected if res.selected_state is None else ItemKNN(
        split, cfg.knn_neighbours, cfg.knn_shrink, with_validation=True, decay=cfg.knn_decay)


# ------------------------------------------------------------------------------------------------
# Ensembles: members trained in parallel processes on CPU, one after another on a GPU
# ------------------------------------------------------------------------------------------------

def _member_job(split: Split, cfg: SeqConfig, progress: bool, val_cases: EvalCases, text_table, prefix: str,
                budget: Optional[RunBudget] = None, plan: Optional[RunPlan] = None) -> Dict[str, object]:
    """Trains one member (in a worker process on CPU); returns plain numpy weights and figures."""
    res = train(split, cfg, progress=progress, val_cases=val_cases, text_table=text_table, log_prefix=prefix,
                budget=budget, plan=plan)
    as_numpy = lambda state: {k: v.detach().cpu().numpy() for k, v in state.items()}  # noqa: E731
    return {"state": as_numpy(res.model.state_dict()),
            "selected": as_numpy(res.selected_state) if res.selected_state is not None else None,
            "history": res.history, "best_epoch": res.best_epoch, "best_val": res.best_val,
            "train_seconds": res.train_seconds, "estimate": res.estimate, "first_epoch": res.first_epoch}


def _room_for_member(budget: RunBudget, plan: RunPlan, cost: EpochCost) -> bool:
    """Whether one more member's first epoch (and its refit) still fits before what follows training."""
    return budget.allows(cost.train + cost.val + refit_seconds(plan, cost.train), after_training_seconds(plan, cost))


def _train_ensemble(split: Split, cfg: SeqConfig, progress: bool, val_cases: EvalCases, text_table,
                    budget: Optional[RunBudget] = None, plan: Optional[RunPlan] = None) -> TrainResult:
    """Trains ``cfg.ensemble`` members with seeds ``seed, seed + 1, ...``. On CPU with at least one core per
    member they train side by side (the cores split between them, each with the whole time budget);
    otherwise one after another, each with an equal share of what the budget leaves."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    n = cfg.ensemble
    device = resolve_device(cfg.device)
    cores = os.cpu_count() or 1
    parallel = device.type == "cpu" and n <= cores
    threads = max(1, (cfg.num_threads or cores) // n) if parallel else cfg.num_threads
    minutes = cfg.max_minutes if parallel else cfg.max_minutes / n
    members = [cfg.updated(ensemble=1, seed=cfg.seed + i, knn_blend=False, num_threads=threads, max_minutes=minutes)
               for i in range(n)]
    plan = plan or RunPlan(members=n, parallel=parallel)
    plan = replace(plan, members=n, parallel=parallel)
    def job(i: int, member_plan: RunPlan) -> tuple:
        return (split, members[i], progress and i == 0, val_cases, text_table, f"member {i}: ", budget,
                member_plan.for_member(i))

    print(f"training {n} ensemble members {'side by side' if parallel else 'one after another'} "
          f"({threads or auto_threads()} thread(s) each"
          + (f", {minutes:g} min cap each" if minutes else "") + ")", file=sys.stderr, flush=True)
    if parallel:
        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn")) as pool:
            outs = [f.result() for f in [pool.submit(_member_job, *job(i, plan)) for i in range(n)]]
    else:
        outs = [_member_job(*job(0, plan))]
        estimate = outs[0]["estimate"]
        if estimate is not None and estimate.members_in_budget < n:
            # later members share what is left among the members that will train
            plan = replace(plan, members=estimate.members_in_budget)
            print(f"ensemble of {plan.members} instead of {n}: so that each member gets enough epochs within "
                  "the time budget", file=sys.stderr, flush=True)
        for i in range(1, plan.members):
            if budget is not None and not _room_for_member(budget, plan, outs[0]["first_epoch"]):
                print(f"ensemble cut to {len(outs)} of {n} members: the time budget leaves no room for another",
                      file=sys.stderr, flush=True)
                break
            outs.append(_member_job(*job(i, plan)))
    if len(outs) < n:
        n = len(outs)
        cfg = cfg.updated(ensemble=n)
        plan = replace(plan, members=n)
        if n == 1:  # one member left: a plain model, not an ensemble of one
            res = TrainResult(build_model(cfg), cfg, [dict(r, member=0) for r in outs[0]["history"]],
                              int(outs[0]["best_epoch"]), float(outs[0]["best_val"]), float(outs[0]["train_seconds"]),
                              0.0, str(device))
            res.model.load_state_dict({k: torch.from_numpy(v) for k, v in outs[0]["state"].items()})
            res.model.to(device).eval()
            if outs[0]["selected"] is not None:
                res.selected_state = {k: torch.from_numpy(v) for k, v in outs[0]["selected"].items()}
            res.estimate, res.first_epoch = outs[0]["estimate"], outs[0]["first_epoch"]
            set_threads(cfg.num_threads)
            if cfg.knn_blend:
                _attach_blend(res, split, val_cases, budget, plan)
            res.wall_seconds = time.perf_counter() - t0
            return res
    model = build_model(cfg)

    def stacked(key: str) -> Dict[str, torch.Tensor]:
        return {f"members.{i}.{k}": torch.from_numpy(v) for i, o in enumerate(outs) for k, v in o[key].items()}

    model.load_state_dict(stacked("state"))
    model.to(device).eval()
    selected = stacked("selected") if all(o["selected"] is not None for o in outs) else None
    history = [dict(row, member=i) for i, o in enumerate(outs) for row in o["history"]]
    train_seconds = (max if parallel else sum)(float(o["train_seconds"]) for o in outs)
    res = TrainResult(model, cfg, history, max(int(o["best_epoch"]) for o in outs), 0.0, train_seconds, 0.0,
                      str(device), selected)
    res.estimate = outs[0]["estimate"]
    res.first_epoch = outs[0]["first_epoch"]
    set_threads(cfg.num_threads)
    if cfg.knn_blend:  # its weight grid evaluates the ensemble alone too (weight 0)
        _attach_blend(res, split, val_cases, budget, plan)
        alone = next(r for r in res.history if r.get("knn_weight") == 0.0)
        res.best_val = alone[f"val_{cfg.val_protocol}_NDCG@10"]
    else:
        res.best_val = evaluate_ranker(res.ranker(device, before_refit=True), val_cases, protocols=(cfg.val_protocol,),
                                       ks=(10,), seed=cfg.seed)[cfg.val_protocol]["NDCG@10"]
    print(f"ensemble of {n}: validation {cfg.val_protocol} NDCG@10 {res.best_val:.4f} (members: "
          + ", ".join(f"{float(o['best_val']):.4f}" for o in outs) + ")", file=sys.stderr, flush=True)
    res.wall_seconds = time.perf_counter() - t0
    return res
