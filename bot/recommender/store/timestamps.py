"""Timestamp coercion shared by the store and the importers.

Everything is stored as UTC; naive values are taken to be UTC so SQLite (which keeps no
offset) and PostgreSQL (which does) round-trip to the same aware datetimes.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Union

TimestampLike = Union[datetime, str, int, float]


def to_utc(value: datetime) -> datetime:
    """The same instant as an aware UTC datetime (naive input is assumed to be UTC)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def parse_timestamp(value: TimestampLike) -> datetime:
    """An aware UTC datetime from a datetime, unix seconds, or an ISO-8601 string.

    Raises ``ValueError`` for anything else, so callers can report the offending field.
    """
    if isinstance(value, datetime):
        return to_utc(value)
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a timestamp")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(float(value), tz=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("empty timestamp")
        try:
            return datetime.fromtimestamp(float(text), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        return to_utc(datetime.fromisoformat(text))
    raise ValueError(f"{value!r} is not a timestamp")
