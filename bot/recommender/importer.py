"""Import a shop's catalog (CSV/JSON) and interaction logs (CSV) into the store.

Files are validated completely before anything is written, and every problem is reported
by file, line and field, so a shop can fix its export in one pass. The write itself is a
single transaction: an import either lands entirely or not at all.

Control characters (NUL and the rest of Unicode's Cc category) are refused in every field;
tab, newline and carriage return are allowed inside ``description`` only. Replacing a
catalog can be made to ask first (``confirm``): :func:`plan_replace` says how many stored
items, and interactions with them, the replace would delete.
"""
from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from sqlalchemy import func, select

from .catalog import EVENT_TYPES, Item
from .store import Store, parse_timestamp
from .store.schema import interactions as interactions_table
from .store.schema import items as items_table

#: Stop collecting after this many problems; one exception reports them all.
MAX_ERRORS = 20

CATALOG_REQUIRED = ("id", "title", "category", "brand", "price")
CATALOG_OPTIONAL = ("currency", "features", "description", "in_stock", "image_url")
INTERACTION_REQUIRED = ("user_id", "item_id", "event", "timestamp")
INTERACTION_OPTIONAL = ("value", "source")

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
_MAX_PRICE = 1e10  # items.price is NUMERIC(12, 2)


class ImportValidationError(ValueError):
    """A file failed validation; ``errors`` lists each problem (file, line, field)."""

    def __init__(self, path: Path, errors: List[str], convention: str, truncated: bool = False):
        self.path = Path(path)
        self.errors = list(errors)
        self.truncated = truncated
        more = f" (stopped reading after {len(errors)}; there may be more)" if truncated else ""
        header = (
            f"{self.path}: {len(errors)} problem(s){more}; nothing was imported "
            f"({convention}):"
        )
        super().__init__("\n".join([header, *(f"  {e}" for e in errors)]))


class ImportCancelled(RuntimeError):
    """A replace was not confirmed (or the catalog changed after it was); nothing was written."""


@dataclass(frozen=True)
class ReplacePlan:
    """What replacing the stored catalog with a file would delete."""

    item_ids: Tuple[str, ...] = ()  # stored items that are not in the file
    interactions: int = 0  # stored interactions with those items (deleted with them)
    kept_items: int = 0  # stored items that the file overwrites

    @property
    def items(self) -> int:
        return len(self.item_ids)

    @property
    def deletes_anything(self) -> bool:
        return bool(self.item_ids or self.interactions)

    def describe(self) -> str:
        if not self.deletes_anything:
            return "replacing the catalog deletes nothing (every stored item is in the file)"
        shown = ", ".join(self.item_ids[:5]) + (", ..." if len(self.item_ids) > 5 else "")
        return (
            f"replacing the catalog deletes {self.items} stored item(s) that are not in the file "
            f"({shown}) and {self.interactions} interaction(s) with them"
        )


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    items: int = 0
    removed_items: int = 0
    interactions: int = 0


class _Problems:
    """Collects error messages for one file, up to MAX_ERRORS."""

    def __init__(self, path: Path, convention: str):
        self.path = Path(path)
        self.name = self.path.name
        self.convention = convention
        self.messages: List[str] = []
        self.truncated = False

    @property
    def full(self) -> bool:
        return len(self.messages) >= MAX_ERRORS

    def add(self, where: str, message: str, field: Optional[str] = None) -> None:
        if self.full:
            return
        self.truncated = len(self.messages) + 1 >= MAX_ERRORS  # we stop reading here
        at = f"{self.name} {where}".rstrip() + (f', field "{field}"' if field else "")
        self.messages.append(f"{at}: {message}")

    def raise_if_any(self) -> None:
        if self.messages:
            raise ImportValidationError(self.path, self.messages, self.convention, self.truncated)


class _Invalid(Exception):
    """One field's problem (message only; the caller knows where)."""


# -- control characters ----------------------------------------------------------------------
#: Unicode category Cc: C0 controls, DEL and C1 controls.
# control characters, and lone UTF-16 surrogates (JSON's "\ud800"), which no database can store
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")  # tab, LF, CR allowed
#: Fields in which tab and line breaks are allowed (they are folded into spaces).
MULTILINE_FIELDS = frozenset({"description"})
_CONTROL_NAMES = {0: "NUL", 9: "TAB", 10: "LF", 13: "CR", 27: "ESC", 127: "DEL"}


