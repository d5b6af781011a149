"""Deterministic understanding of a shopper's message: budget, item references, request slots.

Used by the action server next to Rasa's NLU (whose entities may be missing or wrong); pure
Python on top of ``recommender.vocabulary``.
"""
from .budget import BudgetParse, parse_budget
from .feedback import feedback_polarity
from .references import parse_item_reference
from .request import RequestUpdate, extract_request

__all__ = [
    "BudgetParse",
    "RequestUpdate",
    "extract_request",
    "feedback_polarity",
    "parse_budget",
    "parse_item_reference",
]
