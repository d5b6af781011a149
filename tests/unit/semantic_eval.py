"""How the semantic matcher's thresholds were chosen, and how well they do on held-out phrases.

Run from the repository root (about a minute on 2 CPU cores)::

    HF_HUB_OFFLINE=1 PYTHONPATH=bot .venvs/actions/bin/python -m tests.unit.semantic_eval

For each reader (needs, category) the scores of the *tuning* cases of both shops (demo electronics
and the kitchen fixture) are computed once; every (threshold, margin) pair on a grid is scored by
F0.5 (precision counts double: a wrong reading filters out good items, a missed one only leaves
the list broader) and the best pair is printed next to the constants in ``semantic.py``. The
*held-out* cases, written after the method and the constants were fixed, are then scored with
those constants. ``docs/semantic.md`` records the output.
"""
from __future__ import annotations

import time
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from recommender.demo import load_demo_catalog
from recommender.understanding import semantic
from recommender.understanding.encoder import load_encoder
from recommender.understanding.semantic import SemanticMatcher
from recommender.vocabulary import build_vocabulary
from tests.unit import semantic_fixtures as fx
from recommender.demo import demo_vocabulary

DEMO_WORDS = demo_vocabulary()

Case = Tuple[str, Optional[str], Optional[str]]


def build_matchers(encoder, descriptions: bool = True) -> Dict[str, SemanticMatcher]:
    demo = load_demo_catalog()
    kitchen = fx.kitchen_catalog()
    return {
        "demo": SemanticMatcher(demo, build_vocabulary(demo, DEMO_WORDS), encoder, None if descriptions else {}),
        "kitchen": SemanticMatcher(kitchen, build_vocabulary(kitchen, DEMO_WORDS), encoder,
                                   fx.KITCHEN_FEATURE_DESCRIPTIONS if descriptions else {}),
    }


def _decide(row: np.ndarray, threshold: float, margin: float) -> Optional[int]:
    index, _ = semantic._confident(row, threshold, margin)
    return index


def need_rows(matcher: SemanticMatcher, cases: Sequence[Case]) -> List[Tuple[Optional[str], list]]:
    """(expected tag, [(clause row)...]) per case: the raw material of every threshold decision."""
    return [(want, [row for _, row in matcher.need_scores(text, category)]) for text, category, want in cases]


def need_counts(rows, names: Sequence[str], threshold: float, margin: float) -> Tuple[int, int, int, int]:
    """(correct readings, all readings, positive cases found, positive cases)."""
    correct = total = found = positives = 0
    for want, clause_rows in rows:
        read = {names[i] for i in (_decide(r, threshold, margin) for r in clause_rows) if i is not None}
        accepted = set(want) if isinstance(want, tuple) else {want} - {None}
        hit = bool(read & accepted)
        total += len(read)
        correct += len(read & accepted)
        positives += bool(accepted)
        found += int(hit)
    return correct, total, found, positives


def category_rows(matcher: SemanticMatcher, cases: Sequence[Tuple[str, Optional[str]]]):
    out = []
    for text, want in cases:
        scored = matcher.category_scores(text)
        out.append((want, [] if scored is None else [scored[1]]))
    return out


def f_beta(precision: float, recall: float, beta: float = 0.5) -> float:
    if precision + recall == 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * precision * recall / (b2 * precision + recall)


def summarise(counts: Iterable[Tuple[int, int, int, int]]) -> Tuple[float, float, int, int, int, int]:
    correct = total = found = positives = 0
    for c, t, f, p in counts:
        correct, total, found, positives = correct + c, total + t, found + f, positives + p
    precision = correct / total if total else 1.0
    recall = found / positives if positives else 1.0
    return precision, recall, correct, total, found, positives


def grid(rows_by_shop, names_by_shop, thresholds, margins):
    """Best (F0.5, threshold, margin, precision, recall) over the grid, on the given rows."""
    best = None
    for t in thresholds:
        for m in margins:
            p, r, *_ = summarise(need_counts(rows_by_shop[s], names_by_shop[s], t, m) for s in rows_by_shop)
            key = (round(f_beta(p, r), 4), p, -t, -m)
            if best is None or key > best[0]:
                best = (key, t, m, p, r)
    return best


def report(matchers: Dict[str, SemanticMatcher], label: str) -> None:
    need_sets = {"demo": (fx.DEMO_NEED_CASES, fx.DEMO_NEED_HELDOUT),
                 "kitchen": (fx.KITCHEN_NEED_CASES, fx.KITCHEN_NEED_HELDOUT)}
    category_sets = {"demo": (fx.DEMO_CATEGORY_CASES, fx.DEMO_CATEGORY_HELDOUT),
                     "kitchen": (fx.KITCHEN_CATEGORY_CASES, fx.KITCHEN_CATEGORY_HELDOUT)}
    thresholds = np.round(np.arange(0.20, 0.56, 0.01), 2)
    margins = np.round(np.arange(0.0, 0.16, 0.01), 2)
    for reader, sets, rows_of, names_of, constants in (
        ("needs", need_sets, need_rows, lambda m: m.feature_names, (semantic.NEED_THRESHOLD, semantic.NEED_MARGIN)),
        ("category", category_sets, category_rows, lambda m: m.category_names,
         (semantic.CATEGORY_THRESHOLD, semantic.CATEGORY_MARGIN)),
    ):
        names = {s: names_of(m) for s, m in matchers.items()}
        tune = {s: rows_of(matchers[s], sets[s][0]) for s in matchers}
        held = {s: rows_of(matchers[s], sets[s][1]) for s in matchers}
        (_, t, m, p, r) = grid(tune, names, thresholds, margins)
        print(f"[{label}] {reader}: best on tuning half: threshold {t:.2f} margin {m:.2f} "
              f"-> precision {p:.3f} recall {r:.3f}")
        for half, rows in (("tuning", tune), ("held-out", held)):
            for shop in [*matchers, None]:
                shops = [shop] if shop else list(matchers)
                p, r, c, tot, f, pos = summarise(need_counts(rows[s], names[s], *constants) for s in shops)
                print(f"[{label}] {reader} {half:8s} {shop or 'both':8s} at {constants[0]:.2f}/{constants[1]:.2f}: "
                      f"precision {p:.3f} ({c}/{tot}) recall {r:.3f} ({f}/{pos})")


def main() -> None:
    began = time.perf_counter()
    encoder = load_encoder()
    if encoder is None:
        raise SystemExit("no sentence encoder (see recommender.settings.encoder_path)")
    report(build_matchers(encoder, descriptions=True), "with descriptions")
    report(build_matchers(encoder, descriptions=False), "no descriptions")
    print(f"done in {time.perf_counter() - began:.1f}s")


if __name__ == "__main__":
    main()
