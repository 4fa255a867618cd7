"""Kernels for the kernel regime: arc-cosine functions, ReLU NTKs (fully connected and hierarchical CNN),
Gaussian random fields and kernel ridge regression. All functions work on float64 torch tensors.

The ReLU kernels use the normalisation in which a unit-norm input keeps unit variance through every layer
(He initialisation), so kappa0(1) = kappa1(1) = 1 and the NTK of a depth-L net on the sphere has diagonal L + 1.
"""
import math

import numpy as np
import torch


def _arccos(u: torch.Tensor) -> torch.Tensor:
    return torch.arccos(u.clamp(-1.0, 1.0))


def kappa0(u: torch.Tensor) -> torch.Tensor:
    """Arc-cosine kernel of order 0, (pi - arccos u)/pi = 2 E[step(a) step(b)] for unit normals with correlation u."""
    return (math.pi - _arccos(u)) / math.pi


def kappa1(u: torch.Tensor) -> torch.Tensor:
    """Arc-cosine kernel of order 1, (sqrt(1-u^2) + (pi - arccos u) u)/pi = 2 E[relu(a) relu(b)]."""
    a = _arccos(u)
    return (torch.sin(a) + (math.pi - a) * u.clamp(-1.0, 1.0)) / math.pi


def _relu_layer(sigma: np.ndarray, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One ReLU layer of the NTK recursion: Sigma' = kappa1(Sigma), Theta' = kappa1(Sigma) + kappa0(Sigma) Theta.

    numpy, in place where possible: element-wise numpy runs on one thread, so the many small operations of a
    kernel build never wait on a busy second core (torch's threaded element-wise ops did, badly, under load).
    """
    u = np.clip(sigma, -1.0, 1.0)
    pi_k0 = np.arccos(u)
    np.subtract(math.pi, pi_k0, out=pi_k0)  # pi kappa0 = pi - arccos u, shared by both kappas
    k1 = np.multiply(u, u)
    np.subtract(1.0, k1, out=k1)
    np.maximum(k1, 0.0, out=k1)
    np.sqrt(k1, out=k1)
    u *= pi_k0
    k1 += u
    k1 /= math.pi  # kappa1(u) = (sqrt(1 - u^2) + (pi - arccos u) u) / pi
    pi_k0 *= theta
    pi_k0 /= math.pi
    pi_k0 += k1  # Theta' = kappa1 + kappa0 Theta
    return k1, pi_k0


_BLOCK = 2**17  # kernel entries per row block: small blocks stay in cache and reuse memory (much faster)


def _by_row_blocks(kernel, x: torch.Tensor, y: torch.Tensor, **kw) -> torch.Tensor:
    xn, yn = x.detach().cpu().numpy(), y.detach().cpu().numpy()
    rows = max(1, _BLOCK // max(1, yn.shape[0]))
    out = np.concatenate([kernel(xn[i:i + rows], yn, **kw) for i in range(0, xn.shape[0], rows)])
    return torch.from_numpy(out).to(x.dtype)


def _unit(a: np.ndarray) -> np.ndarray:
    return a / np.linalg.norm(a, axis=-1, keepdims=True)


def _cosines(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cosines between rows as a sum of broadcast products (inputs are short vectors: no BLAS call)."""
    xu, yu = _unit(x), _unit(y)
    out = np.zeros((xu.shape[0], yu.shape[0]))
    for j in range(xu.shape[1]):
        out += np.multiply.outer(xu[:, j], yu[:, j])
    return np.clip(out, -1.0, 1.0, out=out)


def fc_ntk(x: torch.Tensor, y: torch.Tensor, depth: int = 2) -> torch.Tensor:
    """NTK of a fully connected ReLU net without biases, `depth` hidden layers, inputs projected to the sphere."""
    if depth < 1:
        raise ValueError(f"depth must be >= 1, got {depth}")
    return _by_row_blocks(_fc_ntk, x, y, depth=depth)


def _fc_ntk(x, y, depth):
    xu, yu = _unit(x), _unit(y)
    sigma = np.clip(xu @ yu.T, -1.0, 1.0)  # first layer: Sigma_1 = Theta_1 = x.y on the unit sphere
    theta = sigma
    for _ in range(depth):
        sigma, theta = _relu_layer(sigma, theta)
    return theta


def hierarchical_cnn_ntk(x: torch.Tensor, y: torch.Tensor, filters=(2, 2, 2)) -> torch.Tensor:
    """NTK of a hierarchical (tree) CNN with non-overlapping filters of sizes `filters` (first layer first).

    Layer 1 sees the d / filters[0] input patches, each projected to the unit sphere; layer l+1 combines
    filters[l] sibling nodes; a linear readout averages the remaining top nodes. The kernel of a node is the
    mean over its children of the ReLU-layer recursion (same normalisation as fc_ntk). Memory: a few (n, m)
    matrices per tree level, not one per patch.
    """
    filters = tuple(int(f) for f in filters)
    d = x.shape[-1]
    if y.shape[-1] != d:
        raise ValueError(f"inputs differ in dimension: {d} and {y.shape[-1]}")
    if not filters or min(filters) < 1 or d % math.prod(filters):
        raise ValueError(f"the product of filters {filters} must divide the input dimension {d}")
    return _by_row_blocks(_tree_ntk, x, y, filters=filters)


def _tree_ntk(x, y, filters):
    d = x.shape[-1]
    s1, n_patches = filters[0], d // filters[0]
    xp, yp = x.reshape(-1, n_patches, s1), y.reshape(-1, n_patches, s1)

    def node(level: int, index: int) -> tuple[np.ndarray, np.ndarray]:
        """(Sigma, Theta) of node `index` of layer `level` (1 = patches) *before* its ReLU."""
        if level == 1:
            c = _cosines(xp[:, index], yp[:, index])  # Sigma_1 = Theta_1 = x_i . y_i
            return c, c
        s = filters[level - 1]
        return combine([node(level - 1, index * s + j) for j in range(s)])

    def combine(children):
        """Pass each child through a ReLU and average over the children (the next layer's filter)."""
        sigma = theta = None
        for c_sigma, c_theta in children:
            k1, t = _relu_layer(c_sigma, c_theta)
            sigma = k1 if sigma is None else np.add(sigma, k1, out=sigma)
            theta = t if theta is None else np.add(theta, t, out=theta)
        return sigma / len(children), theta / len(children)

    n_top = d // math.prod(filters)  # nodes of the last hidden layer, averaged by the readout
    return combine([node(len(filters), q) for q in range(n_top)])[1]


def laplace_kernel(x: torch.Tensor, y: torch.Tensor, length: float = 1.0) -> torch.Tensor:
    """Laplace covariance exp(-|x - y| / length) between the rows of x and y."""
    return torch.cdist(x, y).div_(-length).exp_()


def gaussian_field_sample(cov: torch.Tensor, generator: torch.Generator, n_samples: int = 1,
                          jitter: float = 1e-8) -> torch.Tensor:
    """Samples (n, n_samples) of a centred Gaussian field with covariance `cov` (Cholesky, relative jitter)."""
    jittered = cov.clone()
    jittered.diagonal().add_(jitter * cov.diagonal().mean())
    chol = torch.linalg.cholesky(jittered)
    z = torch.randn(cov.shape[-1], n_samples, generator=generator, dtype=cov.dtype)
    return chol @ z


def _ridge_cholesky(k_train: torch.Tensor, ridge: float) -> torch.Tensor:
    regularised = k_train.clone()
    regularised.diagonal().add_(ridge)
    return torch.linalg.cholesky(regularised)


def ridge_smoother(k_train: torch.Tensor, k_test_train: torch.Tensor, ridge: float = 0.0) -> torch.Tensor:
    """The linear map A = K_test,train (K_train + ridge I)^-1 of kernel ridge regression: predictions are A @ y."""
    return torch.cholesky_solve(k_test_train.T, _ridge_cholesky(k_train, ridge)).T


def gaussian_field_risk(smoother: torch.Tensor, cov_train: torch.Tensor, cov_test_train: torch.Tensor,
                        cov_test_diag: torch.Tensor) -> torch.Tensor:
    """Per test point, E[(A y_train - y_test)^2] over a centred Gaussian target y with the given covariance blocks.

    E = (A C_tr A^T)_aa - 2 (A C_tr,te)_aa + C_aa: the test error averaged over teacher draws in closed form.
    """
    a = smoother
    return ((a @ cov_train) * a).sum(-1) - 2 * (a * cov_test_train).sum(-1) + cov_test_diag


def kernel_ridge(k_train: torch.Tensor, y_train: torch.Tensor, k_test_train: torch.Tensor,
                 ridge: float = 0.0) -> torch.Tensor:
    """Kernel ridge predictions K_test,train (K_train + ridge I)^-1 y_train (y may have several columns)."""
    chol = _ridge_cholesky(k_train, ridge)
    rhs = y_train if y_train.ndim == 2 else y_train[:, None]
    pred = k_test_train @ torch.cholesky_solve(rhs, chol)
    return pred if y_train.ndim == 2 else pred[:, 0]
