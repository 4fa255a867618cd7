"""Unit tests of lib.tta."""
import math

import pytest
import torch
from torch import nn

from lib import tta


def test_corruptions_shape_range_determinism():
    x = torch.rand(16, 64, dtype=torch.float64)
    for kind in tta.CORRUPTIONS:
        a = tta.corrupt(x, kind, 5, torch.Generator().manual_seed(1))
        b = tta.corrupt(x, kind, 5, torch.Generator().manual_seed(1))
        assert a.shape == x.shape and torch.equal(a, b), kind
        assert a.min() >= 0 and a.max() <= 1, kind
        assert not torch.allclose(a, x), kind  # severity 5 changes every batch
    with pytest.raises(ValueError, match="unknown corruption"):
        tta.corrupt(x, "fog", 3, torch.Generator())
    with pytest.raises(ValueError, match="severity"):
        tta.corrupt(x, "blur", 0, torch.Generator())


def test_bn_configuration_and_params():
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
    tta.configure_bn_for_tta(model)
    trainable = [p for p in model.parameters() if p.requires_grad]
    assert trainable == tta.bn_affine_params(model) and len(trainable) == 2
    x = torch.randn(32, 4) * 5 + 3
    h = model[1](model[0](x))  # normalised with the batch's own statistics
    assert h.mean(0).abs().max() < 1e-5


def test_entropy_ema_and_calibration():
    assert tta.entropy(torch.zeros(3, 4)) == pytest.approx(torch.full((3,), math.log(4)))
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    wa, wb = a.weight.detach().clone(), b.weight.detach().clone()
    tta.ema_update(a, b, 0.9)
    assert torch.allclose(a.weight, 0.9 * wa + 0.1 * wb)
    probs = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    y = torch.tensor([0, 1, 1])
    m = tta.calibration_metrics(probs, y, n_bins=10)
    assert m["error"] == pytest.approx(1 / 3)
    assert m["nll"] == pytest.approx(-(math.log(0.9) + math.log(0.8) + math.log(0.4)) / 3)
    assert m["brier"] == pytest.approx((2 * 0.01 + 2 * 0.04 + 2 * 0.36) / 3)
    assert m["ece"] == pytest.approx((0.1 + 0.2 + 0.6) / 3)  # one sample per bin: |correct - conf|


def test_swag_penalty_fisher_and_restoration():
    model = nn.Linear(3, 2)
    swag = tta.SwagDiag(model)
    snaps = []
    for k in range(4):
        with torch.no_grad():
            for p in model.parameters():
                p.add_(float(k))
        swag.update(model)
        snaps.append([p.detach().clone() for p in model.parameters()])
    for j, (mu, var) in enumerate(zip(swag.mean(), swag.var())):
        stack = torch.stack([s[j] for s in snaps])
        assert torch.allclose(mu, stack.mean(0)) and torch.allclose(var, stack.var(0, unbiased=False), atol=1e-5)
    params = [torch.tensor([1.0, 3.0])]
    assert tta.diag_gaussian_penalty(params, [torch.zeros(2)], [torch.ones(2)], 0.0) == pytest.approx(5.0)
    w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (w * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    fim = tta.fisher_diag([w])
    assert torch.equal(fim[0], torch.tensor([1.0, 4.0, 9.0]))
    p, src = [torch.tensor([5.0, 6.0, 7.0])], [torch.zeros(3)]
    tta.restore(p, src, tta.low_fisher_mask(fim, 0.5))  # the median Fisher value is 4: only entry 0 is below
    assert torch.equal(p[0], torch.tensor([0.0, 6.0, 7.0]))
    p = [torch.ones(10_000)]
    tta.restore(p, [torch.zeros(10_000)], tta.random_mask(0.1, torch.Generator().manual_seed(0)))
    assert (p[0] == 0).float().mean() == pytest.approx(0.1, abs=0.01)
