"""Training, evaluation and benchmarks of the transformer scorer (SASRec / BERT4Rec on Hugging Face model
classes): data loaders, the settings chooser, the time budget, the shop's retraining loop.

Serving is ``recommender.scoring`` (which never imports this package).
CLI: ``python -m recommender.seq settings|run|train|evaluate|retrain|train-demo|download|bench``
(see docs/scorer.md).
"""
