"""Persistence for the recommender: catalog, users, channel links and interactions.

SQLite by default, PostgreSQL (or any SQLAlchemy URL) in production; the schema is owned
by the Alembic migrations in ``recommender/migrations``.
"""
from .engine import DATABASE_URL_ENV, create_store_engine, default_database_url
from .repository import HistoryEvent, Store
from .timestamps import parse_timestamp
from .weights import EVENT_WEIGHTS, event_weight

__all__ = [
    "DATABASE_URL_ENV",
    "EVENT_WEIGHTS",
    "HistoryEvent",
    "Store",
    "create_store_engine",
    "default_database_url",
    "event_weight",
    "parse_timestamp",
]
