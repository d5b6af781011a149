"""Sequence-aware transformer scorer (SASRec / BERT4Rec on Hugging Face model classes).

Serving: ``from recommender.seq.scorer import SequenceScorer, load_scorer``.
CLI: ``python -m recommender.seq train|evaluate|run|download|bench|train-demo`` (see docs/scorer.md).
"""
