"""Fixtures: the real Rasa server and action server on loopback ports, driven over REST."""
from __future__ import annotations

from typing import Dict, List, Optional

import pytest

from tools.stack import running_stack, train_model


@pytest.fixture(scope="session")
def rasa_model():
    """The model for the current data (trained once per fingerprint); CONCIERGE_TEST_MODEL pins one (dev loops)."""
    import os
    from pathlib import Path

    pinned = os.environ.get("CONCIERGE_TEST_MODEL")
    return Path(pinned) if pinned else train_model()


@pytest.fixture(scope="session")
def stack(rasa_model, demo_database_url, tmp_path_factory):
    with running_stack(rasa_model, demo_database_url, tmp_path_factory.mktemp("stack")) as running:
        yield running


def recommendations(messages: List[Dict]) -> Optional[List[Dict]]:
    """The items of the recommendations payload in a reply, or None when there is none."""
    found = payload(messages, "recommendations")
    return found["items"] if found else None


def payload(messages: List[Dict], kind: str) -> Optional[Dict]:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("type") == kind:
            return custom
    return None


def text_of(messages: List[Dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages if m.get("text"))
