"""One seed drives every source of randomness in a chapter (python, numpy, torch)."""
import random

import numpy as np
import torch


def seed_everything(seed: int) -> np.random.Generator:
    """Seed python, numpy and torch from `seed`; return a numpy Generator for explicit use."""
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"SEED must be a non-negative integer, got {seed!r}")
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)
    torch.manual_seed(int(seed))
    return np.random.default_rng(int(seed))


def seed_list(seed: int, n: int) -> list[int]:
    """The `n` replicate seeds a chapter runs for a given SEED: SEED*1000 + 0..n-1 (distinct across SEEDs)."""
    if n < 1:
        raise ValueError(f"need at least one replicate seed, got n={n}")
    return [int(seed) * 1000 + k for k in range(n)]
