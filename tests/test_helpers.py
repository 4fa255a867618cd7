"""Unit tests of the small helpers: seeding, scale configuration, plotting style, digits data."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lib import plot  # noqa: E402
from lib.config import scale_config  # noqa: E402
from lib.data import class_incremental, load_digits_split, rotate, task_mask  # noqa: E402
from lib.seeding import seed_everything, seed_list  # noqa: E402


def test_seed_everything_reproduces_all_sources():
    import random

    def draw():
        rng = seed_everything(7)
        return random.random(), np.random.rand(), torch.rand(1).item(), rng.random()

    assert draw() == draw()
    with pytest.raises(ValueError, match="non-negative"):
        seed_everything(-1)


def test_seed_list_is_distinct_across_seeds():
    assert seed_list(0, 3) == [0, 1, 2]
    assert not set(seed_list(1, 5)) & set(seed_list(2, 5))
    with pytest.raises(ValueError):
        seed_list(0, 0)


def test_scale_config_selects_and_validates():
    cfg = scale_config("paper", ci=dict(n=1), paper=dict(n=100))
    assert cfg.n == 100
    with pytest.raises(ValueError, match="SCALE must be one of 'ci', 'paper'; got 'big'"):
        scale_config("big", ci=dict(n=1), paper=dict(n=2))
    with pytest.raises(ValueError, match="same keys"):
        scale_config("ci", ci=dict(n=1), paper=dict(m=2))
    with pytest.raises(ValueError, match="missing: paper"):
        scale_config("ci", ci=dict(n=1))


def test_digits_split_shapes_and_stratification():
    d = load_digits_split(0)
    assert d.x_train.shape == (1257, 64) and d.x_test.shape == (540, 64)
    assert float(d.x_train.max()) == 1.0 and d.y_test.dtype == torch.int64
    assert torch.bincount(d.y_test).min() >= 50  # stratified: every class in the test set
    assert torch.equal(load_digits_split(0).x_train, d.x_train)
    assert not torch.equal(load_digits_split(1).x_train, d.x_train)


def test_class_incremental_partitions_classes():
    tasks = class_incremental(5, seed=0)
    assert len(tasks) == 5 and sorted(c for t in tasks for c in t) == list(range(10))
    assert class_incremental(5, seed=0) == tasks and class_incremental(5, seed=1) != tasks
    with pytest.raises(ValueError):
        class_incremental(3, seed=0)
    y = torch.tensor([0, 1, 2, 3])
    assert task_mask(y, (1, 3)).tolist() == [False, True, False, True]


def test_rotate_identity_and_quarter_turn():
    x = torch.zeros(1, 64)
    x[0, 0 * 8 + 3] = 1.0  # a pixel in the top row
    assert torch.allclose(rotate(x, 0), x)
    r = rotate(x, 90).view(8, 8)
    row, col = divmod(int(r.argmax()), 8)
    assert col == 0 and row == 4  # counter-clockwise: the top row goes to the left column
    assert torch.allclose(rotate(rotate(x, 90), -90), x, atol=1e-5)
    with pytest.raises(ValueError):
        rotate(torch.zeros(2, 10), 30)


def test_plot_helpers():
    plot.use_style()
    w, h = plot.figsize(ncols=2, aspect=0.5)
    assert w == plot.WIDTH and h == pytest.approx(plot.WIDTH / 2 * 0.5)
    fig, ax = matplotlib.pyplot.subplots()
    line = plot.mean_band(ax, np.arange(4), np.ones((3, 4)), label="m")
    assert line.get_label() == "m" and len(ax.collections) == 1
    with pytest.raises(ValueError):
        plot.mean_band(ax, np.arange(3), np.ones((3, 4)))
    plot.show(fig)
