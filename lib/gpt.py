"""The book's GPT: a small pre-LN decoder-only Transformer (SDPA, KV cache, tied or untied embeddings), its losses
(LM with z-loss, SFT, DPO), batched generation, log-probabilities, hooks, and AdamW trainers (many models or one).

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
    causal: bool = True  # False: bidirectional attention (an encoder)

    def __post_init__(self):
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model={self.d_model} is not divisible by n_heads={self.n_heads}")

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention (causal unless cfg.causal is False) with an optional KV cache.

    SDPA (`F.scaled_dot_product_attention`) computes it, except when the caller asks for the max |attention logit|
    statistic or `record` collects the logits: then the logits z_ij = <q_i, k_j> / sqrt(d_h) are formed explicitly.
    """

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=cfg.bias)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model, bias=cfg.bias)
        if cfg.qk_layernorm:
            self.q_ln = nn.LayerNorm(cfg.d_head, bias=cfg.bias)
            self.k_ln = nn.LayerNorm(cfg.d_head, bias=cfg.bias)
        self._record: list | None = None  # set by `record`: attention logits are appended here

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None, kv: dict | None = None,
                stats: bool = False) -> tuple[torch.Tensor, torch.Tensor | None]:
        """x: B x T x D. mask: None (plain causal/bidirectional) or a boolean B x 1 x T x T_keys (True = attend).
        kv: a per-layer cache dict, extended in place with this call's keys and values."""
        B, T, D = x.shape
        H, Dh = self.cfg.n_heads, self.cfg.d_head
        q, k, v = self.qkv(x).view(B, T, 3, H, Dh).unbind(2)  # each B x T x H x Dh
        if self.cfg.qk_layernorm:  # qk-layernorm: normalise q and k per head before the dot product
            q, k = self.q_ln(q), self.k_ln(k)
        q, k, v = (t.transpose(1, 2) for t in (q, k, v))  # B x H x T x Dh
        if kv is not None:
            if kv:
                k, v = torch.cat([kv["k"], k], 2), torch.cat([kv["v"], v], 2)
            kv["k"], kv["v"] = k, v
        if mask is None and self.cfg.causal:
            if k.shape[2] != T:
                raise ValueError("a cached forward needs an explicit mask (use generate)")
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        max_logit = None
        if stats or self._record is not None:
            z = q @ k.transpose(-2, -1) / math.sqrt(Dh)  # attention logits z_ij = <q_i, k_j> / sqrt(d_h)
            if mask is not None:
                z = z.masked_fill(~mask, float("-inf"))
            if self._record is not None:
                self._record.append(z.detach())
            y = z.softmax(-1) @ v
            if stats:  # cheap: one reduction per forward
                zz = z.detach()
                max_logit = zz.masked_fill(torch.isinf(zz), 0.0).abs().amax()
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        return self.proj(y.transpose(1, 2).reshape(B, T, D)), max_logit


