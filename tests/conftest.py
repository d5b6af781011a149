"""Shared test fixtures: paths and a demo-catalog SQLite database."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"


def run_cli(*args: str, database_url: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(BOT))
    return subprocess.run([sys.executable, "-m", "recommender", *args, "--database-url", database_url],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=check)


@pytest.fixture(scope="session")
def demo_database_url(tmp_path_factory) -> str:
    """A fresh SQLite store with the demo catalog and the generated interaction log."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'demo.db'}"
    run_cli("load-demo", database_url=url)
    return url


# -- PostgreSQL: one throwaway database per test session, one fresh schema per test ---------
POSTGRES_ADMIN_URL = os.environ.get(
    "CONCIERGE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@contextlib.contextmanager
def _temporary_database():
    """A uniquely named, empty PostgreSQL database, dropped afterwards. Fails if PG is down."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure here means "no PostgreSQL"
        pytest.fail(f"PostgreSQL is required for these tests but unreachable at {POSTGRES_ADMIN_URL}: {exc}",
                    pytrace=False)
    name = f"concierge_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> str:
    """One database for the session; tests that need a clean slate take a schema (``postgres_url``)."""
    with _temporary_database() as url:
        yield url


@pytest.fixture
def fresh_postgres_database() -> str:
    """A database of this test's own: for tests that own the public schema (migrations, Rasa's tables)."""
    with _temporary_database() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_database) -> str:
    """A fresh, empty schema in the session database (the URL's search_path points at it)."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(postgres_database, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_database).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """A fresh, empty database on each backend (SQLite file, PostgreSQL schema)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres_url")
