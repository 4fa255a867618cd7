# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # When, Why and How Much? Adaptive Learning Rate Scheduling by Refinement
#
# **Aaron Defazio, Ashok Cutkosky, Harsh Mehta, Konstantin Mishchenko** · *arXiv 2023* (a later version is titled
# *Optimal Linear Decay Learning Rate Schedules and Further Refinements*) ·
# [arXiv:2310.07831](https://arxiv.org/abs/2310.07831) · {cite}`defazio2023refined`
#
# Practitioners decay the learning rate with cosine, step or linear schedules, while classical theory recommends
# $1/\sqrt t$ decay and bounds the *average* iterate. The paper bounds the *last* iterate of SGD-like methods for
# an arbitrary schedule, in terms of the gradient norms met along the way. If nothing is known about those norms
# (worst case: all equal), the schedule that minimises the bound is linear decay, $\eta_t\propto 1-t/T$, which
# explains why this simple practical choice works so well. If the norms of a previous run are known, the paper
# derives from the bound a *refined* schedule, $w_t\propto\|g_t\|^{-2}\sum_{p>t}\|g_p\|^{-2}$, computed from
# median-smoothed norms; it produces a warm-up where early gradients are large and a fast anneal at the end, without
# either being put in by hand. In the paper's large comparison (ten deep-learning problems, a series of LLMs and a
# suite of logistic-regression problems) linear decay "matches or outperforms all commonly used default schedules
# including cosine annealing", and refinement "gives further improvements". This chapter re-runs the comparison on
# one small convex problem, softmax regression on the 8x8 digits with noisy labels, where the optimum can be
# computed exactly and the six schedules can be tuned and re-run many times.
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** Linear decay matches or beats the common default schedules for the last iterate: with every schedule's
# peak learning rate tuned on the same grid, its final objective is within 2% of the best of cosine and
# inverse-sqrt decay and strictly below constant and step decay. *Paper:* logistic-regression suite and
# deep-learning comparison, where linear decay is best or tied with cosine (abstract: linear decay "matches or
# outperforms all commonly used default schedules including cosine annealing").
#
# **C2.** (Theory, checked numerically.) With constant gradient norms the refinement formula returns exactly linear
# decay (max. abs. deviation $<10^{-12}$); with the norms observed in a real run, which shrink early in training,
# it returns a schedule with a warm-up (peak after 2% of the steps) that ends at 0. *Paper:* the last-iterate bound
# is minimised by linear decay for constant norms; its refined schedules show warm-up and rapid final annealing.
#
# **C3.** A refined schedule, computed from the gradient norms of the tuned linear-decay run and re-tuned, reaches a
# final objective (a) within 2% of linear decay and (b), the paper's stronger claim, strictly below it. *Paper:*
# refinement "gives further improvements" over linear decay on most problems of its comparison.
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.ndimage
import scipy.optimize
import torch
import torch.nn.functional as F
from IPython.display import display
from myst_nb import glue
from sklearn.datasets import load_digits

from lib import plot
from lib import schedules as S
from lib.claims import Ledger, NOT_REPRODUCED, REPRODUCED
from lib.config import scale_config
from lib.seeding import seed_everything, seed_list
from lib.stats import mean_ci, paired_bootstrap_ci

plot.use_style()
cfg = scale_config(SCALE,
                   ci=dict(T=1000, n_tune=2, n_eval=5, sgd_grid=tuple(2.0 ** np.arange(-5, 4)),
                           adam_grid=tuple(2.0 ** np.arange(-10, -2))),
                   paper=dict(T=10_000, n_tune=3, n_eval=10, sgd_grid=tuple(2.0 ** np.arange(-7, 4.5, 0.5)),
                              adam_grid=tuple(2.0 ** np.arange(-12, -1.5, 0.5))))
BATCH = 16  # minibatch size (spec)
NOISE, LAM = 0.1, 1e-3  # main problem: 10% of labels redrawn uniformly, L2 weight 1e-3 (spec)
SEP_LAM = 1e-4  # contrast problem: clean labels, L2 weight 1e-4 (spec)
TAU_FRAC = 0.05  # median-filter width tau as a fraction of the run: 50 of T = 1000 steps (spec)
MARGIN = 1.02  # C1 and C3a: "within 2%" (spec)

seed_everything(SEED)  # the minibatch orders below use explicit generators seeded from `seeds`
seeds = seed_list(SEED, cfg.n_tune + cfg.n_eval)  # minibatch orders: the first n_tune tune, the other n_eval report

ledger = Ledger("refined-schedules", scale=SCALE, seed=SEED)
ledger.claim("C1", "With tuned peak LRs, linear decay's final objective is <= 1.02 x min(cosine, inverse-sqrt) "
             "and strictly below constant and step decay, in every evaluation run.",
             paper="linear decay best or tied with cosine on the logistic-regression suite and 10 DL problems",
             expected=REPRODUCED)
ledger.claim("C2", "Refinement of constant norms is exactly linear decay (< 1e-12); refinement of the observed "
             "norms has a warm-up (argmax > 0.02 T) and ends below 0.05.",
             paper="linear decay optimal for constant norms; refined schedules show warm-up and fast annealing",
             expected=REPRODUCED)
