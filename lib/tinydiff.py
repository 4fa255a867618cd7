"""The book's tiny diffusion lab: a class-conditional DDPM on sklearn's 8x8 digits and the tools the chapters share.

Stand-ins for the papers' models: an MLP U-Net (explicit `encode`/`decode` split) for Stable Diffusion's UNet, the
1797 8x8 digits scaled to [-1, 1] (64 dims) for ImageNet/COCO, and FDD (Frechet distance in the penultimate features
of `DigitJudge`, a small MLP classifier) for FID. Methods: the DDPM eps-prediction loss (Ho et al. 2020, Eq. 14) with
the cosine schedule (Nichol & Dhariwal 2021, Eq. 17), DDIM sampling and inversion (Song et al. 2021, Eq. 12),
classifier-free guidance (Ho & Salimans 2022, Eq. 6) and the EDM denoiser, loss and Heun sampler (Karras et al. 2022,
Table 1 and Algorithm 1). Trained checkpoints are artifacts (lib/artifacts.py): `tinydiff_digits` (training seed 0),
`tinydiff_digits_s1` (seed 1) and `digit_judge`; load them with `pretrained_digits(seed)` and `digit_judge()`.
"""
from __future__ import annotations

import copy
import math
import time
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from lib.artifacts import artifact, load

T = 1000  # diffusion steps of the DDPM
NULL = 10  # the extra "no label" class used for classifier-free guidance
SIGMA_DATA = 0.5  # EDM's data standard deviation (digits in [-1, 1] have std ~0.6)


# ----------------------------------------------------------------------------------------------------- data
def digits_pm1() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 sklearn digits as (N x 64 float32 in [-1, 1], int64 labels)."""
    from sklearn.datasets import load_digits

    d = load_digits()
    return torch.tensor(d.data / 8.0 - 1.0, dtype=torch.float32), torch.tensor(d.target, dtype=torch.int64)


def balanced_labels(n_per_class: int, n_classes: int = 10) -> torch.Tensor:
    """Labels 0,0,..,1,1,..,9 with `n_per_class` of each."""
    return torch.arange(n_classes).repeat_interleave(n_per_class)


# ----------------------------------------------------------------------------------------------------- model
def time_embedding(t: torch.Tensor, dim: int, max_period: float = 10_000.0) -> torch.Tensor:
    """Sinusoidal embedding of (float) timesteps t (shape n) into n x dim (Vaswani et al. / DDPM)."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    a = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=1)


