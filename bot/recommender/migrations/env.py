"""Alembic environment: uses the caller's connection when given one (programmatic
upgrades from ``recommender.store.migrate``), else connects to the configured URL."""
from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from recommender.store.engine import create_store_engine, default_database_url, WRITE_OPTION
from recommender.store.schema import metadata

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs need batch mode
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    engine = create_store_engine(config.get_main_option("sqlalchemy.url") or default_database_url())
    try:
        with engine.connect() as conn:
            _run(conn.execution_options(**{WRITE_OPTION: True}))
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")
run_migrations_online()
