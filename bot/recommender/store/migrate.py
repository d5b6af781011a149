"""Create or upgrade the schema with Alembic: the only way tables come into being."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from ..migrations import MIGRATIONS_DIR

# Arbitrary constant key for pg_advisory_xact_lock, so that processes starting together
# (action server workers, a CLI) don't race each other through the same migration.
_PG_LOCK_KEY = 0x636F6E63  # "conc"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations (and optionally a connection)."""
    cfg = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    """The newest revision shipped with this code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine, write_option: str) -> str | None:
    """Apply all pending migrations in one transaction; returns the resulting revision."""
    with engine.connect() as conn:
        conn = conn.execution_options(**{write_option: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
            command.upgrade(alembic_config(conn), "head")
        return current_revision(conn)
