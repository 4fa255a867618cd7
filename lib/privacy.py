"""Differential-privacy primitives shared by the privacy chapters: Laplace and Gaussian mechanisms and their calibration."""
from __future__ import annotations

import math

import numpy as np

__all__ = ["laplace_mech", "gaussian_mech", "gaussian_sigma", "zcdp_sigma", "zcdp_rho_from_eps_delta",
           "zcdp_eps_from_rho"]


def _check_positive(**kw) -> None:
    for name, v in kw.items():
        if not (isinstance(v, (int, float, np.floating)) and v > 0 and math.isfinite(v)):
            raise ValueError(f"{name} must be a positive finite number, got {v!r}")


def laplace_mech(value, sensitivity: float, eps: float, rng: np.random.Generator):
    """eps-DP release of ``value`` (scalar or array): add Laplace(sensitivity/eps) noise to every entry."""
    _check_positive(sensitivity=sensitivity, eps=eps)
    value = np.asarray(value, dtype=np.float64)
    return value + rng.laplace(0.0, sensitivity / eps, size=value.shape)


def gaussian_mech(value, sigma: float, rng: np.random.Generator):
    """Gaussian mechanism: add N(0, sigma^2) noise to every entry (calibrate sigma with gaussian_sigma/zcdp_sigma)."""
    _check_positive(sigma=sigma)
    value = np.asarray(value, dtype=np.float64)
    return value + rng.normal(0.0, sigma, size=value.shape)


def gaussian_sigma(sensitivity: float, eps: float, delta: float) -> float:
    """Classic (eps, delta)-DP Gaussian noise scale sqrt(2 ln(1.25/delta)) * sensitivity / eps (valid for eps < 1)."""
    _check_positive(sensitivity=sensitivity, eps=eps, delta=delta)
    if delta >= 1:
        raise ValueError(f"delta must be < 1, got {delta}")
    return math.sqrt(2 * math.log(1.25 / delta)) * sensitivity / eps


def zcdp_sigma(sensitivity: float, rho: float) -> float:
    """Gaussian noise scale for rho-zCDP: sigma = sensitivity / sqrt(2 rho) (Bun and Steinke 2016)."""
    _check_positive(sensitivity=sensitivity, rho=rho)
    return sensitivity / math.sqrt(2 * rho)


def zcdp_eps_from_rho(rho: float, delta: float) -> float:
    """rho-zCDP implies (eps, delta)-DP with eps = rho + 2 sqrt(rho ln(1/delta))."""
    _check_positive(rho=rho, delta=delta)
    return rho + 2 * math.sqrt(rho * math.log(1 / delta))


def zcdp_rho_from_eps_delta(eps: float, delta: float) -> float:
    """Largest rho whose zCDP guarantee implies (eps, delta)-DP (inverse of zcdp_eps_from_rho)."""
    _check_positive(eps=eps, delta=delta)
    L = math.log(1 / delta)
    return (math.sqrt(L + eps) - math.sqrt(L)) ** 2  # solves rho + 2 sqrt(rho L) = eps
