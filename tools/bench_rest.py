"""Latency of a recommendation turn through the REST channel vs a trivial custom-action turn.

Both turns go through the same servers in the same run (NLU, dialogue policy, action server);
the ratio of the two medians is the figure to watch, since absolute times depend on the machine.
Usage: python -m tools.bench_rest [--turns 100]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tools.report import write_section
from tools.stack import BOT, ROOT, running_stack, train_model

RECOMMEND = ["a phone under $500 with a great camera", "headphones with noise cancelling under 300",
             "a laptop for gaming below $1500", "a 4k tv around 800"]
TRIVIAL = "what can you do?"


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(stack, text: str, sender: str = "") -> float:
    start = time.perf_counter()
    messages = stack.say(sender or f"bench-{uuid.uuid4().hex[:10]}", text)
    elapsed = (time.perf_counter() - start) * 1000
    assert messages, text
    return elapsed


def encoder_cost(url: str, repeats: int = 50) -> dict:
    """What the semantic reading adds to one message, measured in this process (median ms)."""
    import os

    os.environ["CONCIERGE_DATABASE_URL"] = url
    sys.path.insert(0, str(BOT))
    from actions.runtime import build_runtime

    started = time.perf_counter()
    runtime = build_runtime()
    build_s = time.perf_counter() - started
    matcher = runtime.turns.matcher
    if matcher is None:
        return {"runtime_build_s": round(build_s, 2), "encoder": "off"}
    per_message = []
    for i in range(repeats):
        text = RECOMMEND[i % len(RECOMMEND)] + f" {i}"  # a new text each time: no cache hits
        start = time.perf_counter()
        fixed = matcher.correct_spelling(text)
        matcher.read_category(fixed)
        matcher.read_kinds(fixed, "smartphones")
        matcher.read_needs(fixed, category="smartphones")
        matcher.relevance(fixed, [item.id for item in runtime.recommender.catalog[:200]])
        per_message.append((time.perf_counter() - start) * 1000)
    return {"runtime_build_s": round(build_s, 2), "encoder_ms_p50": round(statistics.median(per_message), 1),
            "encoder_ms_p95": round(percentile(per_message, 95), 1)}


def startup_seconds(model: Path, url: str, scorer) -> dict:
    """Action server and Rasa from launch until a shopping turn is answered (what running_stack waits for)."""
    work = Path(tempfile.mkdtemp(prefix="concierge-start-"))
    started = time.perf_counter()
    with running_stack(model, url, work, scorer):
        first = time.perf_counter() - started
    return {"first_shopping_answer_s": round(first, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="concierge-bench-"))
    url = f"sqlite:///{work / 'bench.db'}"
    subprocess.run([sys.executable, "-m", "recommender", "load-demo", "--database-url", url], cwd=ROOT,
                   env={"PYTHONPATH": str(BOT), "PATH": "/usr/bin:/bin"}, check=True, capture_output=True)
    scorer = ROOT / "var" / "scorer"
    model = train_model()
    scorer_dir = scorer if (scorer / "config.json").exists() else None
    startup = startup_seconds(model, url, scorer_dir)
    encoder = encoder_cost(url)
    with running_stack(model, url, work, scorer_dir) as stack:
        for _ in range(5):
            timed(stack, TRIVIAL), timed(stack, RECOMMEND[0])
        trivial, recommend = [], []
        for i in range(args.turns):  # interleaved so drift hits both equally
            trivial.append(timed(stack, TRIVIAL))
            # a demo shopper with stored history, new to this conversation: the transformer ranks
            recommend.append(timed(stack, RECOMMEND[i % len(RECOMMEND)], sender=f"u{i + 1:05d}"))
    rows = {}
    for name, values in (("recommendation turn", recommend), ("trivial custom-action turn", trivial)):
        rows[name] = {f"p{q}": round(percentile(values, q), 1) for q in (50, 95, 99)}
    ratio = statistics.median(recommend) / statistics.median(trivial)
    table = ["| turn | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|"]
    table += [f"| {name} | {r['p50']} | {r['p95']} | {r['p99']} |" for name, r in rows.items()]
    body = ("## REST turn latency\n\nCommand: `make bench` (`python -m tools.bench_rest --turns "
            f"{args.turns}`), {args.turns} turns of each, interleaved, a fresh conversation per turn; the "
            f"recommendation turns come from demo shoppers with stored history (ranker: "
            f"{'transformer from var/scorer' if (scorer / 'config.json').exists() else 'baseline, no var/scorer'}"
            f"), the trivial turn is \"{TRIVIAL}\" (one custom action, no catalog work).\n\n"
            + "\n".join(table) + f"\n\nRatio of medians (recommendation / trivial): **{ratio:.2f}x**\n"
            + "\nThe recommendation turn includes the sentence encoder (spelling, kind, needs and item relevance "
            "read from the message). Measured on its own in the same run (`encoder_cost`, 50 new messages): "
            f"median **{encoder.get('encoder_ms_p50', 'n/a')} ms** per message "
            f"(p95 {encoder.get('encoder_ms_p95', 'n/a')} ms).\n\nStart-up, same run: action server + Rasa from "
            f"launch until the first shopping turn is answered **{startup['first_shopping_answer_s']} s**; "
            f"building the action server's runtime (catalog, scorer, encoder, catalog embeddings) takes "
            f"{encoder['runtime_build_s']} s of it, measured in-process.\n")
    write_section("rest-latency", body)
    print("\n".join(table))
    print(json.dumps({"benchmark": "rest_turn_latency", "turns": args.turns, "ratio_p50": round(ratio, 3), **rows,
                      **encoder, **startup}))


if __name__ == "__main__":
    main()