class Block(nn.Module):
    """Pre-LN Transformer block: x + attn(LN(x)), then x + MLP(LN(x)) with a GELU MLP."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.attn = CausalSelfAttention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model, bias=cfg.bias)
        self.mlp = nn.Sequential(nn.Linear(cfg.d_model, cfg.mlp_ratio * cfg.d_model, bias=cfg.bias), nn.GELU(),
                                 nn.Linear(cfg.mlp_ratio * cfg.d_model, cfg.d_model, bias=cfg.bias))

    def forward(self, x: torch.Tensor, mask=None, kv=None, stats: bool = False):
        a, max_logit = self.attn(self.ln1(x), mask, kv, stats)
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

    def forward(self, idx: torch.Tensor, return_stats: bool = False, positions: torch.Tensor | None = None,
                key_mask: torch.Tensor | None = None, cache: list | None = None):
        """Logits (B x T x vocab) for tokens idx (B x T); with return_stats also {'max_attn_logit': (n_layers,)}.

        positions (B x T) default to 0..T-1. key_mask (B x T_keys, True = a real token) masks padding among all keys,
        cached ones included; a query always sees its own key, so padded rows stay finite. cache: one dict per
        layer (`[{} for _ in model.blocks]`), extended in place (see `generate`).
        """
        T = idx.shape[-1]
        if positions is None:
            if T > self.cfg.seq_len:
                raise ValueError(f"sequence of {T} tokens exceeds seq_len={self.cfg.seq_len}")
            positions = torch.arange(T, device=idx.device)
        elif int(positions.max()) >= self.cfg.seq_len:
            raise ValueError(f"position {int(positions.max())} exceeds seq_len={self.cfg.seq_len}")
        mask = None
        if key_mask is not None:
            Tk = key_mask.shape[-1]
            qi = torch.arange(Tk - T, Tk, device=idx.device)[:, None]  # absolute index of each query
            kj = torch.arange(Tk, device=idx.device)[None, :]
            allowed = (kj <= qi) if self.cfg.causal else torch.ones(T, Tk, dtype=torch.bool, device=idx.device)
            mask = ((allowed[None] & key_mask[:, None, :]) | (kj == qi)[None])[:, None]  # B x 1 x T x Tk
        x = self.tok(idx) + self.pos(positions)
        max_logits = []
        for i, block in enumerate(self.blocks):
            x, m = block(x, mask, None if cache is None else cache[i], return_stats)
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
        # the explicit-logits path (return_stats): SDPA has no batching rule under vmap and would run a slow loop
        logits, _ = functional_call(base, p, (tok[:, :-1],), {"return_stats": True})
        ce, _ = token_losses(logits, tok[:, 1:])
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


# -- one model: generation, log-probabilities, SFT, DPO ----------------------------------------------------------------
def _sample(logits: torch.Tensor, temperature: float, top_p: float, generator) -> torch.Tensor:
    """Next tokens from B x V logits: argmax at temperature 0, else softmax(logits / T) within the top-p nucleus."""
    if temperature == 0:
        return logits.argmax(-1)
    probs = (logits.float() / temperature).softmax(-1)
    if top_p < 1.0:  # nucleus (Holtzman et al. 2020): the smallest set of tokens whose mass reaches top_p
        p_sorted, order = probs.sort(-1, descending=True)
        keep = p_sorted.cumsum(-1) - p_sorted < top_p
        probs = torch.zeros_like(probs).scatter(-1, order, p_sorted * keep)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1)


def _left_pad(rows: list[list[int]], pad: int):
    """Left-padded B x L tokens, key mask (True = real token) and per-row positions 0..len-1 of the real tokens."""
    lens = torch.tensor([len(r) for r in rows])
    if int(lens.min()) == 0:
        raise ValueError("empty prompt: every prompt needs at least one token (e.g. a BOS token)")
    L = int(lens.max())
    idx = torch.full((len(rows), L), pad, dtype=torch.long)
    for b, r in enumerate(rows):
        idx[b, L - len(r):] = torch.as_tensor(r, dtype=torch.long)
    npad = (L - lens)[:, None]
    ar = torch.arange(L)[None]
    return idx, ar >= npad, (ar - npad).clamp(min=0), lens


def _cut(row: list[int], eos: int | None) -> list[int]:
    return row[:row.index(eos)] if eos is not None and eos in row else row


@torch.no_grad()
def generate(model: GPT, prompts: Sequence[Sequence[int]], max_new: int, *, eos: int | None = None, pad: int = 0,
             temperature: float = 1.0, top_p: float = 1.0, n_samples: int = 1, share_prompt: bool = False,
             logits_hook: Callable | None = None, generator: torch.Generator | None = None) -> list[list[int]]:
    """New tokens for each (prompt, sample) row, prompt-major, cut before `eos`: batched, with a KV cache.

    Prompts of different lengths share one batch (left padding, masked, with per-row positions). temperature=0 is
    greedy decoding. logits_hook(step, logits B x V) -> logits edits the next-token logits at each step.
    share_prompt=True prefills each prompt once and copies its keys/values to its n_samples rows (the same
    computation as n copies of the prompt, with one prefill instead of n).
    """
    copies = 1 if share_prompt else n_samples
    rows = [list(p) for p in prompts for _ in range(copies)]
    if not rows or max_new <= 0:
        return [[] for _ in range(len(prompts) * n_samples)]
    idx, key_mask, positions, lens = _left_pad(rows, pad)
    room = model.cfg.seq_len - idx.shape[1]
    if room <= 0:
        raise ValueError(f"the longest prompt ({idx.shape[1]} tokens) leaves no room in seq_len={model.cfg.seq_len}")
    max_new = min(max_new, room)
    was_training = model.training
    model.eval()
    cache = [{} for _ in model.blocks]
    logits = model(idx, positions=positions, key_mask=key_mask, cache=cache)[:, -1]
    if copies != n_samples:  # shared prefill: every prompt's cache, logits and mask repeated for its samples
        for kv in cache:
            kv["k"], kv["v"] = kv["k"].repeat_interleave(n_samples, 0), kv["v"].repeat_interleave(n_samples, 0)
        logits, key_mask, lens = (t.repeat_interleave(n_samples, 0) for t in (logits, key_mask, lens))
    n_rows = len(logits)
    out = torch.full((n_rows, max_new), pad, dtype=torch.long)
    done = torch.zeros(n_rows, dtype=torch.bool)
    pos = lens.clone()
    for step in range(max_new):
        if logits_hook is not None:
            logits = logits_hook(step, logits)
        nxt = _sample(logits, temperature, top_p, generator)
        out[:, step] = nxt
        if eos is not None:
            done |= nxt == eos
            if bool(done.all()):
                break
        if step + 1 < max_new:
            key_mask = torch.cat([key_mask, torch.ones(n_rows, 1, dtype=torch.bool)], 1)
            logits = model(nxt[:, None], positions=pos[:, None], key_mask=key_mask, cache=cache)[:, -1]
            pos += 1
    model.train(was_training)
    return [_cut(r, eos) for r in out[:, :step + 1].tolist()]


def _right_pad(prompts, completions, pad: int):
    """prompt + completion rows right-padded to B x L, with the prompt and completion lengths."""
    if len(prompts) != len(completions):
        raise ValueError(f"{len(prompts)} prompts but {len(completions)} completions")
    lp = torch.tensor([len(p) for p in prompts])
    lc = torch.tensor([len(c) for c in completions])
    if len(lp) and int(lp.min()) == 0:
        raise ValueError("empty prompt: every prompt needs at least one token (e.g. a BOS token)")
    L = int((lp + lc).max())
    seq = torch.full((len(prompts), L), pad, dtype=torch.long)
    for b, (p, c) in enumerate(zip(prompts, completions)):
        seq[b, :len(p) + len(c)] = torch.as_tensor(list(p) + list(c), dtype=torch.long)
    return seq, lp, lc


def _next_token_logprobs(model: GPT, seq: torch.Tensor) -> torch.Tensor:
    """log p(seq[:, t+1] | seq[:, :t+1]) for t = 0..L-2 (B x L-1)."""
    logits = model(seq[:, :-1])
    return logits.log_softmax(-1).gather(-1, seq[:, 1:, None]).squeeze(-1)


def completion_logprobs(model: GPT, prompts, completions, pad: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token log p of each completion token given its prompt and the completion so far (B x Lc, differentiable),
    and the mask of real tokens."""
    seq, lp, lc = _right_pad(prompts, completions, pad)
    tok_lp = _next_token_logprobs(model, seq)
    j = torch.arange(max(int(lc.max()), 1))[None]
    where = (lp[:, None] - 1 + j).clamp(max=tok_lp.shape[1] - 1)  # completion token j is predicted at lp - 1 + j
    mask = j < lc[:, None]
    return tok_lp.gather(1, where).masked_fill(~mask, 0.0), mask


