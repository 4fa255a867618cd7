"""Distributed optimisation with compressed communication: TopK/RandK compressors and heterogeneous-client problems.

Two problems, both f(x) = (1/n) sum_i f_i(x) over n clients:
- the nonconvex-regularised logistic regression used in the error-feedback papers,
    f_i(x) = (1/m) sum_j log(1 + exp(-b_ij a_ij^T x)) + lam sum_k x_k^2 / (1 + x_k^2),
  with client i's features scaled by s_i = exp(sigma * z_i), z_i ~ N(0, 1), so that sigma sets how much the
  clients' smoothness constants L_i differ;
- least squares f_i(x) = 0.5 ||A_i x - b_i||^2 with b_i = A_i xi_i + noise and client optima xi_i ~ N(0, zeta^2 I),
  so that zeta sets how much the clients' gradients at the common optimum x* differ (data heterogeneity).
Every tensor function accepts extra leading (batch) dimensions.
"""
from dataclasses import dataclass

import torch


def topk(x: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k largest-magnitude entries of each vector (last dimension), set the others to zero."""
    if not 1 <= k <= x.shape[-1]:
        raise ValueError(f"k must be in [1, {x.shape[-1]}], got {k}")
    idx = x.abs().topk(k, dim=-1).indices
    return torch.zeros_like(x).scatter(-1, idx, x.gather(-1, idx))


def randk(x: torch.Tensor, k: int, generator: torch.Generator, unbiased: bool = False) -> torch.Tensor:
    """Keep k entries of each vector chosen uniformly at random (scaled by d/k if `unbiased`), zero the others."""
    d = x.shape[-1]
    if not 1 <= k <= d:
        raise ValueError(f"k must be in [1, {d}], got {k}")
    scores = torch.rand(x.shape, generator=generator, dtype=torch.float64).to(x.device)
    idx = scores.topk(k, dim=-1).indices  # a uniformly random k-subset per vector
    out = torch.zeros_like(x).scatter(-1, idx, x.gather(-1, idx))
    return out * (d / k) if unbiased else out


@dataclass(frozen=True)
class LogRegProblem:
    """Client data A (n x m x d), labels b (n x m) in {-1, +1}, regulariser weight lam, smoothness constants."""

    A: torch.Tensor
    b: torch.Tensor
    lam: float
    L_i: torch.Tensor  # (n,) smoothness constant of each f_i
    L: float  # smoothness constant of f = mean_i f_i

    @property
    def L_am(self) -> float:
        """Arithmetic mean of the L_i."""
        return float(self.L_i.mean())

    @property
    def L_qm(self) -> float:
        """Quadratic mean sqrt(mean L_i^2) of the L_i."""
        return float(self.L_i.pow(2).mean().sqrt())


def make_heterogeneous_logreg(n: int, m: int, d: int, sigma: float, seed: int, lam: float = 0.1,
                              label_noise: float = 0.5) -> LogRegProblem:
    """n clients with m samples a_ij ~ s_i N(0, I_d), s_i = exp(sigma N(0,1)), labels sign(a^T w* + noise); float64."""
    if sigma < 0 or lam < 0:
        raise ValueError(f"sigma and lam must be >= 0, got sigma={sigma}, lam={lam}")
    g = torch.Generator().manual_seed(int(seed))
    f64 = dict(generator=g, dtype=torch.float64)
    # Draw order is fixed and independent of sigma: the same seed gives the same base draws for every sigma.
    w_star = torch.randn(d, **f64)
    z = torch.randn(n, **f64)
    A = torch.randn(n, m, d, **f64) * torch.exp(sigma * z)[:, None, None]
    noise = torch.randn(n, m, **f64)
    b = torch.where(A @ w_star + label_noise * noise >= 0, 1.0, -1.0).to(torch.float64)
    L_i, L = logreg_smoothness(A, lam)
    return LogRegProblem(A, b, float(lam), L_i, float(L))


def logreg_smoothness(A: torch.Tensor, lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Smoothness constants: L_i = lmax(A_i^T A_i)/(4m) + 2 lam per client, L = lmax(sum_i A_i^T A_i)/(4mn) + 2 lam."""
    n, m = A.shape[-3], A.shape[-2]
    gram = A.transpose(-1, -2) @ A  # (..., n, d, d)
    L_i = torch.linalg.eigvalsh(gram)[..., -1] / (4 * m) + 2 * lam
    L = torch.linalg.eigvalsh(gram.sum(-3))[..., -1] / (4 * m * n) + 2 * lam
    return L_i, L


def logreg_losses(A: torch.Tensor, b: torch.Tensor, x: torch.Tensor, lam: float) -> torch.Tensor:
    """Per-client losses f_i(x), shape (..., n), for x of shape (..., d) broadcast against A (..., n, m, d)."""
    z = (A @ x[..., None, :, None]).squeeze(-1)  # (..., n, m) margins a_ij^T x
    reg = lam * (x.pow(2) / (1 + x.pow(2))).sum(-1)  # (...,)
    return torch.nn.functional.softplus(-b * z).mean(-1) + reg[..., None]


def logreg_grads(A: torch.Tensor, b: torch.Tensor, x: torch.Tensor, lam: float) -> torch.Tensor:
    """Per-client gradients grad f_i(x), shape (..., n, d), for x of shape (..., d) broadcast against A."""
    m = A.shape[-2]
    z = torch.einsum("...nmd,...d->...nm", A, x)  # (..., n, m) margins a_ij^T x
    r = -b * torch.sigmoid(-b * z) / m  # d/dz of the mean logistic loss
    data = torch.einsum("...nmd,...nm->...nd", A, r)  # (..., n, d)
    reg = lam * 2 * x / (1 + x.pow(2)).pow(2)  # (..., d)
    return data + reg[..., None, :]


@dataclass(frozen=True)
class LsqProblem:
    """Client data A (n x m x d), targets b (n x m), the minimiser x* of f = mean_i f_i and f* = f(x*); float64."""

    A: torch.Tensor
    b: torch.Tensor
    x_star: torch.Tensor  # (d,)
    f_star: float

    @property
    def H(self) -> torch.Tensor:
        """Per-client Hessians A_i^T A_i, shape (n, d, d)."""
        return self.A.transpose(-1, -2) @ self.A

    @property
    def c(self) -> torch.Tensor:
        """Per-client linear terms A_i^T b_i, shape (n, d), so that grad f_i(x) = H_i x - c_i."""
        return (self.A.transpose(-1, -2) @ self.b[..., None]).squeeze(-1)

    @property
    def grads_star(self) -> torch.Tensor:
        """Client gradients at the optimum, grad f_i(x*), shape (n, d); their mean is zero."""
        return lsq_grads(self.A, self.b, self.x_star)

    @property
    def heterogeneity(self) -> float:
        """zeta_*^2 = (1/n) sum_i ||grad f_i(x*)||^2, the heterogeneity constant of the error-feedback analyses."""
        return float(self.grads_star.pow(2).sum(-1).mean())


def make_heterogeneous_lsq(n: int, m: int, d: int, zeta: float, seed: int, noise: float = 0.1) -> LsqProblem:
    """n clients with A_i (m x d) ~ N(0, 1/m), b_i = A_i xi_i + noise N(0, 1), xi_i = zeta z_i, z_i ~ N(0, I_d)."""
    if zeta < 0 or noise < 0:
        raise ValueError(f"zeta and noise must be >= 0, got zeta={zeta}, noise={noise}")
    g = torch.Generator().manual_seed(int(seed))
    f64 = dict(generator=g, dtype=torch.float64)
    # Draw order is fixed and independent of zeta: the same seed gives the same base draws for every zeta.
    A = torch.randn(n, m, d, **f64) / m ** 0.5
    z = torch.randn(n, d, **f64)
    eps = torch.randn(n, m, **f64)
    b = (A @ (zeta * z)[..., None]).squeeze(-1) + noise * eps
    H, c = A.transpose(-1, -2) @ A, (A.transpose(-1, -2) @ b[..., None]).squeeze(-1)
    x_star = torch.linalg.solve(H.mean(0), c.mean(0))  # grad f(x*) = mean_i (H_i x* - c_i) = 0
    f_star = float(lsq_losses(A, b, x_star).mean())
    return LsqProblem(A, b, x_star, f_star)


def lsq_losses(A: torch.Tensor, b: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Per-client losses f_i(x) = 0.5 ||A_i x - b_i||^2, shape (..., n), for x of shape (..., d)."""
    r = torch.einsum("...nmd,...d->...nm", A, x) - b
    return 0.5 * r.pow(2).sum(-1)


def lsq_grads(A: torch.Tensor, b: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Per-client gradients A_i^T (A_i x - b_i), shape (..., n, d), for x of shape (..., d)."""
    r = torch.einsum("...nmd,...d->...nm", A, x) - b
    return torch.einsum("...nmd,...nm->...nd", A, r)