def _control_problem(value: Any, multiline: bool) -> Optional[str]:
    """A message for the first control character in ``value`` (or its strings), else None."""
    if isinstance(value, str):
        match = (_CONTROL_IN_TEXT if multiline else _CONTROL).search(value)
        if match is None:
            return None
        code = ord(match.group())
        if 0xD800 <= code <= 0xDFFF:
            return f"contains a lone surrogate (U+{code:04X}, not a character) at character {match.start() + 1}"
        name = _CONTROL_NAMES.get(code, "control character")
        return f"contains a control character (U+{code:04X} {name}) at character {match.start() + 1}"
    if isinstance(value, (list, tuple)):
        for entry in value:
            problem = _control_problem(entry, multiline)
            if problem:
                return problem
    return None


def _reject_controls(problems: "_Problems", where: str, record: Mapping[str, Any]) -> bool:
    """Report every field of ``record`` holding a control character; True if there was one."""
    found = False
    for name, value in record.items():
        problem = _control_problem(value, multiline=name in MULTILINE_FIELDS)
        if problem:
            problems.add(where, problem, field=name)
            found = True
    return found


# -- normalisation -------------------------------------------------------------------------
def _squash(text: str) -> str:
    return " ".join(text.split())


def normalise_feature(tag: str) -> str:
    """Lower-case and trim, nothing else: a tag means what the shop wrote ("water-resistant" is not
    "waterproof"); other names for it come only from the shop's vocabulary file. '' if blank."""
    return _squash(str(tag).lower())


def _features(value: Any) -> Tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        raw = re.split(r"[|;]", value)
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        raw = list(value)
    else:
        raise _Invalid(f"{value!r} is not a list of tags (use text separated by | or ;)")
    seen: Dict[str, None] = {}
    for tag in raw:
        tag = normalise_feature(tag)
        if len(tag) > 64:
            raise _Invalid(f'tag "{tag[:30]}..." is longer than 64 characters')
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


# -- field parsers (raise _Invalid with a message naming the bad value) --------------------
def _text(value: Any, max_len: int, required: bool = True) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _Invalid("is required")
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Invalid(f"{value!r} is not text")
    text = _squash(str(value))
    if len(text) > max_len:
        raise _Invalid(f"is longer than {max_len} characters")
    return text


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise _Invalid(f"{json.dumps(value)} is not a number")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        shown = value if isinstance(value, str) else json.dumps(value)
        raise _Invalid(f'"{shown}" is not a number') from None
    if not math.isfinite(number):
        raise _Invalid(f'"{value}" is not a finite number')
    return number


def _price(value: Any) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Invalid("is required")
    price = _number(value)
    if price < 0:
        raise _Invalid(f'"{value}" is negative')
    if price >= _MAX_PRICE:
        raise _Invalid(f'"{value}" is too large')
    return round(price, 2)


