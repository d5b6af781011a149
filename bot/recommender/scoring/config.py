"""Settings of the sequential scorer, as one dataclass with a JSON round trip (a checkpoint's ``config.json``).

The serving side reads the model's shape from it; the training side (``recommender.seq``) also reads the
optimisation fields. The settings a training run uses are chosen from the data's shape and the hardware by
``recommender.seq.recipe``.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Dict, Optional, Union


@dataclass
class SeqConfig:
    """Model, loss and training settings.

    Defaults: a full-softmax SASRec on Pre-LN GPT-2 blocks; ``recommender.seq.recipe`` adjusts them to the data.
    """

    # --- model -----------------------------------------------------------------------------------
    model: str = "sasrec"  # "sasrec" (causal, GPT-2 blocks) or "bert4rec" (masked, BERT blocks)
    hidden: int = 64
    layers: int = 2
    heads: int = 1
    ffn_mult: int = 1  # feed-forward width = ffn_mult * hidden (SASRec uses 1, GPT-2 uses 4)
    max_len: int = 50
    dropout: float = 0.2  # residual / attention dropout inside the blocks
    emb_dropout: float = 0.2  # dropout on the summed input embeddings
    item_dropout: float = 0.0  # probability of replacing an input item by padding (regulariser)
    use_events: bool = True  # add an event-type embedding to every input position
    ensemble: int = 1  # independently trained transformers (different seeds) whose logits are averaged
    # --- loss --------------------------------------------------------------------------------------
    loss: str = "ce"  # "ce" (full softmax), "sampled" (sampled softmax), "bce" (SASRec's 1 negative)
    negatives: int = 2048  # negatives for loss="sampled" (shared across the batch)
    label_smoothing: float = 0.0
    bert_mask_prob: float = 0.2  # masking probability for model="bert4rec"
    # --- item-kNN blend (scoring/knn.py; weight chosen by seq/hybrid.py) -----------------------------
    knn_blend: bool = False  # add w x item-kNN to the transformer's scores, w chosen on validation
    knn_weight: float = 0.0  # the chosen w (0 = the transformer alone)
    knn_neighbours: int = 1000
    knn_shrink: float = 10.0
    knn_decay: float = 0.9  # a history item's kNN weight = knn_decay ** (its distance from the newest item)
    # --- optimisation ----------------------------------------------------------------------------
    lr: float = 1e-3
    weight_decay: float = 0.0
    batch_size: int = 128
    epochs: int = 200
    warmup_steps: int = 0
    schedule: str = "constant"  # "constant" or "cosine" (cosine needs epochs or max_minutes)
    grad_clip: float = 5.0
    patience: int = 10  # epochs without validation NDCG@10 improvement before stopping
    refit_epochs: int = 0  # after model selection, epochs on train + validation items (never the test item)
    refit_lr: float = 2e-4  # learning rate of those epochs
    refit_schedule: str = "constant"  # "constant", or "cosine": from refit_lr down to 2% of it over the refit
    max_minutes: float = 0.0  # wall-clock budget of one ``train`` call (0 = none); ``run`` budgets the whole run
    val_protocol: str = "full"  # early stopping on "full" or "sampled" validation NDCG@10
    val_users: int = 0  # validate on at most this many users (0 = all)
    eval_every: int = 1
    seed: int = 42
    device: str = "auto"  # "auto", "cpu", "cuda", "cuda:1", ...
    amp: bool = True  # mixed precision (bf16 autocast) on CUDA
    num_threads: int = 0  # torch CPU threads (0 = half the cores, at least 1)
    # --- data --------------------------------------------------------------------------------------
    n_items: int = 0  # filled in from the data; item index 0 is padding
    events: list = field(default_factory=list)  # event vocabulary, index 0 = padding
    # --- optional text side-information ------------------------------------------------------------
    text_embeddings: bool = False  # mix precomputed item text embeddings into the item embeddings
    text_dim: int = 0

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)

    def to_json(self, path: Optional[Union[str, Path]] = None) -> str:
        text = json.dumps(self.to_dict(), indent=2, sort_keys=True)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "SeqConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @classmethod
    def from_json(cls, text_or_path: Union[str, Path]) -> "SeqConfig":
        p = Path(str(text_or_path))
        if not str(text_or_path).lstrip().startswith("{") and p.exists():
            text_or_path = p.read_text(encoding="utf-8")
        return cls.from_dict(json.loads(str(text_or_path)))

    def updated(self, **overrides: Any) -> "SeqConfig":
        data = self.to_dict()
        for k, v in overrides.items():
            if v is None:
                continue
            if k not in data:
                raise KeyError(f"unknown setting {k!r}")
            data[k] = v
        return SeqConfig.from_dict(data)
