"""Interaction-sequence loaders, the item-id mapping and the leave-one-out split.

Formats (``detect_format`` tells them apart by the path and the lines themselves):

* SASRec's line format ("sasrec"): ``user item`` per line, each user's lines in time order;
* one line per user ("user-lines", as S3-Rec / ICLRec distribute Amazon Toys, Sports, Beauty):
  ``user item item item ...``, items in time order (both read by ``load_item_lines``);
* MovieLens: ``u.data`` (tab-separated) or ``ratings.dat`` (``::``-separated), ordered by timestamp,
  with titles/genres from ``u.item`` / ``movies.dat`` when present (``load_movielens``);
* the project's interaction CSV ``user_id,item_id,event,value,timestamp,source`` (``load_interactions_csv``).

Item index 0 is padding; item ``i`` (1-based) is ``item_ids[i - 1]``.
"""
from __future__ import annotations

import csv
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from recommender.scoring.events import EVENT_INDEX, EVENT_VOCAB, NEGATIVE_EVENTS, event_index  # noqa: F401

log = logging.getLogger(__name__)


@dataclass
class SequenceData:
    """Per-user chronological sequences over a shared item vocabulary."""

    item_ids: List[str]
    users: List[str]
    items: List[np.ndarray]  # int64 item indices (1-based)
    events: List[np.ndarray]  # int64 event indices into EVENT_VOCAB
    positive: List[np.ndarray]  # bool: may this position be a training/evaluation target?
    titles: Dict[str, str] = field(default_factory=dict)
    genres: Dict[str, List[str]] = field(default_factory=dict)
    name: str = ""
    source_format: str = ""  # the format it was read from ("sasrec", "user-lines", "movielens", "csv")

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_interactions(self) -> int:
        return int(sum(len(s) for s in self.items))

    def item_index(self) -> Dict[str, int]:
        return {iid: i + 1 for i, iid in enumerate(self.item_ids)}

    def summary(self) -> str:
        fmt = f" ({self.source_format})" if self.source_format else ""
        return (f"{self.name or 'data'}{fmt}: {self.n_users} users, {self.n_items} items, "
                f"{self.n_interactions} interactions")


def _build(rows: Dict[str, List[Tuple[str, str, bool]]], name: str, item_order: Optional[List[str]] = None
           ) -> SequenceData:
    """rows: user -> chronological (item_id, event, positive)."""
    if item_order is None:
        seen: Dict[str, None] = {}
        for seq in rows.values():
            for iid, _, _ in seq:
                seen.setdefault(iid, None)
        item_order = list(seen)
    index = {iid: i + 1 for i, iid in enumerate(item_order)}
    users, items, events, positive = [], [], [], []
    for user, seq in rows.items():
        if not seq:
            continue
        users.append(user)
        items.append(np.fromiter((index[i] for i, _, _ in seq), dtype=np.int64, count=len(seq)))
        events.append(np.fromiter((event_index(e) for _, e, _ in seq), dtype=np.int64, count=len(seq)))
        positive.append(np.fromiter((p for _, _, p in seq), dtype=bool, count=len(seq)))
    return SequenceData(list(item_order), users, items, events, positive, name=name)


def _numeric_sorted(keys: Iterable[str]) -> List[str]:
    keys = list(keys)
    try:
        return sorted(keys, key=int)
    except ValueError:
        return sorted(keys)


class LineFormatError(ValueError):
    """A line file that is neither ``user item`` pairs nor one line per user."""


def detect_line_layout(path: str | os.PathLike, sample_lines: int = 0) -> str:
    """"sasrec" (every line ``user item``) or "user-lines" (one line per user: ``user item item ...``).

    A file whose lines all hold two fields reads the same either way. Lines with more fields are one line per
    user only when no user has two lines; otherwise (``user item timestamp``? ``user item rating``?) the file is
    refused with the first such line named, rather than read wrongly. ``sample_lines`` > 0 looks at the first
    lines only.
    """
    users: Dict[str, int] = {}
    wide: Optional[Tuple[int, int]] = None  # (line number, fields) of the first line with > 2 fields
    repeated: Optional[Tuple[int, str]] = None
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) > 2 and wide is None:
                wide = (n, len(parts))
            if parts[0] in users and repeated is None:
                repeated = (n, parts[0])
            users.setdefault(parts[0], n)
            if sample_lines and n >= sample_lines:
                break
    if wide is None:
        return "sasrec"
    if repeated is None:
        return "user-lines"
    raise LineFormatError(
        f"{path}: line {wide[0]} has {wide[1]} fields (one line per user?) but user {repeated[1]!r} appears again "
        f"on line {repeated[0]} (first on line {users[repeated[1]]}); expected either `user item` per line or "
        "one line per user `user item item ...`")


