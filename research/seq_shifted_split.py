"""Write a SASRec line file of a data set with every evaluated user's test item removed.

Why: a setting that changes what happens after model selection (the refit, the number and schedule of
ensemble members) cannot be judged on validation. Running ``python -m recommender.seq run`` on this file
makes each user's real validation item the "test" item, so whole configurations can be compared end to
end without the real test items ever being loaded.

Usage:
    PYTHONPATH=bot .venvs/actions/bin/python -m research.seq_shifted_split ../shared/data/amazon-games/Video.txt \
        /tmp/Video-shifted.txt
"""
from __future__ import annotations

import argparse
import sys

from recommender.seq.data import load_any
from research.seq_refit_probe import without_test_items


def write_lines(data, path: str) -> int:
    """``user item`` per line, each user's lines in time order; returns the number of lines."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for u, items in enumerate(data.items):
            user = data.users[u]
            for i in items:
                fh.write(f"{user} {data.item_ids[int(i) - 1]}\n")
                n += 1
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data")
    ap.add_argument("out")
    args = ap.parse_args(argv)
    data = load_any(args.data)
    n = write_lines(without_test_items(data), args.out)
    print(f"wrote {n} interactions of {data.n_users} users to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
