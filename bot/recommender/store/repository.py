"""The store: catalog, users and their channel links, and the interaction log.

All reads and writes go through SQLAlchemy Core so the same code runs on SQLite and
PostgreSQL; bulk paths use executemany so tens of thousands of rows load in seconds.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set

from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..catalog import EVENT_TYPES, Item
from .engine import WRITE_OPTION, create_store_engine, default_database_url
from .migrate import upgrade_to_head
from .schema import catalog_version, channel_links, interactions, items, shop_documents, users
from .timestamps import TimestampLike, parse_timestamp
from .weights import RATING_NEUTRAL, RATING_SCALE, event_weight

_CHUNK = 500  # ids per IN (...) clause, well below every backend's parameter limit


@dataclass(frozen=True)
class HistoryEvent:
    """One interaction as the recommender sees it."""

    item_id: str
    event: str
    value: Optional[float]
    timestamp: datetime


def _chunks(seq: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def _check_event(event: str) -> str:
    if event not in EVENT_TYPES:
        raise ValueError(f"unknown event {event!r}; expected one of {', '.join(EVENT_TYPES)}")
    return event


def _item_row(item: Item) -> Dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "category": item.category,
        "brand": item.brand,
        "price": float(item.price),
        "currency": item.currency,
        "features": list(item.features),
        "description": item.description or "",
        "in_stock": bool(item.in_stock),
        "image_url": item.image_url,
    }


def _row_item(row: Any) -> Item:
    return Item(
        id=row.id,
        title=row.title,
        category=row.category,
        brand=row.brand,
        price=float(row.price),
        currency=row.currency,
        features=tuple(row.features or ()),
        description=row.description or "",
        in_stock=bool(row.in_stock),
        image_url=row.image_url,
    )


def _insert_ignoring_conflicts(conn: Connection, table: Table, rows: List[dict], keys: List[str]) -> None:
    """INSERT rows, silently skipping those that violate the unique ``keys`` (race-safe)."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        conn.execute(dialect_insert(table).on_conflict_do_nothing(index_elements=keys), rows)
        return
    for row in rows:  # portable fallback: one savepoint per row
        try:
            with conn.begin_nested():
                conn.execute(insert(table), row)
        except IntegrityError:
            pass


