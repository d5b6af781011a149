"""The deployment files: bot/endpoints.production.yml loads in Rasa 3.6 from the environment,
scripts/prod.sh refuses to start without its secrets, Rasa's HTTP API is never enabled without a
token, docker-compose.yml has no default password, a health check and a restart policy on every
service, and an opt-in GPU profile. (scripts/test.sh also validates docker-compose.yml with
``docker-compose config``.)
"""
from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RASA_PYTHON = ROOT / ".venvs" / "rasa" / "bin" / "python"
PRODUCTION_ENV = {
    "ACTION_ENDPOINT_URL": "http://actions.internal:5055/webhook",
    "CONCIERGE_ACTION_TOKEN": "action-secret-0123456789",
    "DB_HOST": "db.internal", "DB_PORT": "6543", "DB_NAME": "shop", "DB_USER": "concierge",
    "DB_PASSWORD": "pg-secret", "REDIS_HOST": "redis.internal", "REDIS_PORT": "6380", "REDIS_PASSWORD": "",
}
READ_ENDPOINTS = """
import json, sys
from rasa.core.utils import read_endpoints_from_path
e = read_endpoints_from_path(sys.argv[1])
print("ENDPOINTS " + json.dumps({
    "action": {"url": e.action.url, "headers": e.action.headers},
    "tracker_store": {"type": e.tracker_store.type, "url": e.tracker_store.url, **e.tracker_store.kwargs},
    "lock_store": {"type": e.lock_store.type, "url": e.lock_store.url, **e.lock_store.kwargs},
}))
"""


def read_production_endpoints(env: dict) -> subprocess.CompletedProcess:
    if not RASA_PYTHON.exists():
        pytest.fail(f"the Rasa environment is missing ({RASA_PYTHON}): run scripts/setup.sh", pytrace=False)
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run([str(RASA_PYTHON), "-W", "ignore", "-c", READ_ENDPOINTS, "endpoints.production.yml"],
                          cwd=ROOT / "bot", env={**clean, **env}, capture_output=True, text=True, timeout=180)


def test_production_endpoints_load_in_rasa_with_every_value_from_the_environment():
    out = read_production_endpoints(PRODUCTION_ENV)
    lines = [line for line in out.stdout.splitlines() if line.startswith("ENDPOINTS ")]
    assert out.returncode == 0 and lines, out.stderr[-3000:]
    found = json.loads(lines[-1][len("ENDPOINTS "):])
    assert found["action"] == {"url": "http://actions.internal:5055/webhook",
                               "headers": {"X-Concierge-Token": "action-secret-0123456789"}}
    store = found["tracker_store"]
    assert store["type"] == "rasa_addons.tracker_store.ForgettingSQLTrackerStore"
    assert (store["url"], store["port"], store["db"], store["username"], store["password"]) == (
        "db.internal", "6543", "shop", "concierge", "pg-secret")
    lock = found["lock_store"]
    assert lock["type"] == "rasa_addons.lock_store.AtomicRedisLockStore"
    assert (lock["url"], lock["port"], lock["password"]) == ("redis.internal", "6380", "")
    assert "$" not in json.dumps(found), "a ${VAR} was not substituted"


@pytest.mark.parametrize("missing", ["DB_PASSWORD", "CONCIERGE_ACTION_TOKEN", "REDIS_HOST"])
def test_production_endpoints_refuse_to_load_without_a_variable(missing):
    out = read_production_endpoints({k: v for k, v in PRODUCTION_ENV.items() if k != missing})
    assert out.returncode != 0
    assert "${" + missing + "}" in out.stderr  # Rasa names the variable


def test_prod_sh_refuses_to_start_without_its_secrets_and_names_them():
    out = subprocess.run(["bash", str(ROOT / "scripts" / "prod.sh")], env={"PATH": os.environ["PATH"]},
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    for name in ("DB_PASSWORD", "RASA_TOKEN", "CONCIERGE_ACTION_TOKEN", "REDIS_PASSWORD", "DB_HOST",
                 "CONCIERGE_REST_TOKEN", "CONCIERGE_WEB_SESSION_SECRET"):
        assert name in out.stderr
    weak = subprocess.run(["bash", str(ROOT / "scripts" / "prod.sh"), "rasa"],
                          env={"PATH": os.environ["PATH"], **PRODUCTION_ENV, "RASA_TOKEN": "short",
                               "CONCIERGE_REST_TOKEN": "rest-secret-0123456789",
                               "CONCIERGE_WEB_SESSION_SECRET": "web-secret-0123456789"},
                          capture_output=True, text=True, timeout=60)
    assert weak.returncode == 1 and "RASA_TOKEN is shorter" in weak.stderr


def _deployment_files():
    for pattern in ("scripts/*.sh", "docker-compose*.yml", "docker/*", "Makefile", "tools/*.py", ".ci/*"):
        yield from (p for p in ROOT.glob(pattern) if p.is_file())


def test_rasa_http_api_is_never_enabled_without_a_token():
    enabled = []
    for path in _deployment_files():
        content = path.read_text(errors="replace")
        for match in re.finditer(r"--enable-api", content):
            enabled.append(path.name)
            command = content[match.start():match.start() + 400]  # the rest of that command line
            assert "--auth-token" in command, (
                f"{path.relative_to(ROOT)} enables Rasa's HTTP API without --auth-token: {command[:200]}")
    assert {"prod.sh", "docker-compose.yml", "stack.py"} <= set(enabled)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_no_default_secret_and_every_service_is_supervised_and_checked():
    text = (ROOT / "docker-compose.yml").read_text()
    for secret in ("POSTGRES_PASSWORD", "REDIS_PASSWORD", "RASA_TOKEN", "CONCIERGE_ACTION_TOKEN",
                   "CONCIERGE_REST_TOKEN", "CONCIERGE_WEB_SESSION_SECRET"):
        uses = re.findall(r"\$\{" + secret + r"([^}]*)\}", text)
        assert uses and all(use.startswith(":?") for use in uses), (secret, uses)
    services = compose()["services"]
    assert {"postgres", "redis", "action-server", "action-server-gpu", "rasa"} <= set(services)
    for name, service in services.items():
        assert service.get("restart") == "unless-stopped", name
        assert service.get("healthcheck", {}).get("test"), name
    assert "/webhooks/rest/health" in " ".join(services["rasa"]["healthcheck"]["test"])
    assert "5055/health" in " ".join(services["action-server"]["healthcheck"]["test"])
    assert "--auth-token" in services["rasa"]["command"]
    assert "ports" not in services["action-server"], "the action server is for Rasa only"


def test_compose_gpu_profile_reserves_an_nvidia_device_for_the_action_server():
    services = compose()["services"]
    gpu = services["action-server-gpu"]
    assert gpu["profiles"] == ["gpu"]
    devices = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert devices and devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    assert "profiles" not in services["action-server"]  # the CPU one is the default
    assert gpu["environment"] == services["action-server"]["environment"]
