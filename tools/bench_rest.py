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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=100)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="concierge-bench-"))
    url = f"sqlite:///{work / 'bench.db'}"
    subprocess.run([sys.executable, "-m", "recommender", "load-demo", "--database-url", url], cwd=ROOT,
                   env={"PYTHONPATH": str(BOT), "PATH": "/usr/bin:/bin"}, check=True, capture_output=True)
    scorer = ROOT / "var" / "scorer"
    with running_stack(train_model(), url, work, scorer if (scorer / "config.json").exists() else None) as stack:
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
            + "\n".join(table) + f"\n\nRatio of medians (recommendation / trivial): **{ratio:.2f}x**\n")
    write_section("rest-latency", body)
    print("\n".join(table))
    print(json.dumps({"benchmark": "rest_turn_latency", "turns": args.turns, "ratio_p50": round(ratio, 3), **rows}))


if __name__ == "__main__":
    main()