def sequence_logprob(model: GPT, prompts, completions, pad: int = 0) -> torch.Tensor:
    """log p(completion | prompt) for each row (B), the sum of the completion's token log-probabilities."""
    lp, _ = completion_logprobs(model, prompts, completions, pad)
    return lp.sum(1)


def span_logprob(lp: torch.Tensor, mask: torch.Tensor, spans: Sequence[tuple[int, int]]) -> torch.Tensor:
    """Sum of completion log-probs over token span [start, end) of each row (B), e.g. a focused sub-sequence."""
    j = torch.arange(lp.shape[1])[None]
    s = torch.tensor([a for a, _ in spans])[:, None]
    e = torch.tensor([b for _, b in spans])[:, None]
    return (lp * (mask & (j >= s) & (j < e))).sum(1)


def sft_loss(model: GPT, prompts, completions, pad: int = 0, prompt_loss: bool = False) -> torch.Tensor:
    """Mean next-token NLL over completion tokens only (SFT), or over every token after the first (prompt_loss)."""
    seq, lp, lc = _right_pad(prompts, completions, pad)
    tok_lp = _next_token_logprobs(model, seq)
    t = torch.arange(tok_lp.shape[1])[None]  # position t predicts token t + 1
    first = torch.zeros_like(lp) if prompt_loss else lp - 1
    mask = (t >= first[:, None]) & (t < (lp + lc - 1)[:, None])
    return -(tok_lp * mask).sum() / mask.sum().clamp(min=1)