def _bulk_insert(conn: Connection, table: Table, rows: List[dict]) -> None:
    """Insert many rows fast: COPY on PostgreSQL/psycopg 3, executemany elsewhere."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        columns = list(rows[0])
        quote = conn.dialect.identifier_preparer.quote
        sql = f"COPY {quote(table.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        try:
            with conn.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        except conn.dialect.loaded_dbapi.IntegrityError as exc:  # same error type as executemany
            raise IntegrityError(sql, None, exc) from exc
        return
    conn.execute(insert(table), rows)


class Store:
    """Persistent catalog + interaction store behind one SQLAlchemy URL."""

    def __init__(self, url: Optional[str] = None) -> None:
        self.url = url or default_database_url()
        self.engine = create_store_engine(self.url)
        self._local = threading.local()

    # -- lifecycle -------------------------------------------------------------------------
    def migrate(self) -> Optional[str]:
        """Bring the schema to the newest Alembic revision; returns that revision."""
        return upgrade_to_head(self.engine, WRITE_OPTION)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction; store calls made inside it (same thread) join it."""
        active = getattr(self._local, "conn", None)
        if active is not None:
            yield active
            return
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                self._local.conn = conn
                try:
                    yield conn
                finally:
                    self._local.conn = None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        active = getattr(self._local, "conn", None)
        if active is not None:
            yield active
            return
        with self.engine.connect() as conn:
            yield conn

    # -- catalog version -------------------------------------------------------------------
    def catalog_version(self) -> int:
        """The counter every catalog change bumps (one indexed one-row read: cheap to poll)."""
        with self._read() as conn:
            return int(conn.execute(select(catalog_version.c.version).where(catalog_version.c.id == 1)).scalar_one())

    @staticmethod
    def _catalog_changed(conn: Connection) -> None:
        """Bump the catalog version in the caller's transaction (readers see it when that commits)."""
        conn.execute(update(catalog_version).where(catalog_version.c.id == 1)
                     .values(version=catalog_version.c.version + 1, changed_at=datetime.now(timezone.utc)))

    # -- shop documents (currency and locale, vocabulary, answers) ---------------------------
    def shop_document(self, name: str) -> Optional[Dict[str, Any]]:
        """The shop's document ``name`` ("shop", "vocabulary", "answers"), or None when it has none."""
        with self._read() as conn:
            body = conn.execute(select(shop_documents.c.body).where(shop_documents.c.name == name)).scalar()
        return body if isinstance(body, dict) else None

    def put_shop_documents(self, documents: Mapping[str, Optional[Mapping[str, Any]]]) -> None:
        """Write (a dict) or remove (None) documents in one transaction (joining the caller's, so an import
        writes catalog and documents at once); servers rebuild on the catalog version bump."""
        with self.transaction() as conn:
            for name, body in documents.items():
                conn.execute(delete(shop_documents).where(shop_documents.c.name == name))
                if body is not None:
                    conn.execute(insert(shop_documents).values(name=name, body=dict(body),
                                                               updated_at=datetime.now(timezone.utc)))
            self._catalog_changed(conn)

    # -- catalog ---------------------------------------------------------------------------
    def load_items(self, in_stock_only: bool = False) -> List[Item]:
        """All catalog items ordered by id (optionally only those in stock)."""
        query = select(items).order_by(items.c.id)
        if in_stock_only:
            query = query.where(items.c.in_stock.is_(True))
        with self._read() as conn:
            return [_row_item(row) for row in conn.execute(query)]

    def item_ids(self) -> Set[str]:
        with self._read() as conn:
            return set(conn.execute(select(items.c.id)).scalars())

    def upsert_items(self, new_items: Iterable[Item]) -> int:
        """Insert new items and overwrite existing ones with the same id; returns the count."""
        rows = [_item_row(item) for item in new_items]
        ids = [row["id"] for row in rows]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate item ids in upsert")
        with self.transaction() as conn:
            existing: Set[str] = set()
            for chunk in _chunks(ids):
                existing.update(conn.execute(select(items.c.id).where(items.c.id.in_(chunk))).scalars())
            fresh = [row for row in rows if row["id"] not in existing]
            changed = [
                {"_id": row["id"], **{k: v for k, v in row.items() if k != "id"}}
                for row in rows
                if row["id"] in existing
            ]
            if fresh:
                conn.execute(insert(items), fresh)
            if changed:
                conn.execute(items.update().where(items.c.id == bindparam("_id")), changed)
            if rows:
                self._catalog_changed(conn)
        return len(rows)

    def replace_catalog(self, new_items: Iterable[Item]) -> int:
        """Make the catalog exactly ``new_items``; returns how many old items were removed.

        Interactions with removed items are deleted with them (ON DELETE CASCADE).
        """
        new_items = list(new_items)
        keep = {item.id for item in new_items}
        with self.transaction() as conn:
            self.upsert_items(new_items)
            stale = sorted(set(conn.execute(select(items.c.id)).scalars()) - keep)
            for chunk in _chunks(stale):
                conn.execute(delete(items).where(items.c.id.in_(chunk)))
            if stale:
                self._catalog_changed(conn)
        return len(stale)

    # -- users -----------------------------------------------------------------------------
    def _ensure_users(self, conn: Connection, external_ids: Iterable[str]) -> Dict[str, int]:
        """external_id -> users.id, creating the missing users (race-safe)."""
        wanted = sorted(set(external_ids))
        found: Dict[str, int] = {}

        def lookup(ids: Sequence[str]) -> None:
            for chunk in _chunks(ids):
                query = select(users.c.external_id, users.c.id).where(users.c.external_id.in_(chunk))
                found.update({ext: uid for ext, uid in conn.execute(query)})

        lookup(wanted)
        missing = [ext for ext in wanted if ext not in found]
        if missing:
            now = datetime.now(timezone.utc)
            rows = [{"external_id": ext, "created_at": now} for ext in missing]
            _insert_ignoring_conflicts(conn, users, rows, ["external_id"])
            lookup(missing)
        return found

    def user_for_sender(self, channel: str, sender_id: str) -> int:
        """The user behind a channel's sender id, linking or creating one on first sight.

        An unlinked sender is linked to the user whose external_id equals ``sender_id``
        (created if absent). Concurrent first calls agree on one user.
        """
        link = (channel_links.c.channel == channel) & (channel_links.c.sender_id == sender_id)
        with self._read() as conn:
            linked = conn.execute(select(channel_links.c.user_id).where(link)).scalar()
        if linked is not None:
            return int(linked)
        with self.transaction() as conn:
            user_id = self._ensure_users(conn, [sender_id])[sender_id]
            row = {"channel": channel, "sender_id": sender_id, "user_id": user_id}
            _insert_ignoring_conflicts(conn, channel_links, [row], ["channel", "sender_id"])
            return int(conn.execute(select(channel_links.c.user_id).where(link)).scalar_one())

    def _sender_user(self, conn: Connection, channel: str, sender_id: str) -> Optional[int]:
        link = (channel_links.c.channel == channel) & (channel_links.c.sender_id == sender_id)
        linked = conn.execute(select(channel_links.c.user_id).where(link)).scalar()
        if linked is None:  # what user_for_sender would link on first sight
            linked = conn.execute(select(users.c.id).where(users.c.external_id == sender_id)).scalar()
        return None if linked is None else int(linked)

    def lookup_user(self, channel: str, sender_id: str) -> Optional[int]:
        """The user ``user_for_sender`` would return, without creating or linking anything."""
        with self._read() as conn:
            return self._sender_user(conn, channel, sender_id)

    def forget_user(self, channel: str, sender_id: str) -> Dict[str, int]:
        """Delete everything stored about a shopper, in one transaction; returns rows deleted per table.

        The shopper is the user behind (channel, sender_id) as ``user_for_sender`` sees it: their
        interactions, every channel link of that user and the user row go (explicitly, not by
        relying on ON DELETE CASCADE), plus this sender's own link if it points elsewhere.
        """
        deleted = {"interactions": 0, "channel_links": 0, "users": 0}
        with self.transaction() as conn:
            user_id = self._sender_user(conn, channel, sender_id)
            own_link = (channel_links.c.channel == channel) & (channel_links.c.sender_id == sender_id)
            if user_id is not None:
                deleted["interactions"] = int(
                    conn.execute(delete(interactions).where(interactions.c.user_id == user_id)).rowcount)
                own_link = own_link | (channel_links.c.user_id == user_id)
            deleted["channel_links"] = int(conn.execute(delete(channel_links).where(own_link)).rowcount)
            if user_id is not None:
                deleted["users"] = int(conn.execute(delete(users).where(users.c.id == user_id)).rowcount)
        return deleted

    def interaction_counts(self, user_id: int) -> Dict[str, int]:
        """How many interactions of each event type the user has (all of them, not just recent)."""
        query = (select(interactions.c.event, func.count()).where(interactions.c.user_id == user_id)
                 .group_by(interactions.c.event))
        with self._read() as conn:
            return {event: int(n) for event, n in conn.execute(query)}

    def item_titles(self, item_ids: Iterable[str]) -> Dict[str, str]:
        """item id -> title for the ids that are in the catalog."""
        ids = sorted(set(item_ids))
        found: Dict[str, str] = {}
        with self._read() as conn:
            for chunk in _chunks(ids):
                found.update(conn.execute(select(items.c.id, items.c.title).where(items.c.id.in_(chunk))).all())
        return found

    # -- interactions ----------------------------------------------------------------------
    def record_interaction(
        self,
        user_id: int,
        item_id: str,
        event: str,
        value: Optional[float] = None,
        source: str = "chat",
        timestamp: Optional[TimestampLike] = None,
    ) -> int:
        """Append one interaction (timestamp defaults to now); returns its id."""
        row = {
            "user_id": user_id,
            "item_id": item_id,
            "event": _check_event(event),
            "value": None if value is None else float(value),
            "timestamp": datetime.now(timezone.utc) if timestamp is None else parse_timestamp(timestamp),
            "source": source,
        }
        with self.transaction() as conn:
            return int(conn.execute(insert(interactions), row).inserted_primary_key[0])

    def import_interactions(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Bulk-insert interaction rows keyed by *external* user id; returns the count.

        Each row has user_id (external id), item_id, event, and optionally value,
        timestamp (datetime / ISO-8601 / unix seconds; default now) and source
        (default "import"). Users are created as needed; all rows go in one transaction.
        """
        now = datetime.now(timezone.utc)
        prepared = []
        for row in rows:
            value = row.get("value")
            stamp = row.get("timestamp")
            prepared.append(
                {
                    "external_id": str(row["user_id"]),
                    "item_id": str(row["item_id"]),
                    "event": _check_event(row["event"]),
                    "value": None if value in (None, "") else float(value),
                    "timestamp": now if stamp in (None, "") else parse_timestamp(stamp),
                    "source": row.get("source") or "import",
                }
            )
        if not prepared:
            return 0
        with self.transaction() as conn:
            user_ids = self._ensure_users(conn, (r["external_id"] for r in prepared))
            for r in prepared:
                r["user_id"] = user_ids[r.pop("external_id")]
            _bulk_insert(conn, interactions, prepared)
            self._catalog_changed(conn)  # popularity and bought-together pairs come from the log
        return len(prepared)

    def delete_interactions(self, source: str) -> int:
        """Drop every interaction from one source (e.g. "demo" before regenerating it)."""
        with self.transaction() as conn:
            deleted = int(conn.execute(delete(interactions).where(interactions.c.source == source)).rowcount)
            if deleted:
                self._catalog_changed(conn)
            return deleted

    def history(self, user_id: int, limit: int = 200) -> List[HistoryEvent]:
        """The user's last ``limit`` interactions, oldest first."""
        query = (
            select(interactions.c.item_id, interactions.c.event, interactions.c.value, interactions.c.timestamp)
            .where(interactions.c.user_id == user_id)
            .order_by(interactions.c.timestamp.desc(), interactions.c.id.desc())
            .limit(limit)
        )
        with self._read() as conn:
            recent = [HistoryEvent(*row) for row in conn.execute(query)]
        recent.reverse()
        return recent

    def popularity(self) -> Dict[str, float]:
        """Weighted interaction score per item (see ``weights.event_weight``), floored at 0."""
        query = select(
            interactions.c.item_id,
            interactions.c.event,
            func.count(),
            func.count(interactions.c.value),
            func.sum(interactions.c.value),
        ).group_by(interactions.c.item_id, interactions.c.event)
        scores: Dict[str, float] = {}
        with self._read() as conn:
            for item_id, event, n, n_valued, total in conn.execute(query):
                if event == "rating":  # sum of (value - neutral) * scale over rated rows
                    weight = RATING_SCALE * (float(total or 0.0) - RATING_NEUTRAL * n_valued)
                else:
                    weight = event_weight(event) * n
                scores[item_id] = scores.get(item_id, 0.0) + weight
        return {item_id: max(0.0, score) for item_id, score in sorted(scores.items())}

    def sequences(self) -> Dict[str, List[HistoryEvent]]:
        """Every user's full history, oldest first, keyed by external id (for training)."""
        query = (
            select(
                users.c.external_id,
                interactions.c.item_id,
                interactions.c.event,
                interactions.c.value,
                interactions.c.timestamp,
            )
            .join(users, users.c.id == interactions.c.user_id)
            .order_by(interactions.c.user_id, interactions.c.timestamp, interactions.c.id)
        )
        out: Dict[str, List[HistoryEvent]] = {}
        with self._read() as conn:
            for external_id, *event in conn.execute(query):
                out.setdefault(external_id, []).append(HistoryEvent(*event))
        return out

    def counts(self) -> Dict[str, int]:
        """Row counts per table (plus in-stock items), for ``stats`` and health checks."""
        with self._read() as conn:
            result = {
                name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
                for name, table in (
                    ("items", items),
                    ("users", users),
                    ("channel_links", channel_links),
                    ("interactions", interactions),
                )
            }
            result["items_in_stock"] = int(
                conn.execute(select(func.count()).select_from(items).where(items.c.in_stock.is_(True))).scalar_one()
            )
        return result
