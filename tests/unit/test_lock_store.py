"""bot/rasa_addons/lock_store.py against the real Redis, run by the Rasa interpreter.

The store is created the way Rasa creates it from endpoints.yml (``type: rasa_addons...``) and must
give a conversation's lock to one holder at a time (atomic ``SET NX PX``: many rounds of two clients
racing, several processes hammering one conversation), keep it while a turn runs longer than the
expiry (renewal), let only the holder release it, and free it within ``expiry_seconds`` when the
holder is killed.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venvs" / "rasa" / "bin" / "python"
PROBE = Path(__file__).with_name("lock_store_probe.py")
REDIS_HOST = os.environ.get("CONCIERGE_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("CONCIERGE_TEST_REDIS_PORT", "6379"))
EXPIRY = 1.0


def _redis_up() -> bool:
    import socket

    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def config():
    if not _redis_up():
        pytest.fail(f"Redis is not running on {REDIS_HOST}:{REDIS_PORT} (scripts/services.sh starts it)",
                    pytrace=False)
    return {"type": "rasa_addons.lock_store.AtomicRedisLockStore", "url": REDIS_HOST, "port": REDIS_PORT,
            "db": 1, "key_prefix": f"test{uuid.uuid4().hex[:12]}", "expiry_seconds": EXPIRY,
            "poll_seconds": 0.005}


def probe(config: dict, check: str) -> dict:
    if not RASA_PYTHON.exists():
        pytest.fail(f"the Rasa environment is missing ({RASA_PYTHON}): run scripts/setup.sh", pytrace=False)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "bot"))
    out = subprocess.run([str(RASA_PYTHON), "-W", "ignore", str(PROBE), json.dumps(config), check],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in out.stdout.splitlines() if line.startswith("PROBE ")]
    assert out.returncode == 0 and lines, out.stderr[-4000:]
    return json.loads(lines[-1][len("PROBE "):])


def test_two_racing_clients_never_both_get_the_lock(config):
    found = probe(config, "race")
    assert found["class"] == "AtomicRedisLockStore", "Rasa fell back to another lock store"
    assert found["rounds"] == 300 and found["both"] == 0 and found["none"] == 0


def test_many_holders_of_one_conversation_take_turns(config):
    found = probe(config, "exclusive")
    assert found["exit_codes"] == [0, 0, 0]
    assert found["overlaps"] == 0, "two holders were inside one conversation's lock at once"
    assert found["counter"] == found["expected"] == 360, "a read-modify-write under the lock was lost"
    assert found["left_behind"] is False


def test_a_long_turn_keeps_its_lock_and_releases_it(config):
    assert probe(config, "renew") == {"stolen": 0, "released": True}


def test_a_killed_holder_leaves_a_lock_that_expires_within_the_configured_seconds(config):
    found = probe(config, "crash")
    assert found.get("held_while_alive") is True, found  # renewed past its expiry while the holder lived
    assert found["expiry_seconds"] == EXPIRY
    assert found["freed_after"] <= EXPIRY + 0.5, found


def test_only_the_holder_releases_the_lock(config):
    assert probe(config, "holder_only") == {
        "first": True, "wrong_release": False, "still_held": True, "second": True,
        "stale_release": False, "new_still_held": True, "released": True}


def test_a_waiter_gives_up_with_rasas_lock_error(config):
    outcome = probe(config, "timeout")["outcome"]
    assert re.fullmatch(r"LockError after 0\.[4-9]\d?s|LockError after 1\.\d+s", outcome), outcome


def test_production_endpoints_use_the_atomic_lock_store():
    import yaml

    endpoints = yaml.safe_load((ROOT / "bot" / "endpoints.production.yml").read_text())
    lock = endpoints["lock_store"]
    assert lock["type"] == "rasa_addons.lock_store.AtomicRedisLockStore"
    assert lock["url"] == "${REDIS_HOST}" and lock["port"] == "${REDIS_PORT}"  # unquoted, substituted by Rasa
    assert 1 <= float(lock["expiry_seconds"]) <= 10
