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


def evaluate_ranker(ranker, cases: EvalCases, protocols: Sequence[str] = ("full", "sampled"),
                    ks: Sequence[int] = KS, batch_size: int = 512, seed: int = 0, top_k_coverage: int = 10
                    ) -> Dict[str, Dict[str, float]]:
    """Returns {protocol: metrics}; the 'full' entry carries 'coverage@K' as well."""
    rng = np.random.default_rng(seed)
    full_ranks: List[np.ndarray] = []
    sampled_ranks: List[np.ndarray] = []
    tops: List[np.ndarray] = []
    t0 = time.perf_counter()
    n = len(cases.users)
    for a in range(0, n, batch_size):
        b = min(n, a + batch_size)
        scores = np.asarray(ranker.score_batch(cases.inputs[a:b], cases.events[a:b]), dtype=np.float32)
        targets = cases.targets[a:b]
        rows = np.arange(b - a)
        tscore = scores[rows, targets].copy()
        if "sampled" in protocols:
            neg = scores[rows[:, None], cases.negatives[a:b]]
            sampled_ranks.append(target_ranks(neg, tscore, rng, exclude_self=False))
        if "full" in protocols:
            scores[:, 0] = -np.inf
            for r, seq in enumerate(cases.inputs[a:b]):
                scores[r, seq] = -np.inf
            scores[rows, targets] = tscore
            full_ranks.append(target_ranks(scores, tscore, rng, exclude_self=True))
            k = min(top_k_coverage, scores.shape[1] - 1)
            tops.append(np.argpartition(-scores, k, axis=1)[:, :k])
    out: Dict[str, Dict[str, float]] = {}
    seconds = time.perf_counter() - t0
    if "full" in protocols:
        out["full"] = summarize(np.concatenate(full_ranks) if full_ranks else [], ks)
        out["full"][f"coverage@{top_k_coverage}"] = coverage(
            (row for t in tops for row in t), cases.split.data.n_items)
        out["full"]["eval_seconds"] = seconds
    if "sampled" in protocols:
        out["sampled"] = summarize(np.concatenate(sampled_ranks) if sampled_ranks else [], ks)
        out["sampled"]["eval_seconds"] = seconds
    return out


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