def load_item_lines(path: str | os.PathLike, layout: str = "auto", event: str = "purchase") -> SequenceData:
    """A line file of item ids: ``user item`` per line ("sasrec"; each user's lines in time order) or one line per
    user ``user item item ...`` ("user-lines"; items in time order); ``layout="auto"`` tells them apart
    (``detect_line_layout``). Every item of every line is read; a line with more fields than its layout allows
    is an error naming the line. Users and items are numbered in numeric order of their ids when all are numbers."""
    if layout == "auto":
        layout = detect_line_layout(path)
    if layout not in ("sasrec", "user-lines"):
        raise ValueError(f"unknown line layout {layout!r}")
    rows: Dict[str, List[Tuple[str, str, bool]]] = {}
    items: Dict[str, None] = {}
    empty_users = 0
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            parts = line.split()
            if not parts:
                continue
            if layout == "sasrec" and len(parts) != 2:
                raise LineFormatError(f"{path}: line {n} has {len(parts)} fields; `user item` expected "
                                      "(use --format user-lines for one line per user)")
            if layout == "user-lines" and parts[0] in rows:
                raise LineFormatError(f"{path}: line {n}: user {parts[0]!r} has a second line; one line per user "
                                      "expected (use --format sasrec for `user item` per line)")
            if len(parts) == 1:
                empty_users += 1
                continue
            seq = rows.setdefault(parts[0], [])
            for i in parts[1:]:
                seq.append((i, event, True))
                items.setdefault(i, None)
    if empty_users:
        log.warning("%s: %d user line(s) without items (users kept out, no item dropped)", path, empty_users)
    rows = {u: rows[u] for u in _numeric_sorted(rows)}
    data = _build(rows, Path(path).stem, _numeric_sorted(items))
    data.source_format = layout
    return data


def load_sasrec_lines(path: str | os.PathLike, event: str = "purchase") -> SequenceData:
    """SASRec's format: ``user item`` per line, each user's lines already in time order."""
    return load_item_lines(path, "sasrec", event)


def load_movielens(path: str | os.PathLike, min_rating: float = 0.0) -> SequenceData:
    """MovieLens ``u.data`` / ``ratings.dat`` (a file, or the folder holding it), ordered by time.

    Every rating is an implicit positive (the usual protocol for sequential models) unless ``min_rating``
    is set. Titles and genres come from ``u.item``/``u.genre`` or ``movies.dat`` next to it when present.
    """
    p = Path(path)
    if p.is_dir():
        for name in ("u.data", "ratings.dat", "ratings.csv"):
            if (p / name).exists():
                p = p / name
                break
        else:
            raise FileNotFoundError(f"no u.data / ratings.dat / ratings.csv in {path}")
    folder = p.parent
    raw: Dict[str, List[Tuple[int, int, str]]] = {}
    items: Dict[str, None] = {}
    with open(p, encoding="latin-1") as fh:
        for n, line in enumerate(fh):
            line = line.strip()
            if not line:
                continue
            if "::" in line:
                parts = line.split("::")
            elif "\t" in line:
                parts = line.split("\t")
            else:
                parts = line.split(",")
                if n == 0 and not parts[0].isdigit():
                    continue  # csv header
            u, i, r, t = parts[0], parts[1], float(parts[2]), int(float(parts[3]))
            if r < min_rating:
                continue
            raw.setdefault(u, []).append((t, n, i))
            items.setdefault(i, None)
    rows = {}
    for u in _numeric_sorted(raw):
        seq = sorted(raw[u])  # by time, ties by file order
        rows[u] = [(i, "rating", True) for _, _, i in seq]
    data = _build(rows, folder.name or p.stem, _numeric_sorted(items))
    _load_movielens_meta(folder, data)
    return data


