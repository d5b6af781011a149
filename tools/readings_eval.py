"""How the turn service reads single requests: filters it applies that nobody asked for, needs it finds.

Each sentence goes to the real turn service (the action server's runtime over a store, with the
sentence encoder) as a fresh conversation's first message. Files are YAML ``sentences:`` lists:

* no-need sentences (``category``, optional ``max_price``): the sentence asks for no feature, so
  *precision* is the share of sentences on which no feature filter was applied (sub-kinds applied
  are counted apart: "earbuds" is a product asked for, "room" in "for my living room" is not);
* need sentences (``category``, ``features``): *recall* is the share whose features were all read,
  as a filter (``filtered``) or as a filter or an offered refinement (``read``).

Usage: PYTHONPATH=bot:. python -m tools.readings_eval --no-need F [--need F] [--database-url URL] [--show]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Dict, List

import yaml


def _service(database_url: str):
    os.environ["CONCIERGE_DATABASE_URL"] = database_url
    os.environ.setdefault("CONCIERGE_SCORER_PATH", "/nonexistent-scorer")
    from actions import runtime

    return runtime.build_runtime().turns


def _first_turn(service, text: str) -> Dict:
    from recommender.dialogue.turn import Turn
    from recommender.session import ShoppingSession

    outcome = service.handle(Turn(text=text, intent="request_recommendation"), ShoppingSession())
    session = outcome.session
    offered = []
    for reply in outcome.replies:
        offered += [s.get("feature") for s in (reply.payload or {}).get("suggested", []) if s.get("feature")]
    return {"category": session.category, "features": list(session.features), "kind": session.kind,
            "max_price": session.max_price, "offered": offered,
            "text": outcome.replies[0].text.split("\n")[0] if outcome.replies else ""}


def evaluate(service, no_need: List[Dict], need: List[Dict], show: bool = False) -> Dict:
    report: Dict = {}
    if no_need:
        clean = category_right = kinds = offered = 0
        misses = []
        for case in no_need:
            got = _first_turn(service, str(case["say"]))
            ok = not got["features"]
            clean += ok
            kinds += bool(got["kind"])
            offered += bool(got["offered"])
            category_right += (case.get("category") or None) == got["category"]
            if not ok or got["kind"]:
                misses.append({"say": case["say"], "features": got["features"], "kind": got["kind"]})
        report["no_need"] = {"sentences": len(no_need), "precision": round(clean / len(no_need), 4),
                             "sub_kind_applied": kinds, "refinement_offered": offered,
                             "category_accuracy": round(category_right / len(no_need), 4)}
        if show:
            report["no_need"]["misses"] = misses
    if need:
        filtered = read = 0
        misses = []
        for case in need:
            got = _first_turn(service, str(case["say"]))
            wanted = set(case.get("features") or [])
            filtered += wanted <= set(got["features"])
            read += wanted <= set(got["features"]) | set(got["offered"])
            if not wanted <= set(got["features"]) | set(got["offered"]):
                misses.append({"say": case["say"], "wanted": sorted(wanted), "features": got["features"],
                               "offered": got["offered"]})
        report["need"] = {"sentences": len(need), "recall_filtered": round(filtered / len(need), 4),
                          "recall_read": round(read / len(need), 4)}
        if show:
            report["need"]["misses"] = misses
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-need", type=Path, action="append", default=[])
    parser.add_argument("--need", type=Path, action="append", default=[])
    parser.add_argument("--database-url", default=os.environ.get("CONCIERGE_DATABASE_URL", "sqlite:///var/concierge.db"))
    parser.add_argument("--show", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    no_need = [s for p in args.no_need for s in yaml.safe_load(p.read_text())["sentences"]]
    need = [s for p in args.need for s in yaml.safe_load(p.read_text())["sentences"]]
    report = evaluate(_service(args.database_url), no_need, need, args.show)
    json.dump(report, sys.stdout, indent=1, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
