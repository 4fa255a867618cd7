"""The book's GPT: a small pre-LN decoder-only Transformer, its language-model loss (with z-loss) and an AdamW trainer.

One implementation for every language-model chapter; extend it here rather than copying it. Defaults follow the
training recipe of Wortsman et al. (ICLR 2024, arXiv:2309.14322), Sec. 2.1: pre-LayerNorm blocks, no biases,
untied input/output embeddings, truncated-normal init with std 1/sqrt(fan_in), AdamW with beta = (0.9, 0.95) and
eps = 1e-8, weight decay independent of the learning rate, linear warm-up then cosine decay, gradient clipping
at global norm 1, and the z-loss 1e-4 * log^2 Z. qk-layernorm (their Sec. 3.1.1) is a switch.

`train` optimises several independent models at once (one per learning rate, seed or setting): the parameters
are stacked along a leading model axis and the forward pass runs under `torch.func.vmap`, so a sweep is one loop
with one backward pass per step. On a CPU its cost still grows with the number of models (the matrix products
dominate), but the per-step Python overhead is paid once.

References to the paper cite its sections (Sec. 2.1 set-up, Sec. 2.2 LR sensitivity, Sec. 3.1.1 attention-logit
growth, Sec. 3.1.2 output-logit divergence and z-loss, Sec. 3.2.2 independent weight decay); we could not read its
full text, so no equation numbers are given.
"""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, stack_module_state, vmap

from .schedules import cosine, with_warmup


@dataclass(frozen=True)
class GPTConfig:
    """Architecture of the decoder-only Transformer."""

    vocab: int = 32
    seq_len: int = 32  # maximum context (learned positional embeddings)
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    mlp_ratio: int = 4
    bias: bool = False  # biases in linear and LayerNorm layers
    qk_layernorm: bool = False  # LayerNorm on queries and keys (per head) before their dot product
    tied: bool = False  # output layer shares the token-embedding matrix
    embed_std: float | None = None  # std of the embedding init; None: 1/sqrt(d_model)

    def __post_init__(self):
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}")

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention; optionally reports max |attention logit| (the pre-softmax scores)."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=cfg.bias)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model, bias=cfg.bias)
        if cfg.qk_layernorm:
            self.q_ln = nn.LayerNorm(cfg.d_head, bias=cfg.bias)
            self.k_ln = nn.LayerNorm(cfg.d_head, bias=cfg.bias)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        B, T, D = x.shape
        H, Dh = self.cfg.n_heads, self.cfg.d_head
        q, k, v = self.qkv(x).view(B, T, 3, H, Dh).unbind(2)  # each B x T x H x Dh
        if self.cfg.qk_layernorm:  # qk-layernorm (Sec. 3.1.1): normalise q and k before the dot product
            q, k = self.q_ln(q), self.k_ln(k)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # B x H x T x Dh
        z = q @ k.transpose(-2, -1) / math.sqrt(Dh)  # attention logits z_ij = <q_i, k_j> / sqrt(d_h) (Sec. 3.1.1)
        causal = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        att = z.masked_fill(~causal, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        max_logit = z.detach().masked_fill(~causal, 0.0).abs().amax()  # cheap: one reduction per forward
        return self.proj(y), max_logit


class Block(nn.Module):
    """Pre-LN Transformer block: x + attn(LN(x)), then x + MLP(LN(x)) with a GELU MLP."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.attn = CausalSelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.mlp = nn.Sequential(nn.Linear(cfg.d_model, cfg.mlp_ratio * cfg.d_model, bias=cfg.bias), nn.GELU(),
                                 nn.Linear(cfg.mlp_ratio * cfg.d_model, cfg.d_model, bias=cfg.bias))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        a, max_logit = self.attn(self.ln1(x))
        x = x + a
        return x + self.mlp(self.ln2(x)), max_logit


class GPT(nn.Module):
    """Decoder-only Transformer: token + learned position embeddings, pre-LN blocks, final LN, output layer."""

    def __init__(self, cfg: GPTConfig, seed: int | None = None):
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab, cfg.d_model)
        self.pos = nn.Embedding(cfg.seq_len, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.ln_f = nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.head = None if cfg.tied else nn.Linear(cfg.d_model, cfg.vocab, bias=cfg.bias)
        # with a seed, initialise from it without touching the global torch stream
        ctx = torch.random.fork_rng(devices=[]) if seed is not None else contextlib.nullcontext()
        with ctx:
            if seed is not None:
                torch.manual_seed(int(seed))
            self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self) -> None:
        """Truncated normal (at 2 std) with std 1/sqrt(fan_in) for linear layers; N(0, embed_std^2) embeddings."""
        e_std = self.cfg.embed_std if self.cfg.embed_std is not None else 1 / math.sqrt(self.cfg.d_model)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                std = 1 / math.sqrt(m.in_features)
                nn.init.trunc_normal_(m.weight, std=std, a=-2 * std, b=2 * std)
                if m.bias is not None:
                    m.bias.zero_()
            elif isinstance(m, nn.Embedding):
                nn.init.normal_(m.weight, std=e_std)
            elif isinstance(m, nn.LayerNorm):
                m.reset_parameters()

    def forward(self, idx: torch.Tensor, return_stats: bool = False):
        """Logits (B x T x vocab) for tokens idx (B x T); with return_stats also {'max_attn_logit': (n_layers,)}."""
        T = idx.shape[-1]
        if T > self.cfg.seq_len:
            raise ValueError(f"sequence of {T} tokens exceeds seq_len={self.cfg.seq_len}")
        x = self.tok(idx) + self.pos(torch.arange(T, device=idx.device))
        max_logits = []
        for block in self.blocks:
            x, m = block(x)
            max_logits.append(m)
        x = self.ln_f(x)
        logits = self.head(x) if self.head is not None else x @ self.tok.weight.T
        return (logits, {"max_attn_logit": torch.stack(max_logits)}) if return_stats else logits


# -- loss --------------------------------------------------------------------------------------------------------
def log_z(logits: torch.Tensor) -> torch.Tensor:
    """log Z = log sum_j exp(y_j), the log of the softmax normaliser of output logits y (last axis)."""
    return torch.logsumexp(logits, dim=-1)


def token_losses(logits: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token cross-entropy -log softmax(y)_target = log Z - y_target, and log Z itself."""
    lz = log_z(logits)
    return lz - logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1), lz


