"""The action server: rasa-sdk's own app, behind a shared secret, on loopback by default, one process.

    cd bot && python -m actions.server [--host HOST] [--port PORT]

Environment (read in ``recommender/settings.py``):

* ``CONCIERGE_ACTION_TOKEN`` (required, at least 16 characters): every call except ``GET /health``
  must carry it in the ``X-Concierge-Token`` header (compared in constant time), else 401. Rasa
  sends it from ``endpoints.yml`` (``headers:``). Without a token the server does not start, on any
  interface: loopback is shared by every process and user of the machine.
* ``CONCIERGE_ACTION_HOST`` (default ``127.0.0.1``; ``--host``), ``CONCIERGE_ACTION_PORT`` (default
  5055; ``--port``). ``0.0.0.0`` only where a network boundary exists (a container).
* ``CONCIERGE_CATALOG_CHECK_SECONDS`` (default 2): how often the catalog version is checked.

The app is ``rasa_sdk.endpoint.create_app_for_serve`` (the factory ``python -m rasa_sdk`` uses), with
a request middleware for the secret and one that answers ``GET /health`` with real health:

* 200 ``{"status": "ok", "catalog_version": N}``: the runtime is built and the store answered a query
  (N: the catalog version being served; it follows the store's a few seconds after an import);
* 503 ``{"status": "warming up"}`` while the catalog is loading (with the last failure's reason when
  the store was unreachable at start: the build is retried until it succeeds);
* 503 ``{"status": "store unreachable (...)"}`` when the store does not answer within 3 s.

Sanic runs in single-process mode: the process that listens is the one that serves, so a dead
server is a closed port, never an open port nobody answers, and the supervisor (compose restart
policy, systemd, the tests) restarts it. rasa-sdk's own launcher forks a Sanic manager plus worker
processes, and a killed worker left the manager holding the port. Run more processes (each its own
port, behind a load balancer) to use more cores.
"""
from __future__ import annotations

import argparse
import asyncio
import hmac
import ipaddress
import logging
import sys
from typing import List, Optional

TOKEN_HEADER = "X-Concierge-Token"
MIN_TOKEN_LENGTH = 16
#: seconds /health waits for the store's answer
HEALTH_TIMEOUT_SECONDS = 3.0
#: largest request body accepted (Rasa posts the tracker of the conversation's current session)
MAX_REQUEST_BYTES = 32 * 1024 * 1024

logger = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1); False for anything else."""
    host = (host or "").strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def config_problem(host: str, token: str) -> Optional[str]:
    """Why the server must not start with this host and token, or None."""
    where = "loopback" if is_loopback(host) else f"{host} (not loopback)"
    if not token:
        return (f"CONCIERGE_ACTION_TOKEN is not set; refusing to serve actions on {where} without a shared "
                "secret. Set the same value for Rasa (endpoints.yml sends it), e.g. "
                "export CONCIERGE_ACTION_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    if len(token) < MIN_TOKEN_LENGTH:
        return f"CONCIERGE_ACTION_TOKEN is too short: use at least {MIN_TOKEN_LENGTH} random characters"
    if not all(33 <= ord(ch) <= 126 for ch in token):
        return "CONCIERGE_ACTION_TOKEN must be printable ASCII without spaces (it travels in an HTTP header)"
    return None


def token_matches(supplied: Optional[str], expected: str) -> bool:
    """Constant-time comparison of the header's value with the token (any text is safe to pass)."""
    if supplied is None:
        return False
    return hmac.compare_digest(supplied.encode("utf-8", "surrogateescape"), expected.encode("ascii"))


def _is_health(request) -> bool:
    return request.path == "/health" and request.method == "GET"


async def health_response():
    """What ``GET /health`` answers (see the module docstring)."""
    from sanic import response

    from . import runtime

    served = runtime.current()
    if served is None:
        reason = runtime.last_error()
        return response.json({"status": "warming up" + (f": {reason}" if reason else "")}, status=503)
    try:  # a real query: the store must answer (the version it returns may be newer than the one served)
        await asyncio.wait_for(asyncio.to_thread(served.store.catalog_version), HEALTH_TIMEOUT_SECONDS)
    except asyncio.TimeoutError:
        return response.json({"status": "store unreachable (no answer in "
                                        f"{HEALTH_TIMEOUT_SECONDS:g}s)"}, status=503)
    except Exception as exc:  # noqa: BLE001 - any failure to answer is "not healthy"
        return response.json({"status": runtime.describe_error(exc)}, status=503)
    return response.json({"status": "ok", "catalog_version": served.catalog_version}, status=200)


def secure(app, token: str) -> None:
    """The shared-secret check (before every other middleware, CORS preflights included) and /health."""
    from sanic import response

    from .safe import ActionUnavailable

    async def check_token(request):
        if _is_health(request):
            return await health_response()  # answered here, instead of rasa-sdk's constant "ok"
        if not token_matches(request.headers.get(TOKEN_HEADER), token):
            return response.json({"error": f"unauthorized: missing or wrong {TOKEN_HEADER} header"}, status=401)
        return None

    app.on_request(check_token, priority=1000)

    @app.exception(ActionUnavailable)
    async def unavailable(request, exception):
        # more specific than rasa-sdk's catch-all (500, with the exception text and the request body)
        return response.json({"error": f"action unavailable: {exception}"}, status=503)


def create_app(token: str, actions_package: str = "actions", endpoints: str = "endpoints.yml",
               watch: bool = True):
    """rasa-sdk's app for the Concierge actions, secured; ``watch`` starts the runtime's watcher at start."""
    from rasa_sdk.endpoint import create_app_for_serve
    from rasa_sdk.executor import ActionExecutor

    from . import runtime

    executor = ActionExecutor()
    executor.register_package(actions_package)
    # no CORS: only Rasa calls the action server, never a browser
    app = create_app_for_serve(executor, cors_origins=None, endpoints=endpoints)
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
    secure(app, token)
    if watch:
        async def start_watcher(_app):
            runtime.start_watcher()

        app.register_listener(start_watcher, "after_server_start")
    return app


def build_parser() -> argparse.ArgumentParser:
    from rasa_sdk import utils

    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", help="interface to listen on (default: $CONCIERGE_ACTION_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: $CONCIERGE_ACTION_PORT or 5055)")
    parser.add_argument("--actions", default="actions", help="package of the actions (default: actions)")
    parser.add_argument("--endpoints", default="endpoints.yml",
                        help="endpoints file whose `tracing:` section rasa-sdk reads (default: endpoints.yml)")
    utils.add_logging_level_option_arguments(parser)
    utils.add_logging_file_arguments(parser)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    from rasa_sdk import utils
    from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
    from sanic import Sanic

    from recommender.settings import get_settings

    args = build_parser().parse_args(argv)
    settings = get_settings()
    host = args.host or settings.action_host
    port = args.port or settings.action_port
    problem = config_problem(host, settings.action_token)
    if problem:
        print(f"actions.server: {problem}", file=sys.stderr)
        return 2
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    app = create_app(settings.action_token, args.actions, args.endpoints)
    app.prepare(host=host, port=port, single_process=True, motd=False, access_log=False)
    logger.info("action server listening on http://%s:%d (single process, shared secret required)", host, port)
    Sanic.serve_single(primary=app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
