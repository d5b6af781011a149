"""The reading step on sentences written by outsiders (tests/blind/), through the action server's runtime.

Floors, not targets: the figures measured when the sets were added (docs/benchmarks.md, "Blind sets"),
so a change that makes the assistant filter on what nobody asked for, or miss needs it read before,
fails here. The measurement set (``demo``) was never tuned on.
"""
from __future__ import annotations

import pytest
import yaml

from tests.conftest import ROOT
from tools.readings_eval import evaluate

BLIND = ROOT / "tests" / "blind"


def _sentences(folder: str, name: str):
    return yaml.safe_load((BLIND / folder / name).read_text())["sentences"]


@pytest.fixture(scope="module")
def turns(demo_database_url, tmp_path_factory):
    from actions import runtime
    from recommender.settings import get_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONCIERGE_DATABASE_URL", demo_database_url)
        patch.setenv("CONCIERGE_SCORER_PATH", str(tmp_path_factory.mktemp("no-scorer")))
        get_settings.cache_clear()
        runtime.reset_runtime()
        yield runtime.build_runtime().turns
        runtime.reset_runtime()
        get_settings.cache_clear()


@pytest.mark.parametrize("folder, precision, read_recall", [("demo", 0.98, 0.70), ("tuning", 0.98, 0.65)])
def test_sentences_that_ask_for_no_feature_filter_on_none_and_needs_are_read(turns, folder, precision, read_recall):
    report = evaluate(turns, _sentences(folder, "no_need_sentences.yml"), _sentences(folder, "need_sentences.yml"))
    assert report["no_need"]["precision"] >= precision, report
    assert report["need"]["recall_read"] >= read_recall, report
