"""Pass rates of conversation books and on-screen acts against the real servers (blind-set figures).

Starts a Rasa server and an action server on loopback (``tools.stack``) over a store, plays every
conversation of the given books with the checks of ``tools.book``, and for on-screen files (a
request that shows a list, then one message about it) checks that the reply does the act meant
on exactly the items meant. Prints pass rates per file and per group as JSON.

Usage: PYTHONPATH=bot:. python -m tools.book_eval [--book F ...] [--on-screen F ...]
           [--catalog CSV | --shop DIR | --database-url URL] [--model M] [--show]

For a shop folder, --model must be the model trained for it (``scripts/shop.sh DIR --prepare`` in a
checkout of its own prints the path).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Dict, List

import yaml

from tools.book import load_book, payload, run_conversation
from tools.stack import BOT, ROOT, running_stack, train_model

#: what the reply to an on-screen message must be, by the act the writer meant
_ACT_REPLY = {
    "details": {"item_details"},
    "item_answer": {"item_answer"},
    "superlative": {"item_answer", "item_details"},
    "comparison": {"comparison"},
    "explanation": {"explanation"},
    "new_request": {"recommendations", "no_results", "question"},
    "more_like": {"recommendations"},
    "refine": {"recommendations", "no_results"},
    "feedback": {"recommendations", "no_results", "text"},
}
_ABOUT_CHECKED = {"details", "item_answer", "comparison", "explanation"}


def reply_kind(messages: List[Dict]) -> str:
    found = payload(messages)
    return found.get("type", "text") if found else "text"


def on_screen_case(stack, case: Dict) -> str:
    """'' when the reply to ``case['say']`` (after ``case['context']``) does the act meant, else why not."""
    sender = f"eval-{uuid.uuid4().hex[:10]}"
    first = stack.send(sender, str(case["context"])).json()
    shown = (payload(first, "recommendations") or {}).get("items") or []
    if not shown:
        return f"context showed no list: {case['context']!r}"
    response = stack.send(sender, str(case["say"]))
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    messages = response.json()
    kind = reply_kind(messages)
    act = case["act"]
    if kind not in _ACT_REPLY.get(act, set()):
        return f"{act}: got {kind}"
    about = [p for p in case.get("about") or [] if 0 < p <= len(shown)]
    if act in _ABOUT_CHECKED and about:
        found = payload(messages) or {}
        ids = [i["id"] for i in found.get("items", [])] or ([found["item"]["id"]] if "item" in found else [])
        wanted = [shown[p - 1]["id"] for p in about]
        if set(ids) != set(wanted):
            return f"{act}: about {[i for i in ids]}, meant positions {about}"
    if act == "feedback" and about and kind == "recommendations" and case.get("negative", True):
        ids = {i["id"] for i in (payload(messages, "recommendations") or {}).get("items", [])}
        if any(shown[p - 1]["id"] in ids for p in about) and case.get("negative"):
            return "feedback: a rejected item came back"
    return ""


def _database(args, workdir: Path) -> str:
    if args.database_url:
        return args.database_url
    url = f"sqlite:///{workdir / 'eval.db'}"
    env_cmd = [sys.executable, "-m", "recommender"]
    if args.shop:
        subprocess.run(env_cmd + ["import-shop", str(args.shop), "--yes", "--database-url", url],
                       cwd=ROOT, check=True, env=dict(os.environ, PYTHONPATH=str(BOT)))
    elif args.catalog:
        subprocess.run(env_cmd + ["import-catalog", str(args.catalog), "--replace", "--yes", "--database-url", url],
                       cwd=ROOT, check=True, env=dict(os.environ, PYTHONPATH=str(BOT)))
    else:
        subprocess.run(env_cmd + ["load-demo", "--database-url", url], cwd=ROOT, check=True,
                       env=dict(os.environ, PYTHONPATH=str(BOT)))
    return url


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, action="append", default=[])
    parser.add_argument("--on-screen", type=Path, action="append", default=[])
    parser.add_argument("--catalog", type=Path)
    parser.add_argument("--shop", type=Path, help="a shop folder (import-shop)")
    parser.add_argument("--database-url")
    parser.add_argument("--model", type=Path)
    parser.add_argument("--show", action="store_true", help="print every failure")
    args = parser.parse_args(argv)
    model = args.model or train_model()
    report: Dict = {}
    failures: List[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        url = _database(args, workdir)
        with running_stack(model, url, workdir / "stack") as stack:
            if args.book:
                by_group: Dict[str, List[int]] = collections.defaultdict(lambda: [0, 0])
                by_length: Dict[str, List[int]] = collections.defaultdict(lambda: [0, 0])
                for conv in load_book(args.book):
                    try:
                        run_conversation(stack.send, f"eval-{uuid.uuid4().hex[:10]}", conv)
                        ok = 1
                    except AssertionError as exc:
                        ok = 0
                        failures.append(f"[{conv.get('group', '?')}] {str(exc)[:400]}")
                    except Exception as exc:  # noqa: BLE001 - a broken case counts as a miss, with its reason
                        ok = 0
                        failures.append(f"[{conv.get('group', '?')}] {conv['name']}: {type(exc).__name__} {exc}")
                    for key, table in ((conv.get("group", "?"), by_group),
                                       ("8+ turns" if len(conv["turns"]) >= 8 else "under 8 turns", by_length)):
                        table[key][0] += ok
                        table[key][1] += 1
                passed = sum(v[0] for v in by_group.values())
                total = sum(v[1] for v in by_group.values())
                report["conversations"] = {"passed": passed, "total": total, "rate": round(passed / max(total, 1), 4),
                                           "by_group": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_group.items())},
                                           "by_length": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_length.items())}}
            if args.on_screen:
                cases = [c for p in args.on_screen for c in yaml.safe_load(p.read_text())["cases"]]
                by_act: Dict[str, List[int]] = collections.defaultdict(lambda: [0, 0])
                for case in cases:
                    why = on_screen_case(stack, case)
                    by_act[case["act"]][0] += not why
                    by_act[case["act"]][1] += 1
                    if why:
                        failures.append(f"[on-screen] {case['context']!r} -> {case['say']!r}: {why}")
                right = sum(v[0] for v in by_act.values())
                report["on_screen"] = {"right": right, "total": len(cases), "rate": round(right / max(len(cases), 1), 4),
                                       "by_act": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_act.items())}}
    if args.show:
        for line in failures:
            print(line, file=sys.stderr)
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
