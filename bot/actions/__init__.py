"""Concierge's custom actions (rasa-sdk). Thin: parse the tracker, call ``recommender``, render."""