def _load_movielens_meta(folder: Path, data: SequenceData) -> None:
    genre_names: List[str] = []
    if (folder / "u.genre").exists():
        for line in (folder / "u.genre").read_text(encoding="latin-1").splitlines():
            if "|" in line:
                name, idx = line.rsplit("|", 1)
                genre_names.append(name)
    if (folder / "u.item").exists():
        for line in (folder / "u.item").read_text(encoding="latin-1").splitlines():
            parts = line.split("|")
            if len(parts) < 2:
                continue
            data.titles[parts[0]] = parts[1]
            flags = parts[5:]
            if genre_names and len(flags) == len(genre_names):
                data.genres[parts[0]] = [g for g, f in zip(genre_names, flags) if f.strip() == "1"]
    elif (folder / "movies.dat").exists():
        for line in (folder / "movies.dat").read_text(encoding="latin-1").splitlines():
            parts = line.split("::")
            if len(parts) >= 3:
                data.titles[parts[0]] = parts[1]
                data.genres[parts[0]] = parts[2].split("|")


def is_positive(event: str, value: Optional[float]) -> bool:
    """Whether an interaction may serve as a positive target: not a dislike, not a low rating."""
    if event in NEGATIVE_EVENTS:
        return False
    if event == "rating" and value is not None and value < 3:
        return False
    return True


def load_interactions_csv(path: str | os.PathLike, item_ids: Optional[Sequence[str]] = None) -> SequenceData:
    """The project's interaction log ``user_id,item_id,event,value,timestamp,source``, ordered by timestamp.

    Dislikes (and ratings below 3) stay in the sequence as context but are not targets. ``item_ids`` fixes
    the item vocabulary (e.g. the whole catalogue, so never-interacted items are known to the model).
    """
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return from_interaction_rows(rows, item_ids, name=Path(path).stem)


def from_interaction_rows(rows: Iterable[dict], item_ids: Optional[Sequence[str]] = None, name: str = "interactions"
                          ) -> SequenceData:
    """Builds sequences from interaction dicts (``user_id, item_id, event, value, timestamp``); timestamps may
    be numbers, ISO-8601 strings or datetimes. Rows are ordered by timestamp, ties by input order."""
    raw: Dict[str, List[Tuple[object, int, str, str, bool]]] = {}
    for n, row in enumerate(rows):
        event = str(row.get("event") or "view").strip()
        value_raw = row.get("value")
        try:
            value: Optional[float] = float(value_raw) if value_raw not in (None, "") else None
        except (TypeError, ValueError):
            value = None
        raw.setdefault(str(row["user_id"]), []).append(
            (_ts_key(row.get("timestamp")), n, str(row["item_id"]), event, is_positive(event, value)))
    seqs = {}
    for u, seq in raw.items():
        seq.sort(key=lambda r: (r[0], r[1]))
        seqs[u] = [(i, e, p) for _, _, i, e, p in seq]
    order = None
    if item_ids is not None:
        order = list(dict.fromkeys(item_ids))
        known = set(order)
        extra = {i for seq in seqs.values() for i, _, _ in seq if i not in known}
        order += sorted(extra)
    return _build(seqs, name, order)


