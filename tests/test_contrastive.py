import math

import pytest
import torch

from lib.contrastive import augment_digits, class_prototypes, cosine_scores, simplex_etf, supcon_loss


# -- augment_digits --------------------------------------------------------------------------------------------
def test_augment_is_deterministic_from_generator_and_keeps_shape():
    x = torch.rand(20, 64)
    a = augment_digits(x, torch.Generator().manual_seed(3))
    b = augment_digits(x, torch.Generator().manual_seed(3))
    c = augment_digits(x, torch.Generator().manual_seed(4))
    assert a.shape == x.shape and a.dtype == x.dtype
    assert torch.equal(a, b)
    assert not torch.equal(a, c)


def test_augment_without_noise_is_a_zero_filled_shift():
    x = torch.arange(64, dtype=torch.float32).view(1, 64) + 1  # all pixels nonzero
    out = augment_digits(x.expand(200, 64), torch.Generator().manual_seed(0), noise=0.0).view(200, 8, 8)
    img = x.view(8, 8)
    shifts = set()
    for o in out:
        found = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                 if torch.equal(o, _shift(img, dy, dx))]
        assert len(found) == 1
        shifts.add(found[0])
    assert len(shifts) == 9  # every shift in [-1, 1]^2 occurs
    with pytest.raises(ValueError):
        augment_digits(torch.zeros(3, 10), torch.Generator())


def _shift(img, dy, dx):
    out = torch.zeros_like(img)
    h, w = img.shape
    for r in range(h):
        for c in range(w):
            if 0 <= r + dy < h and 0 <= c + dx < w:
                out[r, c] = img[r + dy, c + dx]
    return out


# -- supcon_loss -----------------------------------------------------------------------------------------------
def _supcon_brute(z, y, t):
    z = torch.nn.functional.normalize(z, dim=-1)
    losses = []
    for i in range(len(y)):
        pos = [p for p in range(len(y)) if p != i and y[p] == y[i]]
        if not pos:
            continue
        denom = sum(math.exp(float(z[i] @ z[a]) / t) for a in range(len(y)) if a != i)
        losses.append(-sum(math.log(math.exp(float(z[i] @ z[p]) / t) / denom) for p in pos) / len(pos))
    return sum(losses) / len(losses)


def test_supcon_matches_brute_force_loop():
    g = torch.Generator().manual_seed(0)
    z = torch.randn(7, 5, generator=g, dtype=torch.float64)
    y = torch.tensor([0, 1, 0, 2, 1, 0, 3])  # class 2 and 3 anchors have no positive and are skipped
    for t in (0.1, 0.5, 1.0):
        assert float(supcon_loss(z, y, t)) == pytest.approx(_supcon_brute(z, y, t), rel=1e-10)


def test_supcon_is_differentiable_and_zero_without_positives():
    z = torch.randn(4, 3, requires_grad=True)
    loss = supcon_loss(z, torch.tensor([0, 0, 1, 1]))
    loss.backward()
    assert z.grad is not None and torch.isfinite(z.grad).all()
    assert float(supcon_loss(z.detach(), torch.tensor([0, 1, 2, 3]))) == 0.0


# -- simplex_etf -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("k,d", [(2, 1), (3, 2), (10, 9), (10, 64), (28, 64)])
def test_simplex_etf_geometry(k, d):
    for gen in (None, torch.Generator().manual_seed(1)):
        m = simplex_etf(k, d, gen, dtype=torch.float64)
        assert m.shape == (k, d)
        gram = m @ m.T
        target = torch.full((k, k), -1.0 / (k - 1), dtype=torch.float64)
        target.fill_diagonal_(1.0)
        assert torch.allclose(gram, target, atol=1e-12)
        assert torch.allclose(m.sum(0), torch.zeros(d, dtype=torch.float64), atol=1e-12)  # centred


def test_simplex_etf_rejects_bad_sizes():
    with pytest.raises(ValueError):
        simplex_etf(1, 4)
    with pytest.raises(ValueError):
        simplex_etf(10, 8)


# -- prototypes ------------------------------------------------------------------------------------------------
def test_prototypes_are_normalised_means_and_nearest_mean_classifies():
    z = torch.tensor([[2.0, 0.0], [4.0, 0.0], [0.0, 1.0], [0.0, 3.0]])
    y = torch.tensor([0, 0, 1, 1])
    p = class_prototypes(z, y, 3)
    assert torch.allclose(p, torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]))
    s = cosine_scores(torch.tensor([[5.0, 1.0], [1.0, 9.0]]), p[:2])
    assert s.argmax(1).tolist() == [0, 1]
    assert torch.allclose(s[0], torch.tensor([5.0, 1.0]) / math.sqrt(26))
