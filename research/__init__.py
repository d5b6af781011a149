"""Experiment tools for the transformer scorer: not part of the shop (nothing in ``bot/`` imports them).

Each uses the public API of ``recommender.seq`` (training, evaluation) on research data; see research/README.md.
"""