def _ts_key(ts) -> float:
    """Seconds since the epoch for a number, a numeric string, an ISO-8601 string or a datetime."""
    from datetime import datetime, timezone

    if ts is None or ts == "":
        return 0.0
    if isinstance(ts, datetime):
        dt = ts
    else:
        try:
            return float(ts)
        except (TypeError, ValueError):
            dt = datetime.fromisoformat(str(ts).strip().replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


FORMATS = ("sasrec", "user-lines", "movielens", "csv")


def detect_format(path: str | os.PathLike) -> str:
    """"movielens" (a folder, ``u.data``, ``ratings.dat`` or a ratings CSV), "csv" (the project's interaction
    CSV, with an ``event`` column), else a line file of item ids: "sasrec" (``user item`` per line) or
    "user-lines" (``user item item ...``, one line per user), told apart by its lines (``detect_line_layout``)."""
    p = Path(path)
    if p.is_dir() or p.name in ("u.data", "ratings.dat"):
        return "movielens"
    if p.suffix == ".csv":
        with open(p, encoding="utf-8") as fh:
            header = fh.readline()
        return "csv" if "event" in header else "movielens"
    return detect_line_layout(p)


def load_any(path: str | os.PathLike, fmt: str = "auto") -> SequenceData:
    """Pick the loader by ``fmt`` (one of ``FORMATS``) or by the path and its lines (``detect_format``)."""
    p = Path(path)
    if fmt == "auto":
        fmt = detect_format(p)
    if fmt in ("sasrec", "user-lines"):
        return load_item_lines(p, fmt)
    if fmt == "movielens":
        data = load_movielens(p)
    elif fmt == "csv":
        data = load_interactions_csv(p)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    data.source_format = fmt
    return data


# ------------------------------------------------------------------------------------------------
# Leave-one-out split
# ------------------------------------------------------------------------------------------------

@dataclass
class Split:
    """Leave-one-out positions per user (-1 = user not evaluated).

    Training uses positions ``[:valid_pos]``; validation predicts ``valid_pos`` from ``[:valid_pos]``;
    the test predicts ``test_pos`` from ``[:test_pos]`` (which includes the validation item).
    """

    data: SequenceData
    valid_pos: np.ndarray
    test_pos: np.ndarray

    def train_end(self, u: int) -> int:
        v = int(self.valid_pos[u])
        return v if v >= 0 else len(self.data.items[u])

    def eval_users(self, which: str) -> np.ndarray:
        pos = self.valid_pos if which == "valid" else self.test_pos
        return np.flatnonzero(pos >= 0)

    def eval_case(self, u: int, which: str) -> Tuple[np.ndarray, np.ndarray, int]:
        """(input items, input events, target item) for user ``u``."""
        p = int(self.valid_pos[u] if which == "valid" else self.test_pos[u])
        return self.data.items[u][:p], self.data.events[u][:p], int(self.data.items[u][p])


def leave_one_out(data: SequenceData) -> Split:
    """Last positive interaction = test, the positive before it = validation, the rest = training.

    Users with fewer than 3 positive interactions are kept for training only (as in SASRec's code).
    """
    valid = np.full(data.n_users, -1, dtype=np.int64)
    test = np.full(data.n_users, -1, dtype=np.int64)
    for u, pos in enumerate(data.positive):
        idx = np.flatnonzero(pos)
        if len(idx) >= 3:
            valid[u], test[u] = idx[-2], idx[-1]
    return Split(data, valid, test)


def validation_split(data: SequenceData) -> Split:
    """Each user's newest positive interaction is the validation item and nothing is held out as a test: the
    "test" position points past the end, so a refit (and the item-kNN after it) uses every interaction. For
    retraining from the store, where the held-out test is a slice of recent interactions instead
    (``retrain.recent_slice``). Users with fewer than 2 positive interactions only train."""
    valid = np.full(data.n_users, -1, dtype=np.int64)
    test = np.full(data.n_users, -1, dtype=np.int64)
    for u, pos in enumerate(data.positive):
        idx = np.flatnonzero(pos)
        if len(idx) >= 2:
            valid[u], test[u] = idx[-1], len(pos)
    return Split(data, valid, test)


def train_sequences(split: Split, with_validation: bool = False) -> List[Tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(items, events, positive) training prefixes, one per user with at least 2 positions; with
    ``with_validation`` each evaluated user's prefix runs up to the test item (for a final refit)."""
    out = []
    d = split.data
    for u in range(d.n_users):
        end = int(split.test_pos[u]) if with_validation and split.test_pos[u] >= 0 else split.train_end(u)
        if end >= 2:
            out.append((d.items[u][:end], d.events[u][:end], d.positive[u][:end]))
    return out


def popularity(split: Split) -> np.ndarray:
    """Training-interaction counts per item index (index 0 = padding, always 0)."""
    counts = np.zeros(split.data.n_items + 1, dtype=np.float64)
    for u in range(split.data.n_users):
        end = split.train_end(u)
        np.add.at(counts, split.data.items[u][:end][split.data.positive[u][:end]], 1.0)
    counts[0] = 0
    return counts
