"""Test-time-compute metrics: pass@k from n samples (unbiased estimator) and exact pass@n from a success probability."""
import numpy as np


def pass_at_k(n, c, k):
    """Unbiased pass@k from n samples with c correct, 1 - C(n-c, k)/C(n, k), as a stable product; broadcasts arrays."""
    n, c, k = np.broadcast_arrays(*(np.asarray(v) for v in (n, c, k)))
    for name, v in (("n", n), ("c", c), ("k", k)):
        if not np.issubdtype(v.dtype, np.integer) and not np.all(v == np.round(v)):
            raise ValueError(f"{name} must hold whole numbers, got {v}")
    n, c, k = n.astype(np.int64), c.astype(np.int64), k.astype(np.int64)
    if np.any(k < 1) or np.any(c < 0) or np.any(c > n):
        raise ValueError("need k >= 1 and 0 <= c <= n")
    if np.any(k > n):
        raise ValueError(f"pass@k needs k <= n (at least k samples), got k={k.max()} with n={n.min()}")
    # C(n-c, k)/C(n, k) = prod_{i=n-c+1}^{n} (1 - k/i): a sum of logs over a masked range of i
    i = np.arange(1, max(int(n.max(initial=1)), 1) + 1)
    nn, cc, kk = n[..., None], c[..., None], k[..., None]
    inside = (i > nn - cc) & (i <= nn)
    certain = (n - c) < k  # fewer than k wrong samples: every k-subset holds a correct one
    safe = np.where(inside & ~certain[..., None], 1.0 - kk / i, 1.0)  # factors, 1 outside the range
    miss = np.exp(np.log(np.clip(safe, 1e-300, None)).sum(-1))
    out = np.where(certain, 1.0, 1.0 - miss)
    return out if out.ndim else float(out)


def pass_at_n_exact(p, n):
    """Exact pass@n = 1 - (1-p)^n for success probability p per sample, computed as -expm1(n log1p(-p)); broadcasts."""
    p, n = np.asarray(p, dtype=float), np.asarray(n, dtype=float)
    if np.any((p < 0) | (p > 1)) or np.any(n < 0):
        raise ValueError("need 0 <= p <= 1 and n >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):  # p = 1 gives log1p(-1) = -inf, and then exactly 1
        out = -np.expm1(n * np.log1p(-p))
    out = np.where(n == 0, 0.0, out)
    return out if out.ndim else float(out)