def lm_loss(logits: torch.Tensor, targets: torch.Tensor, z_loss: float = 0.0) -> torch.Tensor:
    """Mean next-token cross-entropy plus z_loss * mean(log^2 Z) (the paper uses z_loss = 1e-4)."""
    ce, lz = token_losses(logits, targets)
    return ce.mean() + z_loss * lz.pow(2).mean()


# -- many models at once --------------------------------------------------------------------------------------------
def init_params(cfg: GPTConfig, seeds: Sequence[int]) -> dict[str, torch.Tensor]:
    """Parameters of len(seeds) models, one per init seed, stacked along a leading model axis."""
    params, _ = stack_module_state([GPT(cfg, seed=s) for s in seeds])
    return {k: v.detach() for k, v in params.items()}


def _base(cfg: GPTConfig) -> GPT:
    return GPT(cfg, seed=0).to("meta")  # structure only: parameters are supplied by functional_call


def evaluate(cfg: GPTConfig, params: dict[str, torch.Tensor], tokens: torch.Tensor, chunk: int = 64) -> torch.Tensor:
    """Mean next-token cross-entropy (nats) of each stacked model on its tokens (M x N x T+1, or N x T+1 shared)."""
    base = _base(cfg)
    M = next(iter(params.values())).shape[0]
    tokens = tokens.expand(M, *tokens.shape[-2:])

    def one(p, tok):
        ce, _ = token_losses(functional_call(base, p, (tok[:, :-1],)), tok[:, 1:])
        return ce.sum()

    with torch.no_grad():  # in chunks of sequences, to bound memory
        total = sum(vmap(one)(params, tokens[:, i:i + chunk]) for i in range(0, tokens.shape[1], chunk))
    return total / (tokens.shape[1] * (tokens.shape[2] - 1))


def lr_schedule(steps: int, warmup: int) -> np.ndarray:
    """Multipliers of the peak LR: linear warm-up over `warmup` steps, then cosine decay to 0 at the last step."""
    return with_warmup(np.concatenate([np.ones(warmup), cosine(steps - warmup)]), warmup)


