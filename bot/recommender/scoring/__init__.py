"""Serving the transformer scorer: load a checkpoint, score candidates, swap in a new checkpoint live.

What the action server imports to rank: no training, evaluation or benchmark code (that is
``recommender.seq``). No rasa imports.

    from recommender.scoring import open_live_scorer
    scorer = open_live_scorer("var/scorer")          # picks up checkpoints that `retrain` publishes
    scores = scorer.score(history, candidate_ids)   # None for a cold user or while no checkpoint is served
"""
from .live import LiveScorer, open_live_scorer
from .scorer import SequenceScorer, default_scorer_dir, load_scorer, open_checkpoint

__all__ = ["LiveScorer", "SequenceScorer", "default_scorer_dir", "load_scorer", "open_checkpoint", "open_live_scorer"]
