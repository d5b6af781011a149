"""Sequential transformers over (item, event) sequences, on Hugging Face transformers model classes.

* ``SASRec``: causal self-attention (GPT-2 blocks, which are Pre-LN, with a final LayerNorm); the hidden
  state at position t scores the item at t+1 against the tied item-embedding table.
* ``BERT4Rec``: bidirectional BERT blocks trained to fill masked positions; scoring appends a mask token.

Both take right-padded batches (item index 0 = padding); with causal attention and right padding no
attention mask is needed, because real positions never see the padding after them.
"""
from __future__ import annotations

import math
from typing import Optional

import torch
from torch import nn

from .config import SeqConfig


class _ItemEmbeddings(nn.Module):
    """Item-id embeddings (+ optional projected text embeddings) and the event-type embedding."""

    def __init__(self, cfg: SeqConfig, n_rows: int):
        super().__init__()
        self.cfg = cfg
        self.item = nn.Embedding(n_rows, cfg.hidden, padding_idx=0)
        nn.init.normal_(self.item.weight, std=cfg.hidden ** -0.5)
        with torch.no_grad():
            self.item.weight[0].zero_()
        self.event = nn.Embedding(max(len(cfg.events), 1) + 1, cfg.hidden, padding_idx=0) if cfg.use_events else None
        if self.event is not None:
            nn.init.normal_(self.event.weight, std=0.02)
        if cfg.text_embeddings and cfg.text_dim > 0:
            self.register_buffer("text_table", torch.zeros(n_rows, cfg.text_dim))
            self.text_proj = nn.Linear(cfg.text_dim, cfg.hidden, bias=False)
        else:
            self.text_table = None
            self.text_proj = None

    def table(self) -> torch.Tensor:
        w = self.item.weight
        if self.text_proj is not None:
            w = w + self.text_proj(self.text_table)
        return w

    def rows(self, idx: torch.Tensor) -> torch.Tensor:
        e = self.item(idx)
        if self.text_proj is not None:
            e = e + self.text_proj(self.text_table[idx])
        return e

    def forward(self, items: torch.Tensor, events: Optional[torch.Tensor]) -> torch.Tensor:
        x = self.rows(items) * math.sqrt(self.cfg.hidden)
        if self.event is not None and events is not None:
            x = x + self.event(events)
        return x


class SASRec(nn.Module):
    """SASRec (Kang & McAuley 2018) with Pre-LN GPT-2 blocks and a tied output embedding."""

    causal = True

    def __init__(self, cfg: SeqConfig):
        super().__init__()
        from transformers import GPT2Config, GPT2Model

        self.cfg = cfg
        self.emb = _ItemEmbeddings(cfg, cfg.n_items + 1)
        gcfg = GPT2Config(
            vocab_size=1, n_positions=cfg.max_len, n_embd=cfg.hidden, n_layer=cfg.layers, n_head=cfg.heads,
            n_inner=cfg.ffn_mult * cfg.hidden, activation_function="gelu",
            resid_pdrop=cfg.dropout, embd_pdrop=cfg.emb_dropout, attn_pdrop=cfg.dropout,
            use_cache=False, layer_norm_epsilon=1e-6, bos_token_id=None, eos_token_id=None,
        )
        gcfg._attn_implementation = "sdpa"
        self.encoder = GPT2Model(gcfg)
        # The token table of GPT-2 is unused (we pass inputs_embeds); keep it tiny and frozen.
        self.encoder.wte.weight.requires_grad_(False)

    def item_table(self) -> torch.Tensor:
        return self.emb.table()

    def encode(self, items: torch.Tensor, events: Optional[torch.Tensor] = None) -> torch.Tensor:
        """(B, L) right-padded ids -> (B, L, H) hidden states; position t summarises items[:t+1]."""
        x = self.emb(items, events)
        pos = torch.arange(items.shape[1], device=items.device).unsqueeze(0).expand_as(items)
        out = self.encoder(inputs_embeds=x, position_ids=pos, use_cache=False)
        return out.last_hidden_state

    def user_vectors(self, items: torch.Tensor, events: Optional[torch.Tensor], lengths: torch.Tensor
                     ) -> torch.Tensor:
        """Hidden state after each sequence's last real item: (B, H)."""
        h = self.encode(items, events)
        return h[torch.arange(items.shape[0], device=items.device), (lengths - 1).clamp(min=0)]


