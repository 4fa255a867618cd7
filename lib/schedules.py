"""Learning-rate schedules as arrays of multipliers (one per step, peak 1), and schedule refinement.

Every function returns a float64 numpy array ``m`` of length ``n_steps``; step ``s`` uses ``lr = peak * m[s]``.
"""
from __future__ import annotations

import numpy as np

__all__ = ["constant", "step", "inverse_sqrt", "cosine", "linear", "with_warmup", "infinite",
           "median_filter", "refine"]


def _steps(n_steps: int) -> np.ndarray:
    if int(n_steps) != n_steps or n_steps < 2:
        raise ValueError(f"n_steps must be an integer >= 2, got {n_steps!r}")
    return np.arange(int(n_steps), dtype=np.float64)


def constant(n_steps: int) -> np.ndarray:
    """Constant schedule: all ones."""
    return np.ones_like(_steps(n_steps))


def step(n_steps: int, milestones=(0.5, 0.75), factor: float = 0.1) -> np.ndarray:
    """Step decay: multiply by ``factor`` at each milestone (fractions of the run)."""
    s = _steps(n_steps)
    return factor ** sum((s >= round(m * n_steps)).astype(np.float64) for m in milestones)


def inverse_sqrt(n_steps: int, t0: float = 10.0) -> np.ndarray:
    """Inverse square root decay 1/sqrt(1 + s/t0)."""
    return 1.0 / np.sqrt(1.0 + _steps(n_steps) / t0)


def cosine(n_steps: int, final: float = 0.0) -> np.ndarray:
    """Cosine decay from 1 at the first step to ``final`` at the last step."""
    s = _steps(n_steps)
    return final + (1.0 - final) * 0.5 * (1.0 + np.cos(np.pi * s / (n_steps - 1)))


def linear(n_steps: int) -> np.ndarray:
    """Linear decay from 1 at the first step to 0 at the last step (= ``refine`` of constant gradient norms)."""
    s = _steps(n_steps)
    return (n_steps - 1 - s) / (n_steps - 1)


def with_warmup(schedule: np.ndarray, warmup: int) -> np.ndarray:
    """Replace the first ``warmup`` steps by a linear ramp from 1/warmup up to the schedule's value there."""
    m = np.array(schedule, dtype=np.float64)
    if not 0 <= warmup < len(m):
        raise ValueError(f"warmup must be in [0, {len(m)}), got {warmup}")
    if warmup:
        m[:warmup] = m[warmup] * np.arange(1, warmup + 1) / warmup
    return m


def infinite(n_steps: int, *, warmup: int, cooldown: int, anneal: int, const: float, final: float) -> np.ndarray:
    """Infinite schedule: linear warm-up to 1, cosine cool-down to ``const``, constant, exponential anneal to ``final``.

    With ``warmup = cooldown = 0`` it starts at ``const`` (a later task that resumes the schedule).
    """
    if min(warmup, cooldown, anneal) < 0 or warmup + cooldown + anneal > n_steps:
        raise ValueError(f"warmup + cooldown + anneal = {warmup + cooldown + anneal} exceeds n_steps = {n_steps}")
    if not 0 < final <= const <= 1:
        raise ValueError(f"need 0 < final <= const <= 1, got const={const}, final={final}")
    m = np.full(int(n_steps), float(const))
    if warmup:
        m[:warmup] = np.arange(1, warmup + 1) / warmup
    if cooldown:
        u = np.arange(1, cooldown + 1) / cooldown
        m[warmup:warmup + cooldown] = const + (1 - const) * 0.5 * (1 + np.cos(np.pi * u))
    if anneal:
        u = np.arange(1, anneal + 1) / anneal
        m[n_steps - anneal:] = const * (final / const) ** u
    return m


def median_filter(x, width: int) -> np.ndarray:
    """Running median over a centred window of ``width`` samples (truncated at the ends)."""
    x = np.asarray(x, dtype=np.float64)
    if width < 1:
        raise ValueError(f"width must be >= 1, got {width}")
    lo, hi = width // 2, width - width // 2
    return np.array([np.median(x[max(0, i - lo):i + hi]) for i in range(len(x))])


def refine(grad_norms, tau: int = 1, power: float = 2.0) -> np.ndarray:
    """Refined schedule of Defazio et al. (2023): w_t = g_t^-p * sum_{s>t} g_s^-p on median-filtered norms, peak 1."""
    g = median_filter(grad_norms, tau)
    if len(g) < 2 or np.any(~np.isfinite(g)) or np.any(g <= 0):
        raise ValueError("grad_norms must hold at least two positive finite values")
    inv = g ** (-power)
    tail = np.concatenate([np.cumsum(inv[::-1])[::-1][1:], [0.0]])  # sum over s > t
    w = inv * tail
    return w / w.max()