def dpo_loss(pol_chosen: torch.Tensor, pol_rejected: torch.Tensor, ref_chosen: torch.Tensor,
             ref_rejected: torch.Tensor, beta: float) -> torch.Tensor:
    """DPO (Rafailov et al. 2023): -log sigmoid(beta [(log pi - log ref)(chosen) - (log pi - log ref)(rejected)])."""
    margin = (pol_chosen - ref_chosen) - (pol_rejected - ref_rejected)
    return -F.logsigmoid(beta * margin).mean()


def fit(model: GPT, loss_fn: Callable[[int], torch.Tensor], steps: int, lr: float, *, warmup: int = 0,
        weight_decay: float = 0.0, betas: tuple[float, float] = (0.9, 0.95), clip: float | None = 1.0,
        final_lr_frac: float = 0.1, log_every: int = 0, log=print) -> np.ndarray:
    """Train one model with AdamW (decay on matrices only), linear warm-up then cosine decay to final_lr_frac * lr,
    and global-norm clipping; loss_fn(step) draws its own batch. Returns the per-step losses."""
    decay = [p for p in model.parameters() if p.ndim >= 2]
    rest = [p for p in model.parameters() if p.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}],
                            lr=lr, betas=betas)

    def mult(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        frac = (step - warmup) / max(1, steps - warmup)
        return final_lr_frac + (1 - final_lr_frac) * 0.5 * (1 + math.cos(math.pi * frac))

    model.train()
    losses = np.empty(steps)
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = lr * mult(step)
        loss = loss_fn(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if clip:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        losses[step] = loss.item()
        if log_every and (step + 1) % log_every == 0:
            log(f"step {step + 1}/{steps}  loss {losses[max(0, step + 1 - log_every):step + 1].mean():.4f}")
    model.eval()
    return losses


def to_artifact(model: GPT) -> dict:
    """{'config': GPTConfig fields, 'state': fp16 state dict}: what lab builders save with torch.save."""
    from dataclasses import asdict

    return {"config": asdict(model.cfg), "state": {k: v.detach().half() for k, v in model.state_dict().items()}}


def from_artifact(obj: dict) -> GPT:
    """The GPT saved by `to_artifact` (float32, eval mode)."""
    model = GPT(GPTConfig(**obj["config"]))
    model.load_state_dict({k: v.float() for k, v in obj["state"].items()})
    return model.eval()


@contextlib.contextmanager
def record(model: GPT):
    """Collect per-layer attention logits (B x H x T x T_keys, -inf where masked) and MLP activations (after the
    GELU, B x T x mlp_ratio*d) of every forward pass inside the block: `with record(m) as rec: m(x)`."""
    rec = {"attn_logits": [], "mlp": []}
    handles = [b.mlp[1].register_forward_hook(lambda mod, inp, out: rec["mlp"].append(out.detach()))
               for b in model.blocks]
    for b in model.blocks:
        b.attn._record = rec["attn_logits"]
    try:
        yield rec
    finally:
        for h in handles:
            h.remove()
        for b in model.blocks:
            b.attn._record = None