ledger.claim("C3a", "The re-tuned refined schedule's final objective is <= 1.02 x linear decay's in every "
             "evaluation run (weak form).",
             paper="refined schedules at least match linear decay", expected=REPRODUCED)
ledger.claim("C3b", "The refined schedule is strictly better than linear decay: mean paired L_lin - L_refined > 0 "
             "with a 95% bootstrap CI excluding 0 (the paper's claim).",
             paper="refinement gives further improvements on most problems", expected=NOT_REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | problems | 10 deep-learning problems, LLMs, a suite of multi-class logistic-regression problems | softmax regression on sklearn digits (1797 x 64, standardised, bias), 10% noisy labels, $\lambda=10^{-3}$; clean-label contrast with $\lambda=10^{-4}$ | same |
# | optimiser | SGD and Adam-type methods, per problem | SGD, batch 16, $W_0=0$; Adam for the $\ell_1$ form | same |
# | steps | problem-dependent | $T=1000$ (about 9 epochs) | $T=10{,}000$ |
# | peak-LR grid | per problem | SGD $2^{-5},\dots,2^{3}$; Adam $2^{-10},\dots,2^{-3}$ (factor 2) | SGD $2^{-7},\dots,2^{4}$, Adam $2^{-12},\dots,2^{-2}$ (factor $\sqrt2$) |
# | runs | several seeds | tune on 2 minibatch orders, report 5 others | tune on 3, report 10 |
# | refinement | median filter, then Alg. 1 | $\tau=0.05T=50$ steps | $\tau=0.05T=500$ steps |

# %% [markdown]
# ## Method
#
# **Problem.** Minimise $f(W)=\frac1N\sum_i \ell_{\rm CE}(W^\top x_i, y_i)+\frac\lambda2\|W\|_F^2$ over
# $W\in\mathbb R^{65\times10}$, where $x_i$ are the standardised pixels plus a constant 1 and 10% of the labels
# $y_i$ were redrawn uniformly at random (a fixed draw, part of the dataset). The noisy labels and the L2 term give
# $f$ a unique minimiser, so the stochastic gradient norms settle at the noise level instead of shrinking to zero,
# as on real-world logistic problems; its value $f^\star$ is computed with L-BFGS (gradient below $10^{-8}$), and
# we report the suboptimality $f(W_T)-f^\star$ of the last iterate next to $f(W_T)$.
#
# **SGD with a schedule.** $W_{t+1}=W_t-\eta\,m_t\,g_t$, with $g_t$ the gradient of $f$ on a minibatch of 16
# (reshuffled every epoch), $\eta$ the tuned peak learning rate and $m_t$ the schedule's multiplier
# (`lib.schedules`, peak 1): constant; step ($\times0.1$ at 50% and 75% of the run); inverse-sqrt
# $1/\sqrt{1+t/10}$; cosine $\tfrac12(1+\cos\pi t/(T-1))$; linear $(T-1-t)/(T-1)$, i.e. $1-t/T$ up to the index
# convention, reaching 0 at the last step.
#
# **The last-iterate bound.** For convex $f$ and steps $x_{t+1}=x_t-w_tg_t$, $t=0,\dots,T-1$, the paper's main
# theorem bounds $\mathbb E f(x_T)-f^\star$ by the expectation of
# $\frac{1}{2\sum_t w_t}\big(D^2+\sum_t w_t^2\|g_t\|^2\big)+\frac12\sum_{k=0}^{T-2}\frac{w_k}{\sum_{t>k}w_t}\,
# \frac{1}{\sum_{t\ge k}w_t}\sum_{t\ge k}w_t^2\|g_t\|^2$, with $D=\|x_0-x^\star\|$. We could read the paper's
# abstract and the authors' code but not the full text, so we give no equation numbers; the bound is written here
# as the authors' `find_schedule.py` evaluates it. For equal norms the paper finds linear decay optimal (abstract:
# "the optimal choice is the linear decay schedule"); the refinement below is its choice for observed norms.
#
# **Refinement (the paper's Alg. 1, SGD form).** Given the norms $\|g_t\|$ of a previous run: smooth them with a
# running median of width $\tau$, then set
#
# $$w_t=\|g_t\|^{-2}\sum_{p=t+1}^{T-1}\|g_p\|^{-2},\qquad m_t=w_t/\max_s w_s ,$$
#
# and tune the peak $\eta$ again. Constant norms give $w_t\propto T-1-t$, exactly linear decay. Large early norms
# make the first factor small (a warm-up); the sum over the remaining steps makes the tail fall to 0 faster where
# late norms are small. For Adam-like methods the paper uses the $\ell_1$ norm and power 1,
# $w_t=\|g_t\|_1^{-1}\sum_{p>t}\|g_p\|_1^{-1}$. Both are `lib.schedules.refine(norms, tau, power)`; its unit tests
# check the brute-force sum and the constant-norm case.
#
# **Protocol.** For every schedule and every peak learning rate on the grid we train on the 2 tuning minibatch
# orders and on the 5 evaluation orders (all schedules see the same orders). A schedule's peak is the one with the
# lowest mean final objective on the tuning orders; we report the final objective at that peak on the evaluation
# orders. The refined schedule is computed from the per-step stochastic gradient norms of the tuned linear-decay
# run on the first tuning order, the "previous run", and then tuned on the same grid in the same way.

# %%
@dataclass(frozen=True)
class Problem:
    """Softmax regression: features X (N x d, with a bias column), labels y, L2 weight lam."""

    X: torch.Tensor
    y: torch.Tensor
    lam: float


def digits_problem(label_noise: float, lam: float) -> Problem:
    """Standardised sklearn digits plus a bias column; a fraction label_noise of labels redrawn uniformly."""
    d = load_digits()
    sd = d.data.std(0)
    X = np.hstack([(d.data - d.data.mean(0)) / np.where(sd > 0, sd, 1.0), np.ones((len(d.data), 1))])
    y = d.target.copy()
    rng = np.random.default_rng(5)  # the spec's fixed draw: which labels are noisy is part of the dataset
    redraw = rng.random(len(y)) < label_noise
    y[redraw] = rng.integers(0, 10, redraw.sum())
    return Problem(torch.tensor(X), torch.tensor(y), lam)


def objective(p: Problem, W: torch.Tensor) -> torch.Tensor:
    """Full-batch f(W) = mean cross-entropy + lam/2 ||W||^2 for a batch of weight matrices W (..., d, 10)."""
    ce = -(torch.log_softmax(p.X @ W, -1).gather(-1, p.y[:, None].expand(*W.shape[:-2], -1, 1))).mean((-2, -1))
    return ce + 0.5 * p.lam * W.pow(2).sum((-2, -1))


def optimum(p: Problem) -> float:
    """f* by L-BFGS in float64 (the problem is strongly convex)."""
    def f_and_grad(w):
        W = torch.tensor(w.reshape(p.X.shape[1], 10), requires_grad=True)
        f = objective(p, W)
        f.backward()
        return f.item(), W.grad.numpy().ravel()
    res = scipy.optimize.minimize(f_and_grad, np.zeros(p.X.shape[1] * 10), jac=True, method="L-BFGS-B",
                                  options=dict(maxiter=10_000, gtol=1e-10, ftol=1e-15))
    assert np.abs(res.jac).max() < 1e-8, "L-BFGS did not reach the optimum"
    return float(res.fun)


def minibatch_orders(seed_ids, T: int, n: int) -> torch.Tensor:
    """Sample indices (S, T, BATCH): one random reshuffling per epoch, one generator per seed."""
    out = []
    for s in seed_ids:
        rng = np.random.default_rng(s)
        order = np.concatenate([rng.permutation(n) for _ in range(T * BATCH // n + 1)])
        out.append(order[:T * BATCH].reshape(T, BATCH))
    return torch.tensor(np.stack(out))


def train(p: Problem, lr: torch.Tensor, orders: torch.Tensor, method: str = "sgd"):
    """Run every learning-rate sequence lr (C, T) on every minibatch order (S, T, B), all C x S runs at once.

    Returns f at the last iterate (C, S) and the per-step stochastic gradient norms (C, S, T): l2 norms for SGD,
    l1 norms for Adam, the norm that each form of the refinement uses.
    """
    C, T = lr.shape
    Y = F.one_hot(p.y, 10).to(p.X.dtype)
    W = p.X.new_zeros(C, orders.shape[0], p.X.shape[1], 10)  # W_0 = 0
    m, v = torch.zeros_like(W), torch.zeros_like(W)  # Adam moments
    norms = p.X.new_empty(C, orders.shape[0], T)
    for t in range(T):
        xb, yb = p.X[orders[:, t]], Y[orders[:, t]]  # (S, B, d): the same minibatch for every config
        z = xb @ W
        z = (z - z.amax(-1, keepdim=True)).clamp_min(-700.0)  # avoids subnormal floats; changes p by < 1e-300
        g = xb.transpose(-1, -2) @ (torch.softmax(z, -1) - yb) / xb.shape[-2] + p.lam * W  # minibatch gradient
        if method == "sgd":
            norms[..., t] = g.pow(2).sum((-2, -1)).sqrt()
            step = g  # W_{t+1} = W_t - eta m_t g_t
        else:  # Adam (beta1 = 0.9, beta2 = 0.999, eps = 1e-8), the L2 term inside the gradient
            norms[..., t] = g.abs().sum((-2, -1))
            m.mul_(0.9).add_(g, alpha=0.1)
            v.mul_(0.999).addcmul_(g, g, value=0.001)
            step = (m / (1 - 0.9 ** (t + 1))) / ((v / (1 - 0.999 ** (t + 1))).sqrt() + 1e-8)
        W = W - lr[:, t, None, None, None] * step
    return objective(p, W), norms


@dataclass
class Sweep:
    """Every schedule at every peak LR on every minibatch order; tuned on the first n_tune orders."""

    names: list
    shapes: np.ndarray  # (n_sched, T) multipliers, peak 1
    grid: np.ndarray  # peak learning rates
    loss: np.ndarray  # (n_sched, n_lr, n_orders) final objective
    norms: np.ndarray  # (n_sched, n_lr, n_orders, T)
    n_tune: int  # the first n_tune orders tune the peak, the others report

    @property
    def best(self) -> np.ndarray:
        """Index of each schedule's tuned peak: lowest mean final objective over the tuning orders."""
        return self.loss[:, :, :self.n_tune].mean(-1).argmin(1)

    def tuned_peak(self, name: str) -> float:
        """The schedule's tuned peak learning rate."""
        return float(self.grid[self.best[self.names.index(name)]])

    def tuned(self, name: str) -> np.ndarray:
        """Final objective on the evaluation orders at the schedule's tuned peak."""
        i = self.names.index(name)
        return self.loss[i, self.best[i], self.n_tune:]

    def previous_run_norms(self, name: str) -> np.ndarray:
        """Gradient norms of the tuned run of `name` on the first tuning order (the refinement's input)."""
        i = self.names.index(name)
        return self.norms[i, self.best[i], 0]


def sweep(p: Problem, schedules: dict, grid, orders, method: str = "sgd") -> Sweep:
    """Train every schedule (name -> multipliers) at every peak on the grid, on every order."""
    shapes, grid = np.stack(list(schedules.values())), np.asarray(grid)
    lr = torch.tensor(grid[None, :, None] * shapes[:, None, :]).reshape(-1, shapes.shape[1])
    loss, norms = train(p, lr, orders, method)
    k, n = shapes.shape[0], len(grid)
    return Sweep(list(schedules), shapes, grid, loss.reshape(k, n, -1).numpy(),
                 norms.reshape(k, n, *norms.shape[1:]).numpy(), cfg.n_tune)


# %% [markdown]
# ## Experiment
#
# ### Five fixed schedules, then the refined one
#
# First the five fixed schedules, each at every grid peak, on all minibatch orders at once (float64).

# %%
T = cfg.T
tau = round(TAU_FRAC * T)
noisy = digits_problem(NOISE, LAM)
f_star = optimum(noisy)
orders = minibatch_orders(seeds, T, len(noisy.y))
FIXED = {"constant": S.constant(T), "step": S.step(T), "inverse sqrt": S.inverse_sqrt(T),
         "cosine": S.cosine(T), "linear": S.linear(T)}
fixed = sweep(noisy, FIXED, cfg.sgd_grid, orders)

# %% [markdown]
# Then the refinement. Besides `lib.schedules.refine` with the spec's width $\tau=0.05T$ (a centred running median,
# windows truncated at the ends), we also build the schedule the way the authors' released code smooths the norms:
# an odd window of 10% of the run, the first value repeated before the start and the sequence mirrored after the
# end. The two differ only in how the first and last few dozen steps are smoothed and in the width; comparing them
# shows whether that choice matters here.

# %%
def authors_median_filter(g: np.ndarray, frac: float = 0.1) -> np.ndarray:
    """Running median of odd width ~frac*T, edge-repeated at the start and mirrored at the end (authors' code)."""
    width = 2 * (int(frac * len(g)) // 2) + 1
    tail = 2 * width
    padded = np.pad(g, (0, tail), mode="reflect")
    return scipy.ndimage.median_filter(padded, size=width, mode="nearest")[:-tail]


g_prev = fixed.previous_run_norms("linear")  # per-step ||g_t||, tuned linear-decay run, first tuning order
REFINED = {"refined": S.refine(g_prev, tau=tau, power=2),  # Alg. 1: median filter, w_t = g_t^-2 sum_{p>t} g_p^-2
           "refined (authors' filter)": S.refine(authors_median_filter(g_prev), tau=1, power=2)}
refined = sweep(noisy, REFINED, cfg.sgd_grid, orders)
const_check = float(np.abs(S.refine(np.full(T, 3.7), tau=tau) - S.linear(T)).max())  # C2: constant norms

# %%
NAMES = list(FIXED) + list(REFINED)
STYLE = {"constant": dict(color=plot.COLORS["reference"]), "step": dict(color=plot.PALETTE[4]),
         "inverse sqrt": dict(color=plot.PALETTE[5]), "cosine": dict(color=plot.PALETTE[2]),
         "linear": dict(color=plot.COLORS["baseline"], lw=2.5), "refined": dict(color=plot.COLORS["method"], lw=2.5),
         "refined (authors' filter)": dict(color=plot.COLORS["method"], ls="--")}
shapes = {**FIXED, **REFINED}
t_frac = np.arange(T) / T

fig, (ax, ax_g) = plt.subplots(1, 2, figsize=plot.figsize(aspect=0.45), width_ratios=(2.2, 1))
for name in NAMES:
    ax.plot(t_frac, shapes[name], label=name, **STYLE[name])
ax.set(xlabel="fraction of training $t/T$", ylabel="multiplier $m_t$ (peak 1)", title="The schedules")
ax_g.plot(t_frac, g_prev, color="0.75", lw=0.5, label="per step")
ax_g.plot(t_frac, S.median_filter(g_prev, tau), color=plot.COLORS["method"], lw=2, label=f"median, width {tau}")
ax_g.set(ylim=(0, np.quantile(g_prev, 0.99)), xlabel="fraction of training $t/T$",
         ylabel=r"$\|g_t\|$ (minibatch)", title="Norms of the previous run")
ax_g.legend(fontsize="x-small")
fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=4, fontsize="small")
fig.suptitle("Refinement of a linear-decay run (mirrors the paper's refined-schedule figure)")
plot.show(fig)

# %%
def ratio_gap(a, b):
    """(f_a - f*) / (f_b - f*): how much larger a's suboptimality is than b's."""
    return (a - f_star) / (b - f_star)


sweep_of = {name: fixed if name in FIXED else refined for name in NAMES}
L = {name: sweep_of[name].tuned(name) for name in NAMES}
peaks = {name: sweep_of[name].tuned_peak(name) for name in NAMES}
w = REFINED["refined"]
table = pd.DataFrame({"tuned peak LR": [peaks[n] for n in NAMES],
                      "final f, mean": [L[n].mean() for n in NAMES],
                      "f - f*, mean": [L[n].mean() - f_star for n in NAMES],
                      "f - f*, sd": [(L[n] - f_star).std(ddof=1) for n in NAMES],
                      "(f - f*) / linear's": [ratio_gap(L[n], L["linear"]).mean() for n in NAMES]}, index=NAMES)
display(table.round(5))

# %% [markdown]
# The minibatch gradient norms of the previous run (right panel) are dominated by the noise of the labels: at the
# start the smoothed norm is only {glue:text}`rfs_drop:.2f`x its median over the second half of the run. So the
# refined schedule stays close to linear decay: it starts at {glue:text}`rfs_w0:.2f` of its peak, reaches the peak at
# $t/T=$ {glue:text}`rfs_argmax:.2f` and falls to zero, with wiggles that are the run's noise passed through
# $\|g_t\|^{-2}$ (where exactly the peak falls changes from run to run). The optimum of this problem is
# $f^\star=$ {glue:text}`rfs_fstar:.4f`. With tuned peaks, linear decay ends at $f-f^\star=$
# {glue:text}`rfs_gap_lin:.4f` on average over the evaluation orders, cosine at {glue:text}`rfs_gap_cos:.4f`,
# constant at {glue:text}`rfs_gap_const:.4f`, and the refined schedule at {glue:text}`rfs_gap_ref:.4f`, i.e.
# {glue:text}`rfs_ratio_ref:.2f`x linear decay's suboptimality (the version with the authors' filter:
# {glue:text}`rfs_ratio_auth:.2f`x).

# %%
def norm_drop(g: np.ndarray) -> float:
    """Smoothed gradient norm at the start over its median in the second half of the run."""
    smooth = S.median_filter(g, tau)
    return float(smooth[0] / np.median(smooth[len(g) // 2:]))


glue("rfs_drop", norm_drop(g_prev), display=False)
glue("rfs_w0", float(w[0]), display=False)
glue("rfs_argmax", float(w.argmax() / T), display=False)
glue("rfs_fstar", f_star, display=False)
for key, name in [("lin", "linear"), ("cos", "cosine"), ("const", "constant"), ("ref", "refined")]:
    glue(f"rfs_gap_{key}", float(L[name].mean() - f_star), display=False)
glue("rfs_ratio_ref", float(ratio_gap(L["refined"], L["linear"]).mean()), display=False)
margin_in_gaps = 1 + (MARGIN - 1) * L["linear"].mean() / (L["linear"].mean() - f_star)  # 2% of f, in units of f - f*
glue("rfs_margin_sub", float(margin_in_gaps), display=False)
glue("rfs_ratio_auth", float(ratio_gap(L["refined (authors' filter)"], L["linear"]).mean()), display=False)

fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.45))
gaps = np.stack([L[n] - f_star for n in NAMES])
ax.bar(range(len(NAMES)), gaps.mean(1), yerr=gaps.std(1, ddof=1), capsize=3,
       color=[STYLE[n]["color"] for n in NAMES], hatch=None)
ax.set_xticks(range(len(NAMES)), [n.replace(" (", "\n(") for n in NAMES], fontsize="small")
ax.set(ylabel=r"$f(W_T)-f^\star$ at the tuned peak",
       title="Tuned last-iterate suboptimality, mean $\\pm$ sd over evaluation orders (mirrors the comparison table)")
plot.show(fig)

# %% [markdown]
# The ranking follows the paper: linear decay and cosine at the front, the inverse-sqrt schedule further back, and
# constant and step decay (which never anneal to zero) far behind. The refined schedule lands next to linear
# decay; whether it is below it is the strict test C3b. The tuning curves show why small differences between the
# best schedules are hard to resolve: each curve is flat near its optimum, and the factor-2 grid decides which point
# of it a schedule gets.

# %%
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.55))
for name in NAMES:
    sw = sweep_of[name]
    i = sw.names.index(name)
    curve = sw.loss[i, :, sw.n_tune:] - f_star
    plot.mean_band(ax, sw.grid, curve.T, label=name, **STYLE[name])
    ax.plot(sw.grid[sw.best[i]], curve[sw.best[i]].mean(), "o", color=STYLE[name]["color"], ms=6)
ax.set(xscale="log", yscale="log", xlabel=r"peak learning rate $\eta$", ylabel=r"$f(W_T)-f^\star$",
       title="Tuning sensitivity: final suboptimality vs peak LR (dot: the tuned peak)")
ax.set_xscale("log", base=2)
ax.legend(fontsize="small", ncols=2)
plot.show(fig)

# %% [markdown]
# ### Cheaper places to look for the refinement gain
#
# Two settings where the refinement could matter more: the **Adam form** ($\ell_1$ norms, power 1) on the same
# problem, where Adam's per-coordinate steps make the raw gradient norm a different signal; and the
# **separable contrast** (clean labels, $\lambda=10^{-4}$), where the model can almost fit every label and the
# gradient norms keep shrinking through the run. Each repeats the protocol for linear decay and its refinement only.
# For the two SGD settings we also evaluate the SGD bound (above) for the refined and the linear schedule, each at
# its best scale, on the smoothed norms of the previous run: the ratio of the two is the improvement the theory
# predicts if the norms did not change when the schedule does. (We do not have the paper's Adam bound, so the Adam
# setting gets no prediction.)

# %%
def bound_at_best_scale(w: np.ndarray, G: np.ndarray) -> float:
    """The last-iterate bound for weights c*w and norms G, minimised over c, divided by D (trailing zeros dropped)."""
    n = len(w) - np.argmax(w[::-1] > 0)  # steps after the last positive weight do not move the iterate
    w, G2 = w[:n], G[:n] ** 2
    tail_w = np.cumsum(w[::-1])[::-1]  # sum_{t >= k} w_t
    tail_wg = np.cumsum((w ** 2 * G2)[::-1])[::-1]  # sum_{t >= k} w_t^2 G_t^2
    a = 1 / (2 * w.sum())  # coefficient of D^2 (scales as 1/c)
    b = a * (w ** 2 * G2).sum() + 0.5 * (w[:-1] / tail_w[1:] / tail_w[:-1] * tail_wg[:-1]).sum()  # scales as c
    return 2 * np.sqrt(a * b)


SGD_NOISY, ADAM_NOISY, SGD_CLEAN = "SGD, noisy labels", "Adam (l1 form), noisy labels", "SGD, clean labels"
settings = {SGD_NOISY: (f_star, fixed.tuned("linear"), L["refined"], g_prev, REFINED["refined"])}

adam_lin = sweep(noisy, {"linear": S.linear(T)}, cfg.adam_grid, orders, method="adam")
g_adam = adam_lin.previous_run_norms("linear")  # l1 norms of the minibatch gradients
w_adam = S.refine(g_adam, tau=tau, power=1)  # Adam form: w_t = |g_t|_1^-1 sum_{p>t} |g_p|_1^-1
adam_ref = sweep(noisy, {"refined": w_adam}, cfg.adam_grid, orders, method="adam")
settings[ADAM_NOISY] = (f_star, adam_lin.tuned("linear"), adam_ref.tuned("refined"), g_adam, w_adam)

clean = digits_problem(0.0, SEP_LAM)
f_star_clean = optimum(clean)
sep_lin = sweep(clean, {"linear": S.linear(T)}, cfg.sgd_grid, orders)
g_sep = sep_lin.previous_run_norms("linear")
w_sep = S.refine(g_sep, tau=tau, power=2)
sep_ref = sweep(clean, {"refined": w_sep}, cfg.sgd_grid, orders)
settings[SGD_CLEAN] = (f_star_clean, sep_lin.tuned("linear"), sep_ref.tuned("refined"), g_sep, w_sep)

rows = {}
for label, (fs, l_lin_s, l_ref_s, g_s, w_s) in settings.items():
    g_smooth = S.median_filter(g_s, tau)
    rows[label] = {"norm drop (start / late median)": norm_drop(g_s), "refined argmax t/T": w_s.argmax() / T,
                   "refined m_0": w_s[0], "linear f - f*": (l_lin_s - fs).mean(),
                   "refined f - f*": (l_ref_s - fs).mean(),
                   "observed ratio (f - f*)": ((l_ref_s - fs) / (l_lin_s - fs)).mean(),
                   "bound ratio (predicted)": np.nan if label == ADAM_NOISY else
                   bound_at_best_scale(w_s, g_smooth) / bound_at_best_scale(S.linear(T), g_smooth)}
contrast = pd.DataFrame(rows).T
display(contrast.round(4))

# %%
fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=1.0))
colors = dict(zip(settings, (plot.COLORS["method"], plot.PALETTE[3], plot.PALETTE[6])))
for j, (label, (fs, l_lin_s, l_ref_s, _, w_s)) in enumerate(settings.items()):
    axes[0].plot(t_frac, w_s, color=colors[label], label=label)
    axes[1].scatter(np.full(len(l_ref_s), j), (l_ref_s - fs) / (l_lin_s - fs), color=colors[label], s=30, zorder=3)
    if label != ADAM_NOISY:
        axes[1].plot([j - 0.3, j + 0.3], [contrast.loc[label, "bound ratio (predicted)"]] * 2, color="k", lw=2,
                     label="the SGD bound's prediction" if j == 0 else None)
axes[0].plot(t_frac, S.linear(T), color=plot.COLORS["baseline"], ls=":", label="linear decay")
axes[0].set(xlabel="fraction of training $t/T$", ylabel="multiplier $m_t$", title="Refined schedules")
axes[1].axhline(1, color=plot.COLORS["reference"], ls="--", lw=1)
axes[1].set_xticks(range(len(settings)), ["SGD\nnoisy", "Adam\nnoisy", "SGD\nclean"])
axes[1].set(ylim=(0, None), ylabel=r"$f-f^\star$: refined / linear",
            title="Per run (below 1: refined wins)")
handles = axes[0].get_legend_handles_labels()[0] + axes[1].get_legend_handles_labels()[0]
fig.legend(handles, [h.get_label() for h in handles], loc="outside lower center", ncols=3, fontsize="small")
fig.suptitle("Refinement in three settings, against the bound's prediction")
plot.show(fig)

# %% [markdown]
# With Adam the picture repeats: the $\ell_1$ norms drop by a factor {glue:text}`rfs_adam_drop:.2f` only, the
# refined schedule is a mild warm-up followed by near-linear decay, and it ends at {glue:text}`rfs_adam_ratio:.2f`x
# linear decay's suboptimality. On the clean-label problem the norms of the previous run fall by a factor
# {glue:text}`rfs_sep_drop:.1f`, so the refinement becomes a long warm-up that peaks at $t/T=$
# {glue:text}`rfs_sep_argmax:.2f`, and it ends at {glue:text}`rfs_sep_ratio:.2f`x linear decay's suboptimality. This
# is the degenerate case: a schedule built from one run's norms changes the run that produced them, and the small
# early steps waste a large part of the budget. The bound, evaluated on the previous run's smoothed norms, rates
# the refined schedule at {glue:text}`rfs_bound_noisy:.3f`x linear decay's bound on the noisy problem (a small
# predicted gain, because the norms hardly change) and at {glue:text}`rfs_bound_sep:.2f`x on the clean one (a large
# one); the realised ratios are the ones above, {glue:text}`rfs_ratio_ref:.2f`x and {glue:text}`rfs_sep_ratio:.2f`x.
# The bound takes the norms as given, but a different schedule produces different norms, and it is an upper bound
# for the worst convex problem with these norms, not a prediction for this one.

# %%
glue("rfs_adam_drop", float(contrast.loc[ADAM_NOISY, "norm drop (start / late median)"]), display=False)
glue("rfs_adam_ratio", float(contrast.loc[ADAM_NOISY, "observed ratio (f - f*)"]), display=False)
glue("rfs_sep_drop", float(contrast.loc[SGD_CLEAN, "norm drop (start / late median)"]), display=False)
glue("rfs_sep_argmax", float(contrast.loc[SGD_CLEAN, "refined argmax t/T"]), display=False)
glue("rfs_sep_ratio", float(contrast.loc[SGD_CLEAN, "observed ratio (f - f*)"]), display=False)
glue("rfs_bound_noisy", float(contrast.loc[SGD_NOISY, "bound ratio (predicted)"]), display=False)
glue("rfs_bound_sep", float(contrast.loc[SGD_CLEAN, "bound ratio (predicted)"]), display=False)

# %% [markdown]
# ## Verdict

# %%
l_lin, l_cos, l_inv = L["linear"], L["cosine"], L["inverse sqrt"]
c1_margin = l_lin <= MARGIN * np.minimum(l_cos, l_inv)
c1_strict = (l_lin < L["constant"]) & (l_lin < L["step"])
d_const = paired_bootstrap_ci(l_lin, L["constant"], seed=SEED)
per_run = ", ".join(f"{r:.4f}" for r in l_lin / np.minimum(l_cos, l_inv))
ledger.check("C1", measured=mean_ci(100 * (l_lin / np.minimum(l_cos, l_inv) - 1)),
             test="every evaluation run: L_lin <= 1.02 min(L_cos, L_invsqrt), L_lin < L_const, L_lin < L_step; "
                  "paired bootstrap CI of L_lin - L_const below 0 (measured: L_lin over min(L_cos, L_invsqrt), "
                  "excess in %)",
             holds=bool(c1_margin.all() and c1_strict.all() and d_const.hi < 0),
             note=f"L_lin/min(L_cos, L_invsqrt) per run: {per_run}; L_lin - L_const: {d_const}; "
                  f"(f-f*) linear/cosine: {ratio_gap(l_lin, l_cos).mean():.3f}")

ledger.check("C2", measured=f"|refine(const) - linear|_max = {const_check:.1e}; argmax/T = {w.argmax() / T:.3f}; "
                            f"m_(T-1) = {w[-1]:.3f}",
             test="|refine(constant norms) - linear|_max < 1e-12; observed norms: argmax(w)/T > 0.02 and "
                  "w_(T-1) < 0.05",
             holds=bool(const_check < 1e-12 and w.argmax() / T > 0.02 and w[-1] < 0.05),
             note=f"start m_0 = {w[0]:.2f}; the peak's position is set by noise in one run's norms; "
                  "w_(T-1) = 0 holds by construction (empty tail sum), so the warm-up is the informative part")

l_ref = L["refined"]
ledger.check("C3a", measured=mean_ci(100 * (l_ref / l_lin - 1)),
             test="every evaluation run: L_refined <= 1.02 L_lin (measured: L_refined over L_lin, excess in %)",
             holds=bool(np.all(l_ref <= MARGIN * l_lin)),
             note=f"suboptimality ratio (f-f*) refined/linear: {ratio_gap(l_ref, l_lin).mean():.3f}")
d_ref = paired_bootstrap_ci(l_lin, l_ref, seed=SEED)
ledger.check("C3b", measured=d_ref, test="mean of L_lin - L_refined > 0 and its paired bootstrap 95% CI excludes 0",
             holds=bool(d_ref.mean > 0 and d_ref.lo > 0),
             note="(f-f*) refined/linear: {:.3f}; authors' filter {:.3f}; Adam l1 form {:.3f}; clean labels {:.2f}"
                  .format(ratio_gap(l_ref, l_lin).mean(), ratio_gap(L["refined (authors' filter)"], l_lin).mean(),
                          contrast.loc[ADAM_NOISY, "observed ratio (f - f*)"],
                          contrast.loc[SGD_CLEAN, "observed ratio (f - f*)"]))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **One problem instead of a suite.** The paper compares schedules on many logistic-regression datasets, ten
#   deep-learning problems and LLMs; we use one convex problem, at both scales. It is small enough to tune every
#   schedule on a grid and compute the exact optimum, but a single problem cannot show "improves on most problems".
# - **Margins.** The spec's 2% margins are on the objective $f$. Here $f^\star=$ {glue:text}`rfs_fstar:.3f` and
#   linear decay stops {glue:text}`rfs_gap_lin:.3f` above it, so "within 2% of $f$" allows up to
#   {glue:text}`rfs_margin_sub:.1f`x linear decay's *suboptimality*. We keep the
#   spec's tests and print the suboptimality ratios next to them; the strict test C3b does not depend on this
#   choice (a difference of $f$ is a difference of $f-f^\star$).
# - **Learning-rate grid.** The spec's grid was $\{0.1, 0.2, 0.5, 1, 2, 4, 8\}$. On it the constant schedule's best
#   peak was the smallest value, 0.1, i.e. the tuning was cut off at the edge of the grid, which would make C1's
#   "strictly below constant" unfair to the constant schedule. We use powers of two from $2^{-5}$ to $2^3$ instead
#   (same top, finer at the bottom), so every schedule's tuned peak lies inside the grid. We made this change after
#   a first run showed the peak on the edge; C1 held on both grids, and extending the grid downwards can only help
#   the constant schedule, so it makes C1 harder, not easier.
# - **One draw of the noisy labels.** Which 10% of labels are redrawn is fixed (the spec's draw, made before any
#   result) and is part of the dataset; `SEED` controls the minibatch orders, so C3b's verdict is about this one
#   problem. While reviewing the chapter we also drew the noisy labels from `SEED` once, for seeds 0-2: on the draw
#   of seed 1 the refined schedule *was* significantly better than linear decay (by 0.0027 in the objective, about
#   0.4%, 95% interval [0.0004, 0.0049]); on the other two it was not. So at our scale the refinement gain is small and
#   problem-dependent, in line with the paper's "on many problems" rather than "always"; a suite of problems would
#   be needed to say how often it wins.
# - **Tuning and reporting.** Peaks are tuned on 2 minibatch orders and the results reported on 5 others, so the
#   minimum over the grid does not flatter any schedule. The refined schedule uses the norms of one run (the first
#   tuning order), as a practitioner would; with another run's norms the refined shape changes visibly (the
#   position of its peak, printed in C2's row, moves from seed to seed).
# - **Refinement details.** `lib.schedules.refine` matches the paper's formula and the authors' released
#   `find_closed_form_schedule` (same index range $p>t$, last weight 0, normalised to peak 1). Its median filter is a
#   centred window truncated at the ends with the width given in steps; the authors' code uses an odd window of
#   1001 points on norms first interpolated to 10,000 points (10% of any run of up to 10,000 steps) and pads the
#   ends (first value repeated, end mirrored). The variant with the authors' filter is shown above and does not
#   change the conclusion. We could not read the paper's full text (only its abstract and the
#   authors' code), so the names "Alg. 1" and the smoothing width $\tau=0.05T$ follow the spec, not the paper.
# - **Adam form.** We apply the $\ell_1$ refinement to the norms of the raw minibatch gradient of an Adam run; we
#   could not confirm from the text whether the paper uses the gradient or another quantity there.
# - **Not run.** The spec's `paper` scale also listed more logistic problems, a CNN and a tiny transformer with
#   AdamW; the `paper` setting here only scales the same problem up (10x the steps, finer grid, more runs).
