"""Datasets generated or bundled offline: sklearn's 8x8 digits with splits, task streams and rotations."""
from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class Digits:
    """sklearn digits as float tensors in [0, 1] (N x 64) with int64 labels, split train/test."""

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


def load_digits_split(seed: int = 0, test_size: float = 0.3) -> Digits:
    """The 1797 8x8 digits, pixels/16, stratified train/test split drawn with `seed` (1257/540 at 0.3)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if not 0 < test_size < 1:
        raise ValueError(f"test_size must be in (0, 1), got {test_size}")
    d = load_digits()
    xtr, xte, ytr, yte = train_test_split(d.data / 16.0, d.target, test_size=test_size, stratify=d.target,
                                          random_state=seed)
    f = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
    g = lambda a: torch.tensor(a, dtype=torch.int64)  # noqa: E731
    return Digits(f(xtr), g(ytr), f(xte), g(yte))


def class_incremental(n_tasks: int, seed: int, n_classes: int = 10) -> list[tuple[int, ...]]:
    """Split the classes, in the order RandomState(seed).permutation, into n_tasks equal groups."""
    if n_classes % n_tasks:
        raise ValueError(f"{n_classes} classes do not split into {n_tasks} equal tasks")
    order = np.random.RandomState(seed).permutation(n_classes)
    k = n_classes // n_tasks
    return [tuple(int(c) for c in order[i * k:(i + 1) * k]) for i in range(n_tasks)]


def task_mask(y: torch.Tensor, classes) -> torch.Tensor:
    """Boolean mask of the samples whose label is in `classes`."""
    return torch.isin(y, torch.as_tensor(list(classes), dtype=y.dtype))


def rotate(x: torch.Tensor, degrees: float, side: int = 8) -> torch.Tensor:
    """Rotate flattened side x side images (N x side^2) counter-clockwise by `degrees`, bilinear, zero fill."""
    if x.ndim != 2 or x.shape[1] != side * side:
        raise ValueError(f"expected N x {side * side} flattened images, got shape {tuple(x.shape)}")
    t = np.deg2rad(degrees)
    theta = torch.tensor([[np.cos(t), -np.sin(t), 0.0], [np.sin(t), np.cos(t), 0.0]], dtype=x.dtype)
    img = x.view(-1, 1, side, side)
    grid = torch.nn.functional.affine_grid(theta.expand(img.shape[0], 2, 3), list(img.shape), align_corners=False)
    out = torch.nn.functional.grid_sample(img, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return out.reshape(x.shape[0], side * side)
