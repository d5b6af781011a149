"""Recommended settings, chosen from the data's shape and the hardware (never from a data set's name).

``choose_settings(shape, hardware, budget_seconds)`` returns the ``SeqConfig`` overrides a run uses, with one
line of reasoning per choice (``run`` and ``retrain`` print them). The rules, and the data they were
calibrated on (docs/scorer.md, "Settings that follow the data"):

* **sequence length** ``max_len``: the smallest of 50 / 100 / 200 that holds three users in four whole
  (the 75th percentile of sequence lengths): Amazon logs (p75 = 9) get 50, MovieLens-100K (p75 = 148) 200;
* **sparsity** = interactions per item. Below 30 (Amazon Games 12, Toys 14, Sports 16) most items are rare:
  dropout 0.3 on blocks and embeddings, and an **ensemble of 3** SASRecs (seeds disagree most on rare items;
  averaging them was worth +0.01 NDCG@10 on Games). Denser logs (MovieLens 59, the demo shop 98): dropout 0.2,
  one model;
* **refit** on the validation items (5 epochs at the training rate) when the median user has at most 20
  interactions: then the newest item is a large share of what the model knows about a user;
* **batch** 64 below 1,500 users (fewer than ~25 steps an epoch otherwise), else 128;
* **schedule**: AdamW at 2e-3 on a cosine over about 4,000 optimiser steps (10 to 60 epochs), shortened when the
  time budget leaves less; every model stops earlier when validation NDCG@10 has not improved for ``patience``
  epochs (20 when an epoch is under 50 steps, else 10), and the best epoch on validation is kept;
* **loss**: full softmax unless the catalogue is above the size where it no longer fits (``choose_loss``), then
  sampled softmax with 4,096 shared negatives. An ensemble gives way before the loss does: when time is short,
  fewer members train (``budget.py``), so the loss is chosen for one model with the whole training share;
* **item-kNN blend** always offered; its weight is chosen on validation and 0 (off) is one of the choices;
* **threads** (CPU): all cores for catalogues of 5,000 items or more (the softmax dominates), half of them for
  smaller models (OpenMP's spinning threads cost more than they bring when another process holds a core).
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Sequence

import numpy as np

#: interactions per item below which a log counts as sparse (dropout 0.3, ensemble of 3)
SPARSE_PER_ITEM = 30.0
#: median interactions per user at or below which the model is refitted on the validation items
REFIT_MEDIAN_LEN = 20
#: epochs of that refit, at the training rate (constant): on Toys' shifted split, from the same weights, 3 / 5 / 8
#: epochs gave 0.0685 / 0.0705 / 0.0704 (8, cosine) full NDCG@10 with the kNN blend; a cosine refit was worse
REFIT_EPOCHS = 5
#: optimiser steps the cosine schedule spans (calibrated: Games' members peak near 16 epochs = 3,900 steps)
SCHEDULE_STEPS = 4000
MIN_EPOCHS, MAX_EPOCHS = 10, 60
#: fewest epochs a member must be able to train with full softmax within its share of the budget
MIN_FULL_SOFTMAX_EPOCHS = 8
#: the CPU rate assumed at least, per thread (GFLOP/s): a probe on a machine busy with other jobs reads low, and
#: a busy hour must not flip the choice of loss. This 2-core Xeon (AVX-512) measures ~55 per core when idle.
CPU_FLOOR_GFLOPS_PER_THREAD = 40.0
#: share of the device memory the plain (unfused, CUDA) softmax's logits may take
LOGITS_MEMORY_SHARE = 0.25
SAMPLED_NEGATIVES = 4096
VAL_USERS = 5000


@dataclass
class DataShape:
    """What the settings depend on: counts and the distribution of sequence lengths."""

    users: int
    items: int
    interactions: int
    lengths: np.ndarray = field(repr=False)

    @classmethod
    def from_data(cls, data) -> "DataShape":
        lengths = np.array([len(s) for s in data.items], dtype=np.int64)
        return cls(int(data.n_users), int(data.n_items), int(lengths.sum()), lengths)

    @classmethod
    def synthetic(cls, users: int, items: int, lengths: Sequence[int]) -> "DataShape":
        """A shape with the given per-user lengths repeated to ``users`` users (for tests and what-ifs)."""
        reps = np.resize(np.asarray(lengths, dtype=np.int64), users)
        return cls(users, items, int(reps.sum()), reps)

    @property
    def per_item(self) -> float:
        return self.interactions / max(self.items, 1)

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.lengths, q)) if len(self.lengths) else 0.0

    @property
    def eval_users(self) -> int:
        return int((self.lengths >= 3).sum())

    def train_targets(self, max_len: int) -> int:
        """Training targets per epoch: each user's training prefix (validation and test items held out for
        users with 3 or more) minus its first item, at most ``max_len`` per user."""
        train_len = np.where(self.lengths >= 3, self.lengths - 2, self.lengths)
        return int(np.minimum(np.maximum(train_len - 1, 0), max_len).sum())

    def train_users(self) -> int:
        train_len = np.where(self.lengths >= 3, self.lengths - 2, self.lengths)
        return int((train_len >= 2).sum())

    def describe(self) -> str:
        return (f"{self.users:,} users, {self.items:,} items, {self.interactions:,} interactions "
                f"({self.per_item:.1f} per item); sequence length median {self.percentile(50):g}, "
                f"p75 {self.percentile(75):g}, p90 {self.percentile(90):g}")


@dataclass(frozen=True)
class Hardware:
    """The device a run trains on, its cores and memory, and how fast it computes a full-softmax step."""

    device: str = "cpu"  # "cpu" or "cuda"
    cores: int = 1
    memory_bytes: int = 8 << 30
    #: rate of the full-softmax loss (forward + backward) in GFLOP/s with ``threads`` threads: measured, and on CPU
    #: at least ``CPU_FLOOR_GFLOPS_PER_THREAD`` per thread
    softmax_gflops: float = 80.0
    threads: int = 0  # the CPU threads ``softmax_gflops`` is for (0 = all cores)

    def rate_with(self, threads: int) -> float:
        """The softmax rate with ``threads`` CPU threads (90% of a thread's rate for each extra one)."""
        if self.device != "cpu":
            return self.softmax_gflops
        have = self.threads or self.cores
        scale = lambda n: 1 + 0.9 * (max(n, 1) - 1)  # noqa: E731
        return self.softmax_gflops * scale(threads) / scale(have)

    @classmethod
    def detect(cls, device: str = "auto", threads: int = 0, probe: bool = True) -> "Hardware":
        import torch

        from recommender.scoring.device import resolve_device

        dev = resolve_device(device)
        cores = os.cpu_count() or 1
        if dev.type == "cuda":
            memory = int(torch.cuda.get_device_properties(dev).total_memory)
            default_rate = 20000.0
        else:
            try:
                memory = int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
            except (ValueError, OSError, AttributeError):
                memory = 8 << 30
            default_rate = CPU_FLOOR_GFLOPS_PER_THREAD * (threads or cores)
        rate = _probe_softmax(dev, threads or cores) if probe else default_rate
        if dev.type == "cpu":
            rate = max(rate, CPU_FLOOR_GFLOPS_PER_THREAD * (threads or cores))
        return cls(dev.type, cores, memory, rate, threads or cores)

    def describe(self) -> str:
        return (f"{self.device}, {self.cores} cores, {self.memory_bytes / 2 ** 30:.0f} GiB, "
                f"full softmax at {self.softmax_gflops:.0f} GFLOP/s")


def _probe_softmax(device, threads: int, n: int = 512, items: int = 8192, hidden: int = 64, reps: int = 5) -> float:
    """GFLOP/s of a full-softmax step with ``threads`` threads (the fused CPU loss, or the plain one on CUDA):
    the best of ``reps`` after one warm-up. On CPU it runs on one thread and counts 90% of that per extra
    thread, which keeps it to a fraction of a second even when other jobs hold the cores (a multi-threaded
    probe then stalls on OpenMP's waiting threads)."""
    import torch

    from .fused_ce import fused_softmax_ce

    old = torch.get_num_threads()
    if device.type == "cpu":
        torch.set_num_threads(1)
    try:
        gen = torch.Generator().manual_seed(0)
        h = torch.randn(n, hidden, generator=gen).to(device).requires_grad_(True)
        table = torch.randn(items, hidden, generator=gen).to(device).requires_grad_(True)
        targets = torch.randint(1, items, (n,), generator=gen).to(device)
        best = math.inf
        for rep in range(reps + 1):
            t0 = time.perf_counter()
            if device.type == "cpu":
                loss = fused_softmax_ce(h, table, targets)
            else:
                loss = torch.nn.functional.cross_entropy(h @ table[1:].T, targets - 1)
            loss.backward()
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            if rep:  # the first call warms caches and allocators up
                best = min(best, time.perf_counter() - t0)
        rate = 6.0 * n * items * hidden / max(best, 1e-6) / 1e9
        return rate * (1 + 0.9 * (max(threads, 1) - 1)) if device.type == "cpu" else rate
    finally:
        torch.set_num_threads(old)


@dataclass
class LossChoice:
    loss: str  # "ce" (full softmax) or "sampled"
    negatives: int
    #: largest catalogue for which full softmax would still be chosen here (items)
    threshold_items: int
    reason: str


def choose_loss(items: int, targets_per_epoch: int, targets_per_batch: float, hidden: int, hw: Hardware,
                member_seconds: float = math.inf) -> LossChoice:
    """Full softmax while it fits, sampled softmax with many negatives above that catalogue size.

    Time: one epoch of full softmax costs ``6 x targets x items x hidden`` FLOP (logits, the gradient for the
    hidden states, the gradient for the item table) at the measured rate; it must leave room for at least
    ``MIN_FULL_SOFTMAX_EPOCHS`` epochs in a member's share of the budget. Memory (CUDA, plain loss): one batch's
    logits and their gradient (~10 bytes per target and item) must take at most a quarter of the device memory;
    the fused CPU loss works on 32 rows at a time, so memory never binds there.
    """
    rate = max(hw.softmax_gflops, 1e-3) * 1e9
    per_item_epoch = 6.0 * max(targets_per_epoch, 1) * hidden / rate  # seconds per epoch per catalogue item
    time_items = math.inf
    if math.isfinite(member_seconds):
        time_items = member_seconds / MIN_FULL_SOFTMAX_EPOCHS / per_item_epoch
    memory_items = math.inf
    if hw.device == "cuda":
        memory_items = hw.memory_bytes * LOGITS_MEMORY_SHARE / (max(targets_per_batch, 1.0) * 10.0)
    threshold = min(time_items, memory_items)
    threshold_items = int(threshold) if math.isfinite(threshold) else 2 ** 62
    epoch_s = per_item_epoch * items
    what = "time" if time_items <= memory_items else "memory"
    if items <= threshold:
        return LossChoice("ce", 0, threshold_items,
                          f"full softmax: {items:,} items, one epoch of it ≈ {epoch_s:.0f} s here; it stays the "
                          f"choice up to ≈ {threshold_items:,} items ({what} binds first)")
    negatives = min(SAMPLED_NEGATIVES, max(items - 1, 1))
    if what == "time":
        why = (f"one epoch of full softmax would take ≈ {epoch_s:.0f} s, leaving fewer than "
               f"{MIN_FULL_SOFTMAX_EPOCHS} epochs in the {member_seconds / 60:.1f} min one model has for training")
    else:
        why = (f"one batch's logits (≈ {targets_per_batch * items * 10 / 2 ** 30:.1f} GiB) would exceed a quarter "
               f"of the device's memory")
    return LossChoice("sampled", negatives, threshold_items,
                      f"sampled softmax with {negatives:,} shared negatives: {items:,} items is above the "
                      f"≈ {threshold_items:,} where full softmax fits ({why})")


@dataclass
class Recipe:
    settings: Dict[str, Any]
    reasons: List[str]
    loss: LossChoice

    def text(self) -> str:
        return "\n".join("  " + r for r in self.reasons)


def _round_up(x: float, choices: Sequence[int]) -> int:
    for c in choices:
        if x <= c:
            return c
    return choices[-1]


def choose_settings(shape: DataShape, hw: Hardware, budget_seconds: float = math.inf, primary: str = "full",
                    hidden: int = 64) -> Recipe:
    """The recommended ``SeqConfig`` overrides for data of this shape on this hardware within the budget."""
    reasons: List[str] = [f"data: {shape.describe()}", f"hardware: {hw.describe()}"]
    s: Dict[str, Any] = {"model": "sasrec", "hidden": hidden, "layers": 2, "heads": 1, "lr": 2e-3,
                         "schedule": "cosine", "knn_blend": True}
    p75 = shape.percentile(75)
    s["max_len"] = _round_up(p75, (50, 100, 200))
    reasons.append(f"max_len {s['max_len']}: holds the 75th percentile of sequence lengths ({p75:g})")
    sparse = shape.per_item < SPARSE_PER_ITEM
    drop = 0.3 if sparse else 0.2
    s["dropout"] = s["emb_dropout"] = drop
    s["ensemble"] = 3 if sparse else 1
    reasons.append(f"dropout {drop}, {'ensemble of 3' if sparse else 'one model'}: {shape.per_item:.1f} "
                   f"interactions per item ({'sparse' if sparse else 'dense'}: threshold {SPARSE_PER_ITEM:g})"
                   + ("; fewer members, each longer, when the estimate after epoch 1 says the budget is short"
                      if sparse else ""))
    median = shape.percentile(50)
    if median <= REFIT_MEDIAN_LEN:
        s["refit_epochs"], s["refit_lr"] = REFIT_EPOCHS, s["lr"]
        reasons.append(f"refit {REFIT_EPOCHS} epochs at {s['lr']:g} on the validation items: median sequence length "
                       f"{median:g} <= {REFIT_MEDIAN_LEN}")
    else:
        s["refit_epochs"] = 0
        reasons.append(f"no refit: median sequence length {median:g} > {REFIT_MEDIAN_LEN}")
    s["batch_size"] = 64 if shape.users < 1500 else 128
    steps = max(1, math.ceil(shape.train_users() / s["batch_size"]))
    s["epochs"] = int(min(MAX_EPOCHS, max(MIN_EPOCHS, math.ceil(SCHEDULE_STEPS / steps))))
    s["patience"] = 20 if steps < 50 else 10
    reasons.append(f"batch {s['batch_size']} ({steps} steps an epoch); cosine from 2e-3 over {s['epochs']} epochs "
                   f"(≈ {SCHEDULE_STEPS:,} steps, {MIN_EPOCHS}-{MAX_EPOCHS}) or the budget's share if shorter; "
                   f"patience {s['patience']}")
    s["val_users"] = VAL_USERS if shape.eval_users > VAL_USERS else 0
    s["val_protocol"] = primary
    reasons.append(f"model selection on validation {primary} NDCG@10 over "
                   f"{min(VAL_USERS, shape.eval_users):,} users")
    if hw.device == "cpu":
        s["num_threads"] = hw.cores if shape.items >= 5000 else max(1, hw.cores // 2)
        reasons.append(f"{s['num_threads']} torch thread(s): {shape.items:,} items "
                       f"({'>=' if shape.items >= 5000 else '<'} 5,000)")
    # The loss is chosen for the model that will certainly train: members one after another give way first (after
    # epoch 1 the budget keeps the members that each get enough of their schedule, down to one: budget.py), so
    # full softmax stays while one model gets enough epochs in the training share; members side by side each
    # have the whole share with their part of the threads. The training share is the budget less what follows
    # training (refit, blend, evaluation), roughly a quarter.
    members = s["ensemble"]
    parallel = hw.device == "cpu" and 1 < members <= hw.cores  # as ``train`` decides
    member_seconds = budget_seconds * 0.75
    targets = shape.train_targets(s["max_len"])
    if hw.device == "cpu":
        threads = max(1, s["num_threads"] // members) if parallel else s["num_threads"]
        hw = replace(hw, softmax_gflops=hw.rate_with(threads), threads=threads)
    loss = choose_loss(shape.items, targets, targets / steps, hidden, hw, member_seconds)
    s["loss"] = loss.loss
    if loss.loss == "sampled":
        s["negatives"] = loss.negatives
    reasons.append(loss.reason)
    return Recipe(s, reasons, loss)
