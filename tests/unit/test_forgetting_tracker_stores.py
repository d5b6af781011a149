"""bot/rasa_addons' tracker stores, run by the Rasa interpreter on each backend they support.

Each store is created the way Rasa creates it from endpoints.yml (``type: rasa_addons...``), is fed
the turns Rasa's processor would save, and must delete every stored event of the sender after
``action_forget_me_confirmed`` + ``Restarted`` (both sessions, raw rows / keys included), keep other
senders and plain restarts, and start the sender afresh afterwards.
"""
from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venvs" / "rasa" / "bin" / "python"
PROBE = Path(__file__).with_name("forgetting_store_probe.py")


def probe(config: dict, inspect_url: str = "") -> dict:
    if not RASA_PYTHON.exists():
        pytest.fail(f"the Rasa environment is missing ({RASA_PYTHON}): run scripts/setup.sh", pytrace=False)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "bot"))
    out = subprocess.run([str(RASA_PYTHON), "-W", "ignore", str(PROBE), json.dumps(config), inspect_url],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in out.stdout.splitlines() if line.startswith("PROBE ")]
    assert out.returncode == 0 and lines, out.stderr[-4000:]
    return json.loads(lines[-1][len("PROBE "):])


def check(found: dict, cls: str, counted: bool) -> None:
    assert found["class"] == cls, "Rasa fell back to another store: the class did not import"
    assert found["alice_after_question"][-1] == "forget me", "the question alone deletes nothing"
    assert found["alice_after_forget"] is False, "the forgotten conversation is still retrievable"
    if counted:
        assert found["raw_before"] > 0 and found["raw_after"] == 0
    assert found["bob"] == ["bob wants tablets"], "other senders are untouched"
    assert found["carol_kept"] is True, "a plain restart is not a forget-me"
    assert found["alice_fresh"] == ["alice is back"] and found["alice_fresh_slot"] is None


def test_in_memory_store_forgets():
    found = probe({"type": "rasa_addons.tracker_store.ForgettingInMemoryTrackerStore"})
    check(found, "ForgettingInMemoryTrackerStore", counted=False)


def test_sql_store_forgets_on_sqlite(tmp_path):
    db = tmp_path / "rasa.db"
    found = probe({"type": "rasa_addons.tracker_store.ForgettingSQLTrackerStore", "dialect": "sqlite",
                   "db": str(db)}, f"sqlite:///{db}")
    check(found, "ForgettingSQLTrackerStore", counted=True)


def test_sql_store_forgets_on_postgresql(fresh_postgres_database):
    url = make_url(fresh_postgres_database)
    found = probe({"type": "rasa_addons.tracker_store.ForgettingSQLTrackerStore", "dialect": "postgresql",
                   "url": url.host, "port": url.port or 5432, "db": url.database, "username": url.username},
                  url.set(drivername="postgresql").render_as_string(hide_password=False))
    check(found, "ForgettingSQLTrackerStore", counted=True)


def test_redis_store_forgets():
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=4)
    client.ping()  # fails loudly when Redis is down
    prefix = f"forget{uuid.uuid4().hex[:8]}"
    try:
        found = probe({"type": "rasa_addons.tracker_store.ForgettingRedisTrackerStore", "url": "127.0.0.1",
                       "port": 6379, "db": 4, "key_prefix": prefix})
        check(found, "ForgettingRedisTrackerStore", counted=True)
    finally:
        for key in client.keys(f"{prefix}:*"):
            client.delete(key)
