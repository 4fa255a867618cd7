"""Small statistics for claims: means with 95% intervals over seeds, paired comparisons, line fits."""
from dataclasses import dataclass, field

import numpy as np
from scipy import stats as _st


@dataclass(frozen=True)
class Estimate:
    """A measured value: mean with a confidence interval [lo, hi] over n replicates (and the raw values)."""

    mean: float
    lo: float
    hi: float
    n: int
    values: tuple = field(default=(), repr=False)

    def __str__(self) -> str:
        if self.n <= 1 or not np.isfinite(self.lo):
            return _fmt(self.mean)
        return f"{_fmt(self.mean)} [{_fmt(self.lo)}, {_fmt(self.hi)}]"

    def to_dict(self) -> dict:
        """JSON-ready form (used by the claims ledger)."""
        return {"mean": self.mean, "lo": self.lo, "hi": self.hi, "n": self.n, "values": list(self.values)}


def _fmt(x: float) -> str:
    if not np.isfinite(x):
        return str(x)
    ax = abs(x)
    if ax != 0 and (ax < 1e-3 or ax >= 1e5):
        return f"{x:.2e}"
    return f"{x:.3g}" if ax < 10 else f"{x:.1f}"


def _as_1d(x) -> np.ndarray:
    a = np.asarray(x, dtype=float).ravel()
    if a.size == 0:
        raise ValueError("need at least one value")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"values must be finite, got {a}")
    return a


def mean_ci(x, level: float = 0.95) -> Estimate:
    """Mean with a Student-t confidence interval (n=1 gives an infinite interval)."""
    a = _as_1d(x)
    m = float(a.mean())
    if a.size == 1:
        return Estimate(m, -np.inf, np.inf, 1, tuple(a.tolist()))
    half = float(_st.t.ppf(0.5 + level / 2, a.size - 1) * a.std(ddof=1) / np.sqrt(a.size))
    return Estimate(m, m - half, m + half, int(a.size), tuple(a.tolist()))


def bootstrap_ci(x, level: float = 0.95, n_boot: int = 10_000, seed: int = 0, stat=np.mean) -> Estimate:
    """Statistic `stat` of x with a percentile-bootstrap interval (deterministic given `seed`)."""
    a = _as_1d(x)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, a.size, size=(n_boot, a.size))
    boots = np.apply_along_axis(stat, 1, a[idx]) if stat is not np.mean else a[idx].mean(axis=1)
    lo, hi = np.quantile(boots, [0.5 - level / 2, 0.5 + level / 2])
    return Estimate(float(stat(a)), float(lo), float(hi), int(a.size), tuple(a.tolist()))


def paired_bootstrap_ci(a, b, level: float = 0.95, n_boot: int = 10_000, seed: int = 0) -> Estimate:
    """Mean of the paired differences a - b with a bootstrap interval."""
    a, b = _as_1d(a), _as_1d(b)
    if a.shape != b.shape:
        raise ValueError(f"paired samples need equal length, got {a.size} and {b.size}")
    return bootstrap_ci(a - b, level=level, n_boot=n_boot, seed=seed)


def fit_line(x, y) -> tuple[float, float]:
    """Least-squares slope and intercept of y on x."""
    x, y = _as_1d(x), _as_1d(y)
    if x.shape != y.shape or x.size < 2:
        raise ValueError("fit_line needs two equal-length arrays of at least 2 points")
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def spearman(x, y) -> float:
    """Spearman rank correlation of x and y, rounded to 12 decimals (so 1 - 6*2/60 compares equal to 0.8)."""
    x, y = _as_1d(x), _as_1d(y)
    return round(float(_st.spearmanr(x, y).statistic), 12)


@dataclass(frozen=True)
class PowerLaw:
    """y = prefactor * x**exponent, fitted by least squares in log-log space; r2 is that fit's R^2."""

    exponent: float
    prefactor: float
    r2: float

    def __call__(self, x):
        return self.prefactor * np.asarray(x, dtype=float) ** self.exponent


def power_law_fit(x, y) -> PowerLaw:
    """Fit y = a x^b by a straight line through (log x, log y); all values must be positive."""
    x, y = _as_1d(x), _as_1d(y)
    if x.shape != y.shape or x.size < 2:
        raise ValueError("power_law_fit needs two equal-length arrays of at least 2 points")
    if np.any(x <= 0) or np.any(y <= 0):
        raise ValueError("power_law_fit needs positive x and y (it fits in log-log space)")
    lx, ly = np.log(x), np.log(y)
    b, la = fit_line(lx, ly)
    ss_res = float(np.sum((ly - (la + b * lx)) ** 2))
    ss_tot = float(np.sum((ly - ly.mean()) ** 2))
    return PowerLaw(b, float(np.exp(la)), 1.0 - ss_res / ss_tot if ss_tot > 0 else 1.0)
