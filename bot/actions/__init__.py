"""Concierge's custom actions (rasa-sdk). Thin: parse the tracker, call ``recommender``, render.

Served by ``python -m actions.server`` (cwd ``bot/``; see ``actions/server.py``): rasa-sdk's app in
one process, behind the shared secret, with the runtime (catalog, scorer, sentence encoder and the
catalog's embeddings) built in the background at start and rebuilt when the catalog changes.
Other importers (tests, scripts) build the runtime on first use.
"""
