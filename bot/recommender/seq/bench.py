"""Scoring latency of the serving path on synthetic catalogues (``python -m recommender.seq bench``).

For each catalogue size a SASRec with the recommended shape (random weights: latency does not depend on
training) is wrapped in ``SequenceScorer``; one request = a history of ``history_len`` (item, event) pairs
+ the candidate ids (the whole catalogue by default, the worst case; ``candidates`` for a typical
constraint-filtered set). ``ensemble`` and ``knn_neighbours`` give the served shape of the tuned preset (three
members, an item-kNN blend over a random similarity matrix with that many neighbours per item). Reports p50/p99
of single in-process requests, the throughput of ``concurrency`` threads calling ``score`` (with and without
micro-batching) and the process's memory.
"""
from __future__ import annotations

import gc
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List

import numpy as np
import torch

from recommender.scoring.config import SeqConfig
from recommender.scoring.device import set_threads
from recommender.scoring.events import EVENT_VOCAB
from recommender.scoring.knn import ItemSimilarity
from recommender.scoring.model import build_model
from recommender.scoring.scorer import SequenceScorer


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _random_knn(n_items: int, neighbours: int, rng: np.random.Generator):
    """An item-kNN over a random similarity matrix: ``neighbours`` entries per item."""
    import scipy.sparse as sp

    n = n_items + 1
    rows = np.repeat(np.arange(1, n), neighbours)
    cols = rng.integers(1, n, size=len(rows))
    S = sp.csr_matrix((rng.random(len(rows), dtype=np.float32) * 0.1, (rows, cols)), shape=(n, n))
    return ItemSimilarity(S, decay=0.9)


def _one_size(n_items: int, requests: int, concurrency: int, candidates: int, hidden: int, history_len: int,
              device: str, seed: int = 0, ensemble: int = 1, knn_neighbours: int = 0) -> Dict[str, float]:
    rng = np.random.default_rng(seed)
    gc.collect()
    rss0 = _rss_mb()
    cfg = SeqConfig(n_items=n_items, hidden=hidden, events=list(EVENT_VOCAB[1:]), ensemble=ensemble,
                    knn_weight=16.0 if knn_neighbours else 0.0)
    torch.manual_seed(seed)
    model = build_model(cfg)
    knn = _random_knn(n_items, knn_neighbours, rng) if knn_neighbours else None
    item_ids = [f"sku-{i:07d}" for i in range(n_items)]
    scorer = SequenceScorer(model, cfg, item_ids, device=device, batching=False, knn=knn)
    rss1 = _rss_mb()
    events = ["view", "click", "like", "add_to_cart", "purchase"]

    def make_request():
        hist = [(item_ids[int(i)], events[int(e)]) for i, e in
                zip(rng.integers(0, n_items, history_len), rng.integers(0, len(events), history_len))]
        if candidates and candidates < n_items:
            cands = [item_ids[int(i)] for i in rng.choice(n_items, candidates, replace=False)]
        else:
            cands = item_ids
        return hist, cands

    reqs = [make_request() for _ in range(min(requests, 64))]
    for r in reqs[:5]:  # warm-up
        scorer.score(*r)
    lat: List[float] = []
    for k in range(requests):
        h, c = reqs[k % len(reqs)]
        t = time.perf_counter()
        s = scorer.score(h, c)
        lat.append((time.perf_counter() - t) * 1000.0)
        assert s is not None and len(s) == len(c)
    rss2 = _rss_mb()
    out: Dict[str, float] = {
        "items": n_items, "candidates": len(reqs[0][1]), "history_len": history_len, "ensemble": ensemble,
        "knn_neighbours": knn_neighbours,
        "p50_ms": round(float(np.percentile(lat, 50)), 2), "p99_ms": round(float(np.percentile(lat, 99)), 2),
        "mean_ms": round(float(np.mean(lat)), 2),
        "model_mb": round((sum(p.numel() * p.element_size() for p in model.parameters())
                           + (knn.S.data.nbytes + knn.S.indices.nbytes + knn.S.indptr.nbytes if knn else 0)) / 2 ** 20, 1),
        "rss_delta_mb": round(rss2 - rss0, 1), "rss_mb": round(rss2, 1), "scorer_build_rss_mb": round(rss1 - rss0, 1),
    }
    n_conc = max(requests, concurrency * 8)
    for batching in (False, True):
        sc = SequenceScorer(model, cfg, item_ids, device=device, batching=batching, knn=knn) if batching else scorer
        t = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(lambda k: sc.score(*reqs[k % len(reqs)]), range(n_conc)))
        rate = n_conc / (time.perf_counter() - t)
        out[f"throughput_rps_{concurrency}conc" + ("_batched" if batching else "")] = round(rate, 1)
        if batching:
            sc.close()
    del scorer, model, knn
    gc.collect()
    return out


def run_bench(sizes: List[int], requests: int = 300, concurrency: int = 16, candidates: int = 0, hidden: int = 64,
              history_len: int = 30, device: str = "cpu", threads: int = 0, ensemble: int = 1,
              knn_neighbours: int = 0) -> Dict[str, object]:
    set_threads(threads)
    results = []
    for n in sizes:
        r = _one_size(n, requests, concurrency, candidates, hidden, history_len, device, ensemble=ensemble,
                      knn_neighbours=knn_neighbours)
        print(r, file=sys.stderr, flush=True)
        results.append(r)
    lines = ["| items | candidates | p50 ms | p99 ms | rps (16 threads) | rps batched | RSS after (MB) | model MB |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r['items']:,} | {r['candidates']:,} | {r['p50_ms']} | {r['p99_ms']} | "
                     f"{r[f'throughput_rps_{concurrency}conc']} | {r[f'throughput_rps_{concurrency}conc_batched']} | "
                     f"{r['rss_mb']} | {r['model_mb']} |")
    print("\n".join(lines), file=sys.stderr)
    return {"bench": "seq-scorer", "device": device, "torch_threads": torch.get_num_threads(), "results": results}