class Block(nn.Module):
    """Linear(in->out) + embedding shift, SiLU, then a residual Linear(out->out); LayerNorm before each SiLU."""

    def __init__(self, d_in: int, d_out: int, d_emb: int):
        super().__init__()
        self.lin1, self.emb, self.lin2 = nn.Linear(d_in, d_out), nn.Linear(d_emb, d_out), nn.Linear(d_out, d_out)
        self.n1, self.n2 = nn.LayerNorm(d_out), nn.LayerNorm(d_out)

    def forward(self, h: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = F.silu(self.n1(self.lin1(h) + self.emb(emb)))
        return h + self.lin2(F.silu(self.n2(h)))


class MLPUNet(nn.Module):
    """MLP U-Net eps(x, t, y) on flattened 8x8 images; `encode` (in-proj, 3 down, mid) and `decode` (3 up, head)."""

    def __init__(self, dim: int = 64, widths: tuple[int, ...] = (192, 96, 48), d_emb: int = 128,
                 n_classes: int = 10):
        super().__init__()
        self.config = dict(dim=dim, widths=list(widths), d_emb=d_emb, n_classes=n_classes)
        w0, w1, w2 = widths
        self.d_emb, self.null = d_emb, n_classes
        self.t_mlp = nn.Sequential(nn.Linear(d_emb, d_emb), nn.SiLU(), nn.Linear(d_emb, d_emb))
        self.label = nn.Embedding(n_classes + 1, d_emb)  # index n_classes = null label (CFG)
        self.inp = nn.Linear(dim, w0)
        self.down = nn.ModuleList([Block(w0, w0, d_emb), Block(w0, w1, d_emb), Block(w1, w2, d_emb)])
        self.mid = Block(w2, w2, d_emb)
        self.up = nn.ModuleList([Block(2 * w2, w1, d_emb), Block(2 * w1, w0, d_emb), Block(2 * w0, w0, d_emb)])
        self.head = nn.Sequential(nn.LayerNorm(w0), nn.SiLU(), nn.Linear(w0, dim))

    def embed(self, t, y: torch.Tensor) -> torch.Tensor:
        """Time (int/float or tensor, broadcast to the batch) + label embedding, n x d_emb.

        y: int64 labels (10 = null), or a float n x d_emb tensor used as the label embedding itself (e.g. a mix of
        rows of self.label.weight, for label-embedding walks).
        """
        t = torch.as_tensor(t, dtype=torch.float32).reshape(-1).expand(y.shape[0])
        lab = y if y.is_floating_point() else self.label(y)
        return self.t_mlp(time_embedding(t, self.d_emb)) + lab

    def encode(self, x: torch.Tensor, t, y: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Encoder: input projection + 3 down blocks + mid block; returns (h_mid, [skip1, skip2, skip3])."""
        emb = self.embed(t, y)
        h, skips = self.inp(x), []
        for blk in self.down:
            h = blk(h, emb)
            skips.append(h)
        return self.mid(h, emb), skips

    def decode(self, h: torch.Tensor, skips: list[torch.Tensor], t, y: torch.Tensor,
               record: list | None = None) -> torch.Tensor:
        """Decoder: 3 up blocks, each on concat(h, matching skip), then the output head; returns eps."""
        emb = self.embed(t, y)
        for blk, s in zip(self.up, reversed(skips)):
            h = blk(torch.cat([h, s], dim=1), emb)
            if record is not None:
                record.append(h)
        return self.head(h)

    def forward(self, x: torch.Tensor, t, y: torch.Tensor) -> torch.Tensor:
        """eps prediction = decode(*encode(x, t, y), t, y)."""
        return self.decode(*self.encode(x, t, y), t, y)


# ----------------------------------------------------------------------------------------------------- DDPM / DDIM
class Schedule:
    """Cosine noise schedule (Nichol & Dhariwal 2021, Eq. 17, s=0.008, betas clipped at 0.999), T steps."""

    def __init__(self, T: int = T, s: float = 0.008):
        self.T = T
        f = torch.cos((torch.arange(T + 1, dtype=torch.float64) / T + s) / (1 + s) * math.pi / 2) ** 2
        self.betas = (1 - f[1:] / f[:-1]).clamp(max=0.999)
        self.alphas_bar = torch.cumprod(1 - self.betas, 0)  # alphas_bar[t], t = 0..T-1

    def abar(self, t: int) -> float:
        """alpha_bar at integer step t; t < 0 means the clean image (1.0)."""
        return 1.0 if t < 0 else float(self.alphas_bar[t])

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """Forward noising x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps (DDPM Eq. 4), t per row."""
        ab = self.alphas_bar[t].float()[:, None]
        return ab.sqrt() * x0 + (1 - ab).sqrt() * noise


def ddim_timesteps(n_steps: int, t_start: int | None = None, T: int = T) -> list[int]:
    """Descending DDIM grid of n_steps integer steps from t_start (default T-1) down to 0, evenly spaced."""
    t_start = T - 1 if t_start is None else int(t_start)
    if not 0 <= t_start < T or n_steps < 1:
        raise ValueError(f"need 0 <= t_start < {T} and n_steps >= 1, got {t_start}, {n_steps}")
    ts = np.round(np.linspace(t_start, 0, n_steps)).astype(int)
    return [int(t) for t in dict.fromkeys(ts.tolist())]  # drops duplicates if n_steps > t_start + 1


def guided_eps(model: nn.Module, x: torch.Tensor, t, y: torch.Tensor, guidance: float = 0.0) -> torch.Tensor:
    """Classifier-free guidance (Ho & Salimans 2022, Eq. 6): (1+w) eps(x,t,y) - w eps(x,t,null); w=0 -> conditional."""
    if guidance == 0:
        return model(x, t, y)
    null = model.label.weight[NULL].expand_as(y) if y.is_floating_point() else torch.full_like(y, NULL)
    e = model(torch.cat([x, x]), t, torch.cat([y, null]))
    ec, en = e.chunk(2)
    return (1 + guidance) * ec - guidance * en


def predict_x0(x: torch.Tensor, eps: torch.Tensor, abar: float) -> torch.Tensor:
    """x0 = (x_t - sqrt(1 - abar) eps) / sqrt(abar) (DDIM Eq. 12, 'predicted x0')."""
    return (x - math.sqrt(1 - abar) * eps) / math.sqrt(abar)


@torch.no_grad()
def ddim_sample(model: nn.Module, y: torch.Tensor, n_steps: int = 50, eta: float = 0.0,
                x_T: torch.Tensor | None = None, guidance: float = 0.0, generator: torch.Generator | None = None,
                t_start: int | None = None, eps_fn: Callable | None = None, step_hook: Callable | None = None,
                clip: bool = True, schedule: Schedule | None = None) -> torch.Tensor:
    """DDIM (Song et al. 2021, Eq. 12) from x_T at t_start (default T-1) to a clean sample, n x 64.

    x_T: the latent at the first grid step (default N(0, I) from `generator`); with t_start < T-1 it is a partly
    noised image (SDEdit/PIE/NoiseDiffusion). eps_fn(x, t, y, i) replaces the guided network call at step i;
    step_hook(i, t, x) runs before step i's network call and may return a replacement latent (or None).
    clip=True clamps the predicted x0 to [-1, 1] and re-derives eps from it (needed: abar_{T-1} ~ 1e-8).
    """
    sch = schedule or Schedule()
    ts = ddim_timesteps(n_steps, t_start, sch.T)
    x = torch.randn(y.shape[0], model_dim(model), generator=generator) if x_T is None else x_T.clone()
    for i, t in enumerate(ts):
        if step_hook is not None:
            new = step_hook(i, t, x)
            x = x if new is None else new
        ab, ab_prev = sch.abar(t), sch.abar(ts[i + 1] if i + 1 < len(ts) else -1)
        eps = eps_fn(x, t, y, i) if eps_fn is not None else guided_eps(model, x, t, y, guidance)
        x0 = predict_x0(x, eps, ab)
        if clip:
            x0 = x0.clamp(-1, 1)
            eps = (x - math.sqrt(ab) * x0) / math.sqrt(1 - ab)
        sigma = eta * math.sqrt((1 - ab_prev) / (1 - ab) * (1 - ab / ab_prev))  # DDIM Eq. 16
        x = math.sqrt(ab_prev) * x0 + math.sqrt(max(1 - ab_prev - sigma ** 2, 0.0)) * eps
        if sigma > 0:
            x = x + sigma * torch.randn(x.shape, generator=generator)
    return x


@torch.no_grad()
def ddim_invert(model: nn.Module, x0: torch.Tensor, y: torch.Tensor, t_end: int = T - 1, n_steps: int = 50,
                guidance: float = 0.0, schedule: Schedule | None = None) -> torch.Tensor:
    """Deterministic DDIM inversion (eta=0 ODE run backwards, eps at the previous point) from x0 to step t_end.

    Uses the same grid as ddim_sample(t_start=t_end, n_steps), so ddim_sample(x_T=invert(x0), t_start=t_end)
    approximately reconstructs x0.
    """
    sch = schedule or Schedule()
    ts = ddim_timesteps(n_steps, t_end, sch.T)[::-1]  # ascending 0 .. t_end
    x, t_prev = x0.clone(), -1
    for t in ts:
        eps = guided_eps(model, x, max(t_prev, 0), y, guidance)
        x0_hat = predict_x0(x, eps, sch.abar(t_prev))
        x = math.sqrt(sch.abar(t)) * x0_hat + math.sqrt(1 - sch.abar(t)) * eps
        t_prev = t
    return x


def model_dim(model: nn.Module) -> int:
    """Data dimension of an MLPUNet (or of a wrapper exposing .net)."""
    return (model.config if hasattr(model, "config") else model.net.config)["dim"]


def ddpm_loss(model: nn.Module, sch: Schedule, x0: torch.Tensor, y: torch.Tensor, p_uncond: float,
              generator: torch.Generator) -> torch.Tensor:
    """eps-prediction loss ||eps - eps_theta(x_t, t, y)||^2 (DDPM Eq. 14), labels dropped to NULL w.p. p_uncond."""
    n = x0.shape[0]
    t = torch.randint(0, sch.T, (n,), generator=generator)
    noise = torch.randn(x0.shape, generator=generator)
    drop = torch.rand(n, generator=generator) < p_uncond
    y = torch.where(drop, torch.full_like(y, NULL), y)
    return F.mse_loss(model(sch.q_sample(x0, t, noise), t, y), noise)


class EMA:
    """Exponential moving average of a model's parameters (decay ramps up as min(decay, (1+k)/(10+k)))."""

    def __init__(self, model: nn.Module, decay: float = 0.999):
        self.model, self.decay, self.k = copy.deepcopy(model).eval(), decay, 0
        for p in self.model.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """One EMA step towards `model`'s current parameters."""
        self.k += 1
        d = min(self.decay, (1 + self.k) / (10 + self.k))
        for pe, p in zip(self.model.parameters(), model.parameters()):
            pe.mul_(d).add_(p.detach(), alpha=1 - d)


def train_ddpm(seed: int = 0, steps: int = 30_000, batch: int = 256, lr: float = 1e-3, p_uncond: float = 0.15,
               widths=(192, 96, 48), d_emb: int = 128, ema: float = 0.9995) -> tuple[MLPUNet, dict]:
    """Train the class-conditional eps-prediction DDPM on all digits with Adam + cosine LR; returns (EMA model, cfg)."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    x, y = digits_pm1()
    model = MLPUNet(widths=tuple(widths), d_emb=d_emb)
    avg, sch = EMA(model, ema), Schedule()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 0.5 * (1 + math.cos(math.pi * k / steps)))
    for _ in range(steps):
        idx = torch.randint(0, x.shape[0], (batch,), generator=g)
        loss = ddpm_loss(model, sch, x[idx], y[idx], p_uncond, g)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        avg.update(model)
    cfg = dict(seed=seed, steps=steps, batch=batch, lr=lr, lr_schedule="cosine", p_uncond=p_uncond, ema=ema,
               schedule="cosine", T=T, data="sklearn digits, all 1797, [-1,1]", **avg.model.config)
    return avg.model, cfg


# ----------------------------------------------------------------------------------------------------- EDM
class EDMPrecond(nn.Module):
    """EDM denoiser D(x, sigma, y) = c_skip x + c_out F(c_in x, c_noise, y) (Karras et al. 2022, Table 1 / Eq. 7).

    c_noise = ln(sigma)/4 is multiplied by `t_scale` before the sinusoidal embedding, which expects DDPM-like steps.
    """

    def __init__(self, net: MLPUNet, sigma_data: float = SIGMA_DATA, t_scale: float = 250.0):
        super().__init__()
        self.net, self.sigma_data, self.t_scale = net, sigma_data, t_scale

    def forward(self, x: torch.Tensor, sigma, y: torch.Tensor | None = None) -> torch.Tensor:
        """Denoised estimate of x0 from x = x0 + noise at level sigma (scalar or per-row)."""
        sigma = torch.as_tensor(sigma, dtype=torch.float32).reshape(-1, 1).expand(x.shape[0], 1)
        c_skip, c_out, c_in, c_noise = edm_precond(sigma, self.sigma_data)
        y = torch.full((x.shape[0],), NULL, dtype=torch.int64) if y is None else y
        return c_skip * x + c_out * self.net(c_in * x, self.t_scale * c_noise.reshape(-1), y)


def edm_precond(sigma: torch.Tensor, sigma_data: float = SIGMA_DATA):
    """EDM preconditioning (Table 1): c_skip, c_out, c_in, c_noise = s_d^2/(s^2+s_d^2), s s_d/sqrt(.), 1/sqrt(.), ln(s)/4."""
    s2 = sigma ** 2 + sigma_data ** 2
    return sigma_data ** 2 / s2, sigma * sigma_data / s2.sqrt(), 1 / s2.sqrt(), torch.log(sigma) / 4


def edm_loss(D: EDMPrecond, x0: torch.Tensor, y: torch.Tensor | None = None, P_mean: float = -1.2,
             P_std: float = 1.2, noise_fn: Callable | None = None,
             generator: torch.Generator | None = None) -> torch.Tensor:
    """EDM loss (Eq. 8, Table 1): ln sigma ~ N(P_mean, P_std^2), weight (s^2+s_d^2)/(s s_d)^2 on ||D(x0+n, s)-x0||^2.

    noise_fn(sigma (n x 1), shape, generator) -> n draws the perturbation (default sigma * N(0, I)); PFGM++ plugs in
    its own kernel here.
    """
    n = x0.shape[0]
    sigma = torch.exp(P_mean + P_std * torch.randn(n, 1, generator=generator))
    noise = noise_fn(sigma, x0.shape, generator) if noise_fn else sigma * torch.randn(x0.shape, generator=generator)
    weight = (sigma ** 2 + D.sigma_data ** 2) / (sigma * D.sigma_data) ** 2
    return (weight * (D(x0 + noise, sigma, y) - x0) ** 2).mean()


def train_edm(x: torch.Tensor, y: torch.Tensor | None = None, steps: int = 2000, batch: int = 256,
              lr: float = 2e-3, ema: float = 0.999, seed: int = 0, widths=(128, 64, 32), d_emb: int = 128,
              noise_fn: Callable | None = None, P_mean: float = -1.2, P_std: float = 1.2,
              p_uncond: float = 0.0) -> EDMPrecond:
    """Train an EDMPrecond(MLPUNet) denoiser on rows of x (labels y or unconditional) with Adam; returns the EMA copy."""
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    D = EDMPrecond(MLPUNet(dim=x.shape[1], widths=tuple(widths), d_emb=d_emb))
    avg = EMA(D, ema)
    opt = torch.optim.Adam(D.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 0.5 * (1 + math.cos(math.pi * k / steps)))
    for _ in range(steps):
        idx = torch.randint(0, x.shape[0], (batch,), generator=g)
        yb = None if y is None else y[idx]
        if yb is not None and p_uncond > 0:
            yb = torch.where(torch.rand(batch, generator=g) < p_uncond, torch.full_like(yb, NULL), yb)
        loss = edm_loss(D, x[idx], yb, P_mean, P_std, noise_fn, g)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        avg.update(D)
    return avg.model


def edm_sigmas(n_steps: int = 18, sigma_min: float = 0.002, sigma_max: float = 80.0, rho: float = 7.0) -> torch.Tensor:
    """EDM time steps (Eq. 5): (s_max^(1/rho) + i/(N-1) (s_min^(1/rho) - s_max^(1/rho)))^rho, then a final 0."""
    i = torch.arange(n_steps, dtype=torch.float64)
    s = (sigma_max ** (1 / rho) + i / (n_steps - 1) * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    return torch.cat([s, torch.zeros(1, dtype=torch.float64)]).float()


@torch.no_grad()
def heun_sample(D: Callable, n: int, sigmas: torch.Tensor, y: torch.Tensor | None = None,
                x_T: torch.Tensor | None = None, prior_fn: Callable | None = None, dim: int = 64,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """Deterministic Heun sampler (EDM Algorithm 1) of dx/dsigma = (x - D(x, sigma))/sigma over `sigmas` (ends at 0).

    The start is x_T, else prior_fn(n, sigma_max, generator), else sigma_max * N(0, I) (PFGM++ passes its prior).
    """
    if x_T is not None:
        x = x_T.clone()
    elif prior_fn is not None:
        x = prior_fn(n, float(sigmas[0]), generator)
    else:
        x = float(sigmas[0]) * torch.randn(n, dim, generator=generator)
    for s, s_next in zip(sigmas[:-1].tolist(), sigmas[1:].tolist()):
        d = (x - D(x, s, y)) / s
        x_next = x + (s_next - s) * d
        if s_next > 0:  # 2nd-order correction
            d2 = (x_next - D(x_next, s_next, y)) / s_next
            x_next = x + (s_next - s) * 0.5 * (d + d2)
        x = x_next
    return x


# ----------------------------------------------------------------------------------------------------- judge / FDD
def frechet(mu1, S1, mu2, S2) -> float:
    """Frechet distance of Gaussians: |mu1-mu2|^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2) (FID's formula)."""
    mu1, mu2, S1, S2 = (np.asarray(a, dtype=np.float64) for a in (mu1, mu2, S1, S2))
    w, V = np.linalg.eigh((S1 + S1.T) / 2)
    r1 = (V * np.sqrt(np.clip(w, 0, None))) @ V.T
    m = r1 @ S2 @ r1
    tr_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2), 0, None)).sum()
    return float(((mu1 - mu2) ** 2).sum() + np.trace(S1) + np.trace(S2) - 2 * tr_sqrt)