def _per_model(x, M: int) -> torch.Tensor:
    t = torch.tensor(np.array(x, dtype=np.float32))
    return t.expand(M).clone() if t.ndim == 0 else t


def train(cfg: GPTConfig, params: dict[str, torch.Tensor], lr, batches: Callable[[int], torch.Tensor], steps: int,
          *, warmup: int = 0, weight_decay=1e-4, independent_wd: bool = True, z_loss=1e-4,
          betas: tuple[float, float] = (0.9, 0.95), eps: float = 1e-8, clip: float | None = 1.0):
    """Train the stacked models with AdamW; return (final params, history of per-step arrays).

    lr, weight_decay, z_loss: a number or one value per model. batches(step) gives tokens M x B x T+1 (or B x T+1,
    shared by all models). Independent weight decay: theta -= s_t (lr * adam + wd * theta); otherwise the
    PyTorch/Optax default theta -= s_t * lr * (adam + wd * theta). Gradients are clipped per model at global norm
    `clip`. History: loss (objective), ce, log_z (means over tokens), grad_norm (before clipping), all steps x M;
    max_attn_logit steps x M x n_layers; lr steps x M.
    """
    base = _base(cfg)
    M = next(iter(params.values())).shape[0]
    lr, wd, zc = (_per_model(v, M) for v in (lr, weight_decay, z_loss))
    if len(lr) != M or len(wd) != M or len(zc) != M:
        raise ValueError(f"lr, weight_decay and z_loss need one value per model ({M})")
    sched = torch.as_tensor(lr_schedule(steps, warmup), dtype=torch.float32)
    b1, b2 = betas

    def objective(p, tok, z_coef):
        logits, stats = functional_call(base, p, (tok[:, :-1],), {"return_stats": True})
        ce, lz = token_losses(logits, tok[:, 1:])
        loss = ce.mean() + z_coef * lz.pow(2).mean()  # z-loss z_coef * log^2 Z (Sec. 3.1.2; paper: 1e-4)
        return loss, ce.mean().detach(), lz.mean().detach(), stats["max_attn_logit"]

    batched = vmap(objective)
    p = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    m = {k: torch.zeros_like(v) for k, v in p.items()}
    v2 = {k: torch.zeros_like(v) for k, v in p.items()}
    hist = {k: [] for k in ("loss", "ce", "log_z", "max_attn_logit", "grad_norm", "lr")}
    shape = lambda t, x: x.view(M, *([1] * (t.ndim - 1)))  # noqa: E731  broadcast a per-model value over a param
    for step in range(steps):
        tok = batches(step)
        tok = tok.expand(M, *tok.shape[-2:])
        loss, ce, lz, max_att = batched(p, tok, zc)
        # the models are independent, so the gradient of the summed losses holds each model's own gradient
        g = dict(zip(p, torch.autograd.grad(loss.sum(), list(p.values()))))
        loss = loss.detach()
        gnorm = torch.sqrt(sum(t.pow(2).flatten(1).sum(1) for t in g.values()))
        scale = (clip / (gnorm + 1e-6)).clamp(max=1.0) if clip else torch.ones(M)  # clip at global norm
        s_t = sched[step]
        c1, c2 = 1 - b1 ** (step + 1), 1 - b2 ** (step + 1)
        with torch.no_grad():
            for k in p:
                gk = g[k] * shape(g[k], scale)
                m[k].mul_(b1).add_(gk, alpha=1 - b1)
                v2[k].mul_(b2).addcmul_(gk, gk, value=1 - b2)
                adam = (m[k] / c1) / ((v2[k] / c2).sqrt() + eps)  # AdamW direction (Loshchilov & Hutter)
                decay = wd if independent_wd else wd * lr  # independent weight decay (Sec. 3.2.2)
                p[k] -= s_t * (shape(adam, lr) * adam + shape(adam, decay) * p[k])
        for key, val in zip(("loss", "ce", "log_z", "max_attn_logit", "grad_norm"), (loss, ce, lz, max_att, gnorm)):
            hist[key].append(val)
        hist["lr"].append(s_t * lr)
    return {k: v.detach() for k, v in p.items()}, {k: torch.stack(v).numpy() for k, v in hist.items()}
