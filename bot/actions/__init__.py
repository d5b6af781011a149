"""Concierge's custom actions (rasa-sdk). Thin: parse the tracker, call ``recommender``, render.

rasa-sdk serves actions from Sanic worker processes (they carry ``SANIC_WORKER_NAME``); a worker
starts building its runtime (catalog, scorer, sentence encoder and the catalog's embeddings) as
soon as it imports this package, so the first shopper waits less. Other importers (tests,
scripts) build it on first use.
"""
import os
import threading


def _warm_up() -> None:
    from .runtime import get_runtime

    try:
        get_runtime()
    except Exception:  # noqa: BLE001 - the first action reports the same error to the log and the shopper
        import logging

        logging.getLogger(__name__).exception("action server warm-up failed")


if os.environ.get("SANIC_WORKER_NAME"):  # process context set by Sanic, not a setting
    threading.Thread(target=_warm_up, name="concierge-warm-up", daemon=True).start()