def gaussian_stats(f: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance (float64) of the rows of a feature matrix."""
    f = np.asarray(f, dtype=np.float64)
    return f.mean(0), np.cov(f, rowvar=False)


class DigitJudge(nn.Module):
    """MLP classifier 64-256-64-10 on digits in [-1, 1]; its 64 penultimate features define FDD."""

    def __init__(self, hidden=(256, 64)):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(64, hidden[0]), nn.ReLU(), nn.Linear(hidden[0], hidden[1]), nn.ReLU())
        self.out = nn.Linear(hidden[1], 10)
        self._ref = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits."""
        return self.out(self.body(x))

    @torch.no_grad()
    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate (64-dim) features."""
        return self.body(x.clamp(-1, 1))

    @torch.no_grad()
    def fdd(self, samples: torch.Tensor, reference: torch.Tensor | None = None) -> float:
        """Frechet digit distance between the judge features of samples and reference (default: all real digits)."""
        if reference is None:
            if self._ref is None:
                self._ref = gaussian_stats(self.features(digits_pm1()[0]))
            ref = self._ref
        else:
            ref = gaussian_stats(self.features(reference))
        return frechet(*gaussian_stats(self.features(samples)), *ref)

    @torch.no_grad()
    def class_accuracy(self, samples: torch.Tensor, labels: torch.Tensor) -> float:
        """Fraction of samples the judge classifies as their intended label."""
        return float((self(samples.clamp(-1, 1)).argmax(1) == labels).float().mean())


def train_judge(seed: int = 0, epochs: int = 150, tiny: bool = False) -> tuple[DigitJudge, dict]:
    """Train DigitJudge on the train split of load_digits_split(0) (Adam, weight decay, light pixel noise)."""
    from lib.data import load_digits_split

    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    d = load_digits_split(0)
    xtr, xte = d.x_train * 2 - 1, d.x_test * 2 - 1
    judge = DigitJudge()
    opt = torch.optim.Adam(judge.parameters(), lr=1e-3, weight_decay=1e-4)
    epochs = 5 if tiny else epochs
    for _ in range(epochs):
        perm = torch.randperm(xtr.shape[0], generator=g)
        for k in range(0, len(perm), 64):
            idx = perm[k:k + 64]
            xb = xtr[idx] + 0.1 * torch.randn(len(idx), 64, generator=g)
            loss = F.cross_entropy(judge(xb), d.y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    judge.eval()
    acc = float((judge(xte).argmax(1) == d.y_test).float().mean())
    return judge, dict(seed=seed, epochs=epochs, split="load_digits_split(0), 1257/540", test_acc=acc)


def real_halves_fdd(judge: DigitJudge, seed: int = 0) -> float:
    """FDD between two random halves of the 1797 real digits (the floor a perfect sampler reaches at ~900 samples)."""
    x, _ = digits_pm1()
    perm = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(seed))
    h = x.shape[0] // 2
    return judge.fdd(x[perm[:h]], x[perm[h:2 * h]])


# ----------------------------------------------------------------------------------------------------- artifacts
def _judge_from(state: dict) -> DigitJudge:
    j = DigitJudge()
    j.load_state_dict({k: v.float() for k, v in state["state"].items()})
    return j.eval()


def _model_from(state: dict) -> MLPUNet:
    c = state["config"]
    m = MLPUNet(dim=c["dim"], widths=tuple(c["widths"]), d_emb=c["d_emb"], n_classes=c["n_classes"])
    m.load_state_dict({k: v.float() for k, v in state["state"].items()})
    for p in m.parameters():
        p.requires_grad_(False)
    return m.eval()


def digit_judge() -> DigitJudge:
    """The verified DigitJudge artifact (data/digit_judge.pt), in eval mode."""
    return _judge_from(load("digit_judge"))


def pretrained_digits(seed: int = 0) -> MLPUNet:
    """The verified class-conditional digit DDPM of training seed 0 (tinydiff_digits) or 1 (tinydiff_digits_s1)."""
    names = {0: "tinydiff_digits", 1: "tinydiff_digits_s1"}
    if seed not in names:
        raise ValueError(f"checkpoints exist for training seeds {sorted(names)}, not {seed}")
    return _model_from(load(names[seed]))


GUIDANCE_SWEEP = (0.25, 0.5, 1.0, 2.0)  # CFG weights the builder tries (as in the CFG paper's FID-vs-w sweep)


def sample_quality(model: MLPUNet, judge: DigitJudge, n_per_class: int = 100, seed: int = 1234,
                   guidance: float | Sequence[float] = 1.0, n_steps: int = 50) -> dict:
    """FDD and class accuracy of n_per_class x 10 DDIM samples from fixed noise, unguided and with CFG.

    guidance: one weight w, or several; then every w's FDD/accuracy is recorded and the w with the lowest FDD is
    reported as the guided setting (how FID-vs-guidance sweeps pick w).
    """
    y = balanced_labels(n_per_class)
    x_T = torch.randn(y.shape[0], 64, generator=torch.Generator().manual_seed(seed))
    xs = ddim_sample(model, y, n_steps, x_T=x_T)
    sweep = {}
    for w in (tuple(guidance) if isinstance(guidance, (tuple, list)) else (guidance,)):
        xg = ddim_sample(model, y, n_steps, x_T=x_T, guidance=w)
        sweep[float(w)] = (judge.fdd(xg), judge.class_accuracy(xg, y))
    w = min(sweep, key=lambda k: sweep[k][0])
    out = dict(fdd=judge.fdd(xs), fdd_guided=sweep[w][0], guidance=w, acc=judge.class_accuracy(xs, y),
               acc_guided=sweep[w][1], n_samples=int(y.shape[0]), sampling_seed=seed, ddim_steps=n_steps)
    if len(sweep) > 1:
        out["by_guidance"] = {str(k): dict(fdd=f, acc=a) for k, (f, a) in sweep.items()}
    return out


class _Threads:
    """Run a build single-threaded (bitwise determinism does not survive changing the thread count)."""

    def __enter__(self):
        self.n = torch.get_num_threads()
        torch.set_num_threads(1)

    def __exit__(self, *exc):
        torch.set_num_threads(self.n)


@artifact("digit_judge", file="digit_judge.pt", sources=("lib/data.py",), minutes=0.5)
def build_digit_judge(out: Path, tiny: bool) -> dict:
    """DigitJudge classifier (64-256-64-10) whose penultimate features define FDD."""
    with _Threads():
        c0 = time.process_time()
        judge, cfg = train_judge(0, tiny=tiny)
        torch.save({"config": cfg, "state": {k: v.half() for k, v in judge.state_dict().items()}}, out)
        j = _judge_from(torch.load(out, weights_only=False))
        from lib.data import load_digits_split

        d = load_digits_split(0)
        acc = float((j(d.x_test * 2 - 1).argmax(1) == d.y_test).float().mean())
        q = dict(test_acc=acc, fdd_real_halves=real_halves_fdd(j), build_cpu_s=time.process_time() - c0)
    return {"config": cfg, "quality": q}


def _build_ddpm(out: Path, tiny: bool, seed: int) -> dict:
    with _Threads():
        c0 = time.process_time()
        model, cfg = train_ddpm(seed=seed, steps=30 if tiny else 30_000)
        torch.save({"config": cfg, "state": {k: v.half() for k, v in model.state_dict().items()}}, out)
        m = _model_from(torch.load(out, weights_only=False))
        judge = train_judge(0, tiny=True)[0] if tiny else digit_judge()  # tiny builds never read data/
        q = sample_quality(m, judge, n_per_class=5 if tiny else 100, n_steps=10 if tiny else 50,
                           guidance=GUIDANCE_SWEEP)
        q.update(fdd_real_halves=real_halves_fdd(judge), build_cpu_s=time.process_time() - c0,
                 n_params=sum(p.numel() for p in m.parameters()))
    return {"config": cfg, "quality": q}


@artifact("tinydiff_digits", file="tinydiff_digits.pt", sources=("lib/data.py",), minutes=11)
def build_tinydiff_digits(out: Path, tiny: bool) -> dict:
    """Class-conditional digit DDPM (MLP U-Net, cosine T=1000, eps-prediction, CFG null label), training seed 0."""
    return _build_ddpm(out, tiny, seed=0)


@artifact("tinydiff_digits_s1", file="tinydiff_digits_s1.pt", sources=("lib/data.py",), minutes=11)
def build_tinydiff_digits_s1(out: Path, tiny: bool) -> dict:
    """The same digit DDPM trained from seed 1 (a second checkpoint for robustness checks)."""
    return _build_ddpm(out, tiny, seed=1)
