"""Leave-one-out evaluation: full ranking (seen items filtered) and 100 sampled negatives.

Every ranker (the transformer and the baselines) is evaluated on the same split with the same sampled
negatives, so the figures are comparable within one run.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

from .data import Split
from .metrics import KS, coverage, summarize, target_ranks


def sample_negatives(split: Split, users: np.ndarray, n: int = 100, seed: int = 0) -> np.ndarray:
    """(len(users), n) item indices drawn uniformly (with replacement, as in SASRec's code) from the items
    each user never interacted with."""
    rng = np.random.default_rng(seed)
    n_items = split.data.n_items
    out = rng.integers(1, n_items + 1, size=(len(users), n))
    for row, u in enumerate(users):
        seen = set(split.data.items[u].tolist())
        if len(seen) >= n_items:
            continue
        bad = np.fromiter((x in seen for x in out[row]), dtype=bool, count=n)
        while bad.any():
            out[row, bad] = rng.integers(1, n_items + 1, size=int(bad.sum()))
            bad = np.fromiter((x in seen for x in out[row]), dtype=bool, count=n)
    return out


class EvalCases:
    """The users, inputs, targets and sampled negatives of one leave-one-out stage ('valid' or 'test')."""

    def __init__(self, split: Split, which: str = "test", n_negatives: int = 100, seed: int = 0,
                 max_users: int = 0):
        self.split = split
        self.which = which
        users = split.eval_users(which)
        if max_users and len(users) > max_users:
            users = np.sort(np.random.default_rng(seed).choice(users, size=max_users, replace=False))
        self.users = users
        cases = [split.eval_case(int(u), which) for u in users]
        self.inputs = [c[0] for c in cases]
        self.events = [c[1] for c in cases]
        self.targets = np.array([c[2] for c in cases], dtype=np.int64)
        self.negatives = sample_negatives(split, users, n_negatives, seed=seed + (0 if which == "test" else 1))


class RankAccumulator:
    """Ranks of each batch's targets under the chosen protocols, gathered batch by batch, so that one batch's
    scores can serve several rankers (the blend's weights share the transformer's and the kNN's scores)."""

    def __init__(self, cases: EvalCases, protocols: Sequence[str] = ("full", "sampled"), ks: Sequence[int] = KS,
                 seed: int = 0, top_k_coverage: int = 10):
        self.cases, self.protocols, self.ks, self.top_k = cases, tuple(protocols), tuple(ks), top_k_coverage
        self.rng = np.random.default_rng(seed)
        self.full: List[np.ndarray] = []
        self.sampled: List[np.ndarray] = []
        self.tops: List[np.ndarray] = []
        self.seconds = 0.0  # spent ranking (scoring is the caller's)

    def add(self, a: int, scores: np.ndarray) -> None:
        """Ranks the targets of cases ``a .. a + len(scores)`` in ``scores`` (B, n_items + 1); overwrites it."""
        t0 = time.perf_counter()
        cases, b = self.cases, a + len(scores)
        targets = cases.targets[a:b]
        rows = np.arange(b - a)
        tscore = scores[rows, targets].copy()
        if "sampled" in self.protocols:
            neg = scores[rows[:, None], cases.negatives[a:b]]
            self.sampled.append(target_ranks(neg, tscore, self.rng, exclude_self=False))
        if "full" in self.protocols:
            scores[:, 0] = -np.inf
            for r, seq in enumerate(cases.inputs[a:b]):
                scores[r, seq] = -np.inf
            scores[rows, targets] = tscore
            self.full.append(target_ranks(scores, tscore, self.rng, exclude_self=True))
            k = min(self.top_k, scores.shape[1] - 1)
            self.tops.append(np.argpartition(-scores, k, axis=1)[:, :k])
        self.seconds += time.perf_counter() - t0

    def result(self, scoring_seconds: float = 0.0) -> Dict[str, Dict[str, float]]:
        """{protocol: metrics}; 'full' carries 'coverage@K'; each carries the seconds spent scoring and
        ranking (the budget's estimate scales the first with the ensemble's members, not the second)."""
        out: Dict[str, Dict[str, float]] = {}
        timing = {"eval_seconds": scoring_seconds + self.seconds, "scoring_seconds": scoring_seconds,
                  "ranking_seconds": self.seconds}
        if "full" in self.protocols:
            out["full"] = summarize(np.concatenate(self.full) if self.full else [], self.ks)
            out["full"][f"coverage@{self.top_k}"] = coverage(
                (row for t in self.tops for row in t), self.cases.split.data.n_items)
            out["full"].update(timing)
        if "sampled" in self.protocols:
            out["sampled"] = summarize(np.concatenate(self.sampled) if self.sampled else [], self.ks)
            out["sampled"].update(timing)
        return out


def batches(cases: EvalCases, batch_size: int = 512):
    """(start, inputs, events) of consecutive batches of the cases."""
    for a in range(0, len(cases.users), batch_size):
        yield a, cases.inputs[a:a + batch_size], cases.events[a:a + batch_size]


def evaluate_ranker(ranker, cases: EvalCases, protocols: Sequence[str] = ("full", "sampled"),
                    ks: Sequence[int] = KS, batch_size: int = 512, seed: int = 0, top_k_coverage: int = 10
                    ) -> Dict[str, Dict[str, float]]:
    """Returns {protocol: metrics}; the 'full' entry carries 'coverage@K' as well."""
    acc = RankAccumulator(cases, protocols, ks, seed, top_k_coverage)
    scoring = 0.0
    for a, inputs, events in batches(cases, batch_size):
        t0 = time.perf_counter()
        scores = np.asarray(ranker.score_batch(inputs, events), dtype=np.float32)
        scoring += time.perf_counter() - t0
        acc.add(a, scores)
    return acc.result(scoring)


# ------------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------------

def write_report(results: Dict[str, Dict[str, Dict[str, float]]], out_dir: Path, title: str,
                 meta: Dict[str, object], ks: Sequence[int] = KS) -> Dict[str, Path]:
    """results: {model: {protocol: metrics}} -> report.md + metrics.png + metrics.json in out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"# {title}", ""]
    for k, v in meta.items():
        lines.append(f"- **{k}**: {v}")
    lines.append("")
    protocols = sorted({p for r in results.values() for p in r}, key=lambda p: (p != "sampled", p))
    for proto in protocols:
        label = "100 sampled negatives" if proto == "sampled" else "full ranking (seen items filtered)"
        lines += [f"## {label}", ""]
        cols = [f"HR@{k}" for k in ks] + [f"NDCG@{k}" for k in ks]
        extra = ["coverage@10"] if proto == "full" else []
        lines.append("| model | " + " | ".join(cols + extra) + " | users |")
        lines.append("|" + "---|" * (len(cols) + len(extra) + 2))
        for model, r in results.items():
            if proto not in r:
                continue
            m = r[proto]
            vals = [f"{m.get(c, float('nan')):.4f}" for c in cols + extra]
            lines.append(f"| {model} | " + " | ".join(vals) + f" | {m.get('users', 0)} |")
        lines.append("")
    (out_dir / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out_dir / "metrics.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2, default=str),
                                          encoding="utf-8")
    png = out_dir / "metrics.png"
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, len(protocols), figsize=(6 * len(protocols), 4), squeeze=False)
        for ax, proto in zip(axes[0], protocols):
            models = [m for m in results if proto in results[m]]
            width = 0.8 / max(len(models), 1)
            x = np.arange(len(ks) * 2)
            for j, model in enumerate(models):
                m = results[model][proto]
                vals = [m[f"HR@{k}"] for k in ks] + [m[f"NDCG@{k}"] for k in ks]
                ax.bar(x + j * width, vals, width, label=model)
            ax.set_xticks(x + width * (len(models) - 1) / 2)
            ax.set_xticklabels([f"HR@{k}" for k in ks] + [f"NDCG@{k}" for k in ks], rotation=45)
            ax.set_title("100 sampled negatives" if proto == "sampled" else "full ranking")
            ax.legend(fontsize=8)
        fig.suptitle(title)
        fig.tight_layout()
        fig.savefig(png, dpi=100)
        plt.close(fig)
    except Exception as exc:  # plotting must never break an evaluation
        print(f"plot skipped: {exc}")
    return {"report": out_dir / "report.md", "plot": png, "json": out_dir / "metrics.json"}
