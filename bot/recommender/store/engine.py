"""Where the store lives and how to connect to it.

SQLite (the default, a file under ``var/``) needs a little help to behave like a real
database: foreign keys on, WAL so readers don't block the writer, a busy timeout, and
``BEGIN IMMEDIATE`` for write transactions so concurrent writers queue instead of failing.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

#: Environment variable that overrides the default database URL.
DATABASE_URL_ENV = "CONCIERGE_DATABASE_URL"

#: Execution option marking a connection whose transaction will write (SQLite: BEGIN IMMEDIATE).
WRITE_OPTION = "concierge_write"

REPO_ROOT = Path(__file__).resolve().parents[3]

#: seconds a PostgreSQL connection attempt may take (unless the URL sets ``connect_timeout``)
CONNECT_TIMEOUT_SECONDS = 5


def default_database_url() -> str:
    """``$CONCIERGE_DATABASE_URL``, else a SQLite file ``<repo root>/var/concierge.db``."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    return f"sqlite:///{REPO_ROOT / 'var' / 'concierge.db'}"


def create_store_engine(url: Optional[str] = None) -> Engine:
    """An engine for ``url`` (default: ``default_database_url()``), tuned per backend."""
    url_obj = make_url(url or default_database_url())
    if url_obj.get_backend_name() != "sqlite":
        # pre-ping: a connection that died with a database restart is replaced at checkout, so the
        # service recovers by itself; a connect timeout keeps an unreachable host from hanging a request
        connect_args = {}
        if url_obj.get_backend_name() == "postgresql" and "connect_timeout" not in url_obj.query:
            connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        return create_engine(url_obj, pool_pre_ping=True, connect_args=connect_args)
    database = url_obj.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if in_memory:
        engine = create_engine(
            url_obj, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url_obj, connect_args={"check_same_thread": False, "timeout": 30})
    _tune_sqlite(engine, wal=not in_memory)
    return engine


def _tune_sqlite(engine: Engine, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised implicitly
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - exercised implicitly
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
