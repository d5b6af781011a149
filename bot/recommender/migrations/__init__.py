"""Alembic migrations for the Concierge store (run via ``recommender.store.migrate``).

Kept inside the package so the schema ships with the code that queries it.
"""
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent
