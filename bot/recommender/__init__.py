"""Concierge recommender library: catalog, store, query understanding, retrieval and ranking.

Imports neither rasa nor rasa_sdk, so notebooks and batch jobs can use it directly.
"""