def _currency(value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return "USD"
    text = str(value).strip()
    if not re.fullmatch(r"[A-Za-z]{3}", text):
        raise _Invalid(f'"{text}" is not a 3-letter currency code')
    return text.upper()


def _flag(value: Any) -> bool:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Invalid(f'"{value}" is not one of true/false/yes/no/1/0')


def _url(value: Any) -> Optional[str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if not re.match(r"https?://\S+$", text) or len(text) > 1024:
        raise _Invalid(f'"{text[:80]}" is not an http(s) URL of at most 1024 characters')
    return text


def _event(value: Any) -> str:
    text = str(value or "").strip().lower()
    if text not in EVENT_TYPES:
        raise _Invalid(f'"{value or ""}" is not a known event ({", ".join(EVENT_TYPES)})')
    return text


def _timestamp(value: Any):
    try:
        return parse_timestamp(value if value is not None else "")
    except (ValueError, OverflowError, OSError):
        raise _Invalid(f'"{value or ""}" is not an ISO-8601 timestamp or unix seconds') from None


def _field(problems: _Problems, where: str, name: str, parse: Callable[[Any], Any], value: Any) -> Any:
    try:
        return parse(value)
    except _Invalid as exc:
        problems.add(where, str(exc), field=name)
        return None


# -- readers --------------------------------------------------------------------------------
CSV_CONVENTION = "line numbers are 1-based lines of the file; the header is line 1"
JSON_CONVENTION = "item numbers are 1-based positions in the JSON list"


def _csv_records(
    path: Path, problems: _Problems, required: Iterable[str], optional: Iterable[str]
) -> Iterator[Tuple[str, Dict[str, str]]]:
    """Yield ("line N", row) for each data row; header problems are reported and stop reading."""
    allowed = (*required, *optional)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                problems.add("line 1", "the file is empty (expected a header row)")
                return
            columns = [h.strip().lower() for h in header]
            bad_header = False
            for column in columns:
                if column not in allowed:
                    shown = column if _control_problem(column, False) is None else ascii(column)[1:-1]
                    problems.add("line 1", f'unknown column "{shown}" (allowed: {", ".join(allowed)})')
                    bad_header = True
                elif columns.count(column) > 1:
                    problems.add("line 1", f'column "{column}" appears more than once')
                    bad_header = True
            for column in required:
                if column not in columns:
                    problems.add("line 1", f'missing required column "{column}"')
                    bad_header = True
            if bad_header:
                return
            while not problems.full:
                start = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    problems.add(f"line {start}", f"malformed CSV ({exc})")
                    return
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(columns):
                    problems.add(f"line {start}", f"expected {len(columns)} columns, found {len(row)}")
                    continue
                record = dict(zip(columns, row))
                if _reject_controls(problems, f"line {start}", record):
                    continue
                yield f"line {start}", record
    except UnicodeDecodeError as exc:
        problems.add("", f"is not valid UTF-8 ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        problems.add("", f"cannot be read ({exc.strerror or exc})")


def _json_records(path: Path, problems: _Problems) -> Iterator[Tuple[str, Dict[str, Any]]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        problems.add(f"line {exc.lineno}, column {exc.colno}", f"invalid JSON ({exc.msg})")
        return
    except UnicodeDecodeError as exc:
        problems.add("", f"is not valid UTF-8 ({exc.reason} at byte {exc.start})")
        return
    except OSError as exc:
        problems.add("", f"cannot be read ({exc.strerror or exc})")
        return
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        problems.add("", 'expected a list of items (or an object with an "items" list)')
        return
    allowed = (*CATALOG_REQUIRED, *CATALOG_OPTIONAL)
    for number, record in enumerate(data, start=1):
        if problems.full:
            return
        where = f"item {number}"
        if not isinstance(record, dict):
            problems.add(where, "expected an object")
            continue
        unknown = sorted(set(record) - set(allowed))
        for key in unknown:
            shown = key if _control_problem(key, False) is None else ascii(key)[1:-1]
            problems.add(where, f"unknown field (allowed: {', '.join(allowed)})", field=shown)
        if unknown or _reject_controls(problems, where, record):
            continue
        yield where, record


def _catalog_item(problems: _Problems, where: str, record: Mapping[str, Any]) -> Optional[Item]:
    before = len(problems.messages)
    values = {
        "id": _field(problems, where, "id", lambda v: _text(v, 128), record.get("id")),
        "title": _field(problems, where, "title", lambda v: _text(v, 512), record.get("title")),
        "category": _field(problems, where, "category", lambda v: _text(v, 128).lower(), record.get("category")),
        "brand": _field(problems, where, "brand", lambda v: _text(v, 128), record.get("brand")),
        "price": _field(problems, where, "price", _price, record.get("price")),
        "currency": _field(problems, where, "currency", _currency, record.get("currency")),
        "features": _field(problems, where, "features", _features, record.get("features")),
        "description": _field(
            problems, where, "description", lambda v: _text(v, 20000, required=False), record.get("description")
        ),
        "in_stock": _field(problems, where, "in_stock", _flag, record.get("in_stock")),
        "image_url": _field(problems, where, "image_url", _url, record.get("image_url")),
    }
    if len(problems.messages) != before:
        return None
    return Item(**values)


def read_catalog(path: Path | str) -> List[Item]:
    """Parse and validate a catalog file (.csv or .json); raises ImportValidationError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        problems = _Problems(path, JSON_CONVENTION)
        records = _json_records(path, problems)
    elif suffix == ".csv":
        problems = _Problems(path, CSV_CONVENTION)
        records = _csv_records(path, problems, CATALOG_REQUIRED, CATALOG_OPTIONAL)
    else:
        raise ImportValidationError(path, [f"{path.name}: unsupported file type (use .csv or .json)"], CSV_CONVENTION)
    result: List[Item] = []
    first_seen: Dict[str, str] = {}
    for where, record in records:
        item = _catalog_item(problems, where, record)
        if item is None:
            continue
        if item.id in first_seen:
            problems.add(where, f'duplicate id "{item.id}" (first used on {first_seen[item.id]})', field="id")
            continue
        first_seen[item.id] = where
        result.append(item)
    problems.raise_if_any()
    if not result:
        raise ImportValidationError(path, [f"{path.name}: contains no items"], problems.convention)
    return result


def read_interactions(path: Path | str, known_item_ids: Iterable[str]) -> List[Dict[str, Any]]:
    """Parse and validate an interaction log CSV against the catalog's item ids."""
    path = Path(path)
    known: Set[str] = set(known_item_ids)
    problems = _Problems(path, CSV_CONVENTION)
    if path.suffix.lower() != ".csv":
        problems.add("", "unsupported file type (interaction logs must be .csv)")
        problems.raise_if_any()
    rows: List[Dict[str, Any]] = []

    def known_item(value: Any) -> str:
        item_id = _text(value, 128)
        if item_id not in known:
            raise _Invalid(f'unknown item "{item_id}" (not in the catalog)')
        return item_id

    for where, record in _csv_records(path, problems, INTERACTION_REQUIRED, INTERACTION_OPTIONAL):
        before = len(problems.messages)
        row = {
            "user_id": _field(problems, where, "user_id", lambda v: _text(v, 255), record.get("user_id")),
            "item_id": _field(problems, where, "item_id", known_item, record.get("item_id")),
            "event": _field(problems, where, "event", _event, record.get("event")),
            "value": _field(
                problems, where, "value", lambda v: None if not (v or "").strip() else _number(v), record.get("value")
            ),
            "timestamp": _field(problems, where, "timestamp", _timestamp, record.get("timestamp")),
            "source": _field(
                problems, where, "source", lambda v: _text(v, 64, required=False) or "import", record.get("source")
            ),
        }
        if len(problems.messages) != before:
            continue
        if row["event"] == "rating" and row["value"] is None:
            problems.add(where, "a rating needs a numeric value", field="value")
            continue
        rows.append(row)
    problems.raise_if_any()
    return rows


# -- writers ---------------------------------------------------------------------------------
def _chunked(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _plan(conn: Any, keep: Set[str]) -> ReplacePlan:
    stored = set(conn.execute(select(items_table.c.id)).scalars())
    stale = tuple(sorted(stored - keep))
    doomed = 0
    for chunk in _chunked(stale):
        query = select(func.count()).select_from(interactions_table).where(interactions_table.c.item_id.in_(chunk))
        doomed += int(conn.execute(query).scalar_one())
    return ReplacePlan(item_ids=stale, interactions=doomed, kept_items=len(stored & keep))


def plan_replace(store: Store, new_items: Iterable[Item]) -> ReplacePlan:
    """What ``replace_catalog(new_items)`` would delete from the store right now (reads only)."""
    keep = {item.id for item in new_items}
    with store.engine.connect() as conn:
        return _plan(conn, keep)


def import_files(
    store: Store,
    catalog: Path | str | None = None,
    interactions: Path | str | None = None,
    replace: bool = False,
    confirm: Optional[Callable[[ReplacePlan], bool]] = None,
    documents: Optional[Mapping[str, Optional[Mapping[str, Any]]]] = None,
) -> ImportResult:
    """Validate a catalog and/or an interaction log, then write both in one transaction.

    ``documents``: the shop's checked documents (``recommender.shop``), written in the same
    transaction, so catalog, vocabulary and answers never disagree.

    With ``replace`` the catalog replaces the stored one (removed items lose their
    interactions); otherwise items are upserted. Interactions may reference items of the
    catalog being imported or, unless replacing, items already stored.

    ``confirm``, when given with ``replace``, is called after validation with the
    :class:`ReplacePlan` (only if the replace deletes anything) and must return True for the
    import to go ahead; otherwise :class:`ImportCancelled` is raised and nothing is written.
    If the stored catalog gains items to delete between the question and the write, the
    import is cancelled too, so no more is ever deleted than was confirmed.
    """
    items = read_catalog(catalog) if catalog is not None else None
    confirmed: Optional[ReplacePlan] = None
    if replace and items is not None and confirm is not None:
        plan = plan_replace(store, items)
        if plan.deletes_anything:
            if not confirm(plan):
                raise ImportCancelled("the replace was not confirmed; nothing was imported")
            confirmed = plan
    rows = None
    if interactions is not None:
        known = {item.id for item in items or ()}
        if not (replace and items is not None):
            known |= store.item_ids()
        rows = read_interactions(interactions, known)
    removed = 0
    with store.transaction() as conn:
        if items is not None:
            if replace:
                if confirm is not None:
                    now = _plan(conn, {item.id for item in items})
                    if not set(now.item_ids) <= set(confirmed.item_ids if confirmed else ()):
                        raise ImportCancelled(
                            "the stored catalog changed after the replace was confirmed "
                            f"(it would now delete {now.items} item(s)); nothing was imported, run it again"
                        )
                removed = store.replace_catalog(items)
            else:
                store.upsert_items(items)
        written = store.import_interactions(rows) if rows else 0
        if documents is not None:
            store.put_shop_documents(documents)
    return ImportResult(items=len(items or ()), removed_items=removed, interactions=written)


def import_catalog(
    store: Store,
    path: Path | str,
    replace: bool = False,
    confirm: Optional[Callable[[ReplacePlan], bool]] = None,
) -> ImportResult:
    """Validate then upsert (or with ``replace``, replace) the catalog in one transaction."""
    return import_files(store, catalog=path, replace=replace, confirm=confirm)


def import_interactions(store: Store, path: Path | str) -> ImportResult:
    """Validate then append an interaction log in one transaction."""
    return import_files(store, interactions=path)