class BERT4Rec(nn.Module):
    """BERT4Rec (Sun et al. 2019): bidirectional BERT blocks, masked-item training, tied output embedding."""

    causal = False

    def __init__(self, cfg: SeqConfig):
        super().__init__()
        from transformers import BertConfig, BertModel

        self.cfg = cfg
        self.mask_id = cfg.n_items + 1
        self.emb = _ItemEmbeddings(cfg, cfg.n_items + 2)
        bcfg = BertConfig(
            vocab_size=1, hidden_size=cfg.hidden, num_hidden_layers=cfg.layers, num_attention_heads=cfg.heads,
            intermediate_size=cfg.ffn_mult * cfg.hidden * 4, hidden_dropout_prob=cfg.dropout,
            attention_probs_dropout_prob=cfg.dropout, max_position_embeddings=cfg.max_len, type_vocab_size=1,
            layer_norm_eps=1e-6,
        )
        bcfg._attn_implementation = "sdpa"
        self.encoder = BertModel(bcfg, add_pooling_layer=False)
        self.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
        self.out_bias = nn.Parameter(torch.zeros(cfg.n_items + 2))

    def item_table(self) -> torch.Tensor:
        return self.emb.table()[: self.cfg.n_items + 1]

    def encode(self, items: torch.Tensor, events: Optional[torch.Tensor] = None) -> torch.Tensor:
        x = self.emb(items, events)
        mask = (items != 0).long()
        out = self.encoder(inputs_embeds=x, attention_mask=mask)
        return out.last_hidden_state

    def user_vectors(self, items: torch.Tensor, events: Optional[torch.Tensor], lengths: torch.Tensor
                     ) -> torch.Tensor:
        """Appends a mask token after each sequence (truncating to max_len) and returns its hidden state."""
        B, L = items.shape
        max_len = self.cfg.max_len
        new_len = torch.clamp(lengths + 1, max=max_len)
        width = int(new_len.max().item()) if B else 1
        out_items = torch.zeros(B, width, dtype=items.dtype, device=items.device)
        out_events = torch.zeros(B, width, dtype=items.dtype, device=items.device)
        for b in range(B):
            n = int(lengths[b])
            keep = min(n, max_len - 1)
            if keep:
                out_items[b, :keep] = items[b, n - keep:n]
                if events is not None:
                    out_events[b, :keep] = events[b, n - keep:n]
            out_items[b, keep] = self.mask_id
            out_events[b, keep] = out_events[b, keep - 1] if keep else 0
        h = self.encode(out_items, out_events if events is not None else None)
        return h[torch.arange(B, device=items.device), new_len - 1]


class Ensemble(nn.Module):
    """``cfg.ensemble`` independently trained transformers scored as one model.

    The mean of the members' logits ranks items exactly as the mean of their log-softmax does (the
    normalisers are one constant per user), and it is a single dot product between the concatenated user
    vectors (each divided by N) and the concatenated item tables, so evaluation and serving treat an
    ensemble like any other model. Members are trained separately (``train.train``), never through this
    module."""

    def __init__(self, cfg: SeqConfig):
        super().__init__()
        self.cfg = cfg
        self.causal = cfg.model == "sasrec"
        member = cfg.updated(ensemble=1)
        self.members = nn.ModuleList([build_model(member) for _ in range(cfg.ensemble)])

    def item_table(self) -> torch.Tensor:
        return torch.cat([m.item_table() for m in self.members], dim=1)

    def user_vectors(self, items: torch.Tensor, events: Optional[torch.Tensor], lengths: torch.Tensor
                     ) -> torch.Tensor:
        n = len(self.members)
        return torch.cat([m.user_vectors(items, events, lengths) / n for m in self.members], dim=1)


def build_model(cfg: SeqConfig) -> nn.Module:
    if cfg.ensemble > 1:
        return Ensemble(cfg)
    if cfg.model == "sasrec":
        return SASRec(cfg)
    if cfg.model == "bert4rec":
        return BERT4Rec(cfg)
    raise ValueError(f"unknown model {cfg.model!r}")
