"""Multi-turn conversations from tests/conversations/*.yml, over REST against the real servers.

The expectation keys and the checks every turn passes are those of ``tools.book``.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tools.book import load_book, run_conversation

pytestmark = pytest.mark.integration

BOOK = Path(__file__).resolve().parents[1] / "conversations"
CONVERSATIONS = load_book(sorted(BOOK.glob("*.yml")))


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c["name"] for c in CONVERSATIONS])
def test_conversation(stack, conversation):
    run_conversation(stack.send, f"book-{uuid.uuid4().hex[:10]}", conversation)
