"""Table definitions the repository queries against.

This mirrors the Alembic migrations in ``recommender/migrations``; it is never used to
create tables (a test checks the two agree).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    true,
)
from sqlalchemy.types import TypeDecorator

from ..catalog import EVENT_TYPES
from .timestamps import to_utc

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware timestamps stored as UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        value = to_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        return None if value is None else to_utc(value)


#: Autoincrementing big integer keys (SQLite only autoincrements ``INTEGER PRIMARY KEY``).
BigId = BigInteger().with_variant(Integer(), "sqlite")

items = Table(
    "items",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("title", String(512), nullable=False),
    Column("category", String(128), nullable=False, index=True),
    Column("brand", String(128), nullable=False, index=True),
    Column("price", Numeric(12, 2, asdecimal=False), nullable=False),
    Column("currency", String(3), nullable=False, server_default="USD"),
    Column("features", JSON, nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("in_stock", Boolean, nullable=False, server_default=true()),
    Column("image_url", String(1024), nullable=True),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("external_id", String(255), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False, server_default=func.now()),
)

channel_links = Table(
    "channel_links",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel", String(64), nullable=False),
    Column("sender_id", String(255), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    UniqueConstraint("channel", "sender_id"),
)

interactions = Table(
    "interactions",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("item_id", String(128), ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("event", String(32), nullable=False),
    Column("value", Float, nullable=True),
    Column("timestamp", UTCDateTime, nullable=False),
    Column("source", String(64), nullable=False, server_default="chat"),
    CheckConstraint(
        "event IN (" + ", ".join(f"'{e}'" for e in EVENT_TYPES) + ")", name="event_type"
    ),
    Index("ix_interactions_user_id_timestamp", "user_id", "timestamp"),
)

#: One row (id 1) whose ``version`` every catalog change bumps (items, imported interactions): action
#: servers poll it to know when to rebuild their in-memory catalog indexes.
catalog_version = Table(
    "catalog_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False, server_default="1"),
    Column("changed_at", UTCDateTime, nullable=False, server_default=func.now()),
    CheckConstraint("id = 1", name="single_row"),
)

shop_documents = Table(
    "shop_documents",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("body", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False, server_default=func.now()),
)
