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
# # Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real and Synthetic Data
#
# **Matthias Gerstgrasser, Rylan Schaeffer, Apratim Dey, Rafael Rafailov, Henry Sleight, John Hughes, Tomasz Korbak,
# Rajashree Agrawal, Dhruv Pai, Andrey Gromov, Daniel A. Roberts, Diyi Yang, David L. Donoho, Sanmi Koyejo** ·
# *COLM 2024* · [arXiv:2404.01413](https://arxiv.org/abs/2404.01413) · {cite}`gerstgrasser2024collapse`
#
# When a generative model is trained on samples from its predecessor, and that model on samples from *its*
# predecessor, does quality decay without end ("model collapse")? Earlier studies said yes, but they *replaced* the
# training data with the newest synthetic batch each round. This paper asks what happens when synthetic data instead
# *accumulates* next to the original real data, which is closer to how web corpora grow. Language models pretrained
# on TinyStories (Fig. 2) degrade round after round under replacement and stay roughly level under accumulation;
# diffusion models on molecules and VAEs on images show the same contrast. The paper explains this with a
# linear-regression model (§4): with replacement
# the test error grows linearly in the number of rounds, while with accumulation it stays below a constant
# ($\pi^2/6$ times the error of the first fit).
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** Linear regression, *replace*: the test error grows linearly in the iteration $i$, as
# $\sigma^2 d/(T-d-1)\cdot i$ (§4, the replacement result of Dohmatob et al. that the paper restates).
#
# **C2.** Linear regression, *accumulate*: the test error equals $\sigma^2 d/(T-d-1)\sum_{k\le i}1/k^2$, so it
# never exceeds $\pi^2/6$ times the error of the first fit (§4, the accumulation theorem).
#
# **C3.** Language models retrained on their own samples: the real-data test cross-entropy climbs generation after
# generation under *replace* and stays nearly flat under *accumulate* (Fig. 2, TinyStories). Our test, after 8
# generations: the rise under replace is at least 3 times the rise under accumulate and more than 0.3 nats.
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from myst_nb import glue

from lib import plot
from lib.claims import Ledger, REPRODUCED
from lib.config import scale_config
from lib.seeding import seed_everything, seed_list
from lib.stats import fit_line, mean_ci

plot.use_style()
seed_everything(SEED)
cfg = scale_config(
    SCALE,
    ci=dict(n_seeds=5, d=20, T=100, sigma=1.0, iters=10, reps=100,  # Part A: linear regression
            vocab=12, n_chains=60, chain_len=100, n_test_chains=200, generations=8, steps=150),  # Part B
    paper=dict(n_seeds=10, d=20, T=100, sigma=1.0, iters=20, reps=1000,
               vocab=12, n_chains=200, chain_len=100, n_test_chains=1000, generations=10, steps=300),
)
seeds = seed_list(SEED, cfg.n_seeds)
LANGUAGE_SEED = 999  # fixes the synthetic "real world" (the language), like a dataset; not a replicate seed


def generator(seed: int, part: int) -> torch.Generator:
    """An independent torch random stream for replicate `seed` and experiment `part` (0: Part A, 1: Part B)."""
    return torch.Generator().manual_seed(int(np.random.SeedSequence([seed, part]).generate_state(1)[0]))


ledger = Ledger("model-collapse-accumulate", scale=SCALE, seed=SEED)
ledger.claim("C1", "Linear regression with replaced data: test error grows linearly, slope sigma^2 d/(T-d-1).",
             paper="slope sigma^2 d/(T-d-1) per iteration, 0.253 at d=20, T=100 (§4)", expected=REPRODUCED)
ledger.claim("C2", "Linear regression with accumulated data: test error follows sigma^2 d/(T-d-1) sum_k 1/k^2 "
             "and stays below pi^2/6 times the first-fit error.",
             paper="E_i / E_1 = sum_{k<=i} 1/k^2 <= pi^2/6 = 1.64 (§4)", expected=REPRODUCED)
ledger.claim("C3", "LM retrained on its own samples: real-data test cross-entropy rises under replace and "
             "stays nearly flat under accumulate.",
             paper="Fig. 2 (TinyStories): replace rises every iteration, accumulate flat", expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | linear model | theorem (any $d$, $T\ge d+2$) | $d=20$, $T=100$, $\sigma=1$, 10 iterations, 100 repetitions x 5 seeds | same $d,T$; 20 iterations, 1000 repetitions x 10 seeds |
# | LM data | TinyStories (real), model samples (synthetic) | order-2 Markov language, $V=12$; real corpus 6,000 tokens, test 20,000 | real 20,000 tokens, test 100,000 |
# | LM | small GPT-2 / Llama-2 style transformers | context-2 softmax table LM (144 x 12 logits) | same, 300 Adam steps |
# | generations | 10 model-fitting iterations | 8 | 10 |
# | synthetic data per generation | as many tokens as the real corpus | 6,000 tokens (60 chains x 100) | 20,000 tokens |

# %% [markdown]
# ## Part A: the linear model of §4
#
# ### Method: relabelling a fixed design
#
# The paper uses the framework of Dohmatob et al.: a fixed design $X\in\mathbb{R}^{T\times d}$ with i.i.d.
# $\mathcal N(0, I_d)$ rows, true weights $w^\star$, and a chain of least-squares fits in which each model labels
# the same inputs for its successor:
#
# $$\tilde y_i = X\hat w_{i-1} + \varepsilon_i,\qquad \varepsilon_i\sim\mathcal N(0,\sigma^2 I_T),\qquad
# \hat w_0 = w^\star .$$
#
# The first labels $\tilde y_1$ are the real data. **Replace** fits iteration $i$ on $(X,\tilde y_i)$ alone;
# **accumulate** fits on all pairs $(X,\tilde y_1),\dots,(X,\tilde y_i)$ stacked. Test inputs are isotropic, so the
# test error is $E_i = \lVert \hat w_i - w^\star\rVert^2$. The results of §4 are
#
# $$E^{\text{replace}}_i = \frac{\sigma^2 d}{T-d-1}\, i, \qquad
# E^{\text{accumulate}}_i = \frac{\sigma^2 d}{T-d-1}\sum_{k=1}^{i}\frac{1}{k^2} \le \frac{\pi^2}{6}\,
# \frac{\sigma^2 d}{T-d-1}.$$
#
# Why $1/k^2$: because the inputs are the same in every round, the accumulated fit is the fit to the *average* label
# vector, and unrolling that average gives $\hat w_i - w^\star = (X^\top X)^{-1}X^\top\sum_{k\le i}\varepsilon_k/k$.
# Round $k$'s noise thus enters with weight $1/k$. Under replacement every round's noise keeps weight 1, so the
# errors add up. With $\mathbb E\,\mathrm{tr}(X^\top X)^{-1} = d/(T-d-1)$ both formulas are exact in expectation.
# The two settings differ in one line of the code below: which labels the next fit sees. They share inputs and
# noise draws (common random numbers), so their first fits are identical.

# %%
def linear_refit_chain(X, w_star, noise, accumulate: bool) -> torch.Tensor:
    """Test errors ||w_i - w*||^2 of i = 1..I successive least-squares fits (repetitions batched).

    X: (R, I, T, d) inputs of each iteration; noise: (R, I, T, 1); w_star: (R, d, 1)."""
    w, X_seen, y_seen, errors = w_star, [], [], []
    for i in range(noise.shape[1]):
        y = X[:, i] @ w + noise[:, i]  # labels from the previous model, w_0 = w* (real data)
        X_seen.append(X[:, i])
        y_seen.append(y)
        if accumulate:  # accumulate: fit on every labelled batch so far
            X_fit, y_fit = torch.cat(X_seen, dim=1), torch.cat(y_seen, dim=1)
        else:  # replace: fit on the newest batch only
            X_fit, y_fit = X[:, i], y
        w = torch.linalg.lstsq(X_fit, y_fit).solution  # ordinary least squares, batched over repetitions
        errors.append(((w - w_star) ** 2).sum(dim=(1, 2)))  # isotropic test inputs: E = ||w - w*||^2
    return torch.stack(errors, dim=1)  # (R, I)


def linear_experiment(seed: int, fresh_inputs: bool = False) -> dict:
    """Replace and accumulate chains for one replicate seed, on shared draws; errors of shape (reps, iters)."""
    g = generator(seed, part=0)
    R, I, T, d = cfg.reps, cfg.iters, cfg.T, cfg.d
    w_star = torch.randn(R, d, 1, generator=g, dtype=torch.float64)
    if fresh_inputs:  # variant: new inputs every iteration (not the paper's framework)
        X = torch.randn(R, I, T, d, generator=g, dtype=torch.float64)
    else:  # the paper's framework: one design X, relabelled every iteration
        X = torch.randn(R, 1, T, d, generator=g, dtype=torch.float64).expand(R, I, T, d)
    noise = cfg.sigma * torch.randn(R, I, T, 1, generator=g, dtype=torch.float64)
    return {s: linear_refit_chain(X, w_star, noise, accumulate=(s == "accumulate")).numpy()
            for s in ("replace", "accumulate")}


iters = np.arange(1, cfg.iters + 1)
unit = cfg.sigma**2 * cfg.d / (cfg.T - cfg.d - 1)  # sigma^2 d / (T - d - 1), the error of the first fit
theory = {"replace": unit * iters,  # §4, replace: linear growth
          "accumulate": unit * np.cumsum(1.0 / iters**2)}  # §4, accumulate theorem: sum_k 1/k^2
bound = unit * math.pi**2 / 6  # §4: the accumulate error never exceeds (pi^2/6) sigma^2 d/(T-d-1)

lin = [linear_experiment(s) for s in seeds]
lin_fresh = [linear_experiment(s, fresh_inputs=True) for s in seeds]

# %% [markdown]
# ### Result: linear growth vs a bounded curve
#
# Under replacement the mean test error grows by {glue:text}`mca_slope:.3f` per iteration (fitted slope, mean over
# seeds), against the predicted $\sigma^2 d/(T-d-1)=$ {glue:text}`mca_unit:.3f`. Under accumulation it reaches
# {glue:text}`mca_acc_ratio:.2f` times the first-fit error after $I=$ {glue:text}`mca_iters` iterations. The
# prediction is $\sum_{k\le I}1/k^2=$ {glue:text}`mca_harmonic:.2f` and the limit is $\pi^2/6\approx1.64$. Along
# the whole curve the measured mean stays within {glue:text}`mca_acc_dev:.1f`% of the theory curve (worst iteration,
# worst seed).
# If the inputs are instead redrawn in every iteration (green curve, right panel), the accumulated fits see more
# distinct inputs and end lower, at {glue:text}`mca_fresh_ratio:.2f` times the first-fit error. The theorem's
# formula is exact only when the same inputs are relabelled each round.

# %%
rep = np.stack([r["replace"] for r in lin])  # (seeds, reps, iters)
acc = np.stack([r["accumulate"] for r in lin])
acc_fresh = np.stack([r["accumulate"] for r in lin_fresh])
slopes = np.array([fit_line(iters, rep[k].mean(axis=0))[0] for k in range(len(seeds))])  # per-seed slope
acc_ratio = acc[:, :, -1].mean(axis=1) / acc[:, :, 0].mean(axis=1)  # per-seed E_I / E_1 (means over reps)
acc_dev = np.abs(acc.mean(axis=1) / theory["accumulate"] - 1).max(axis=1)  # per-seed worst relative deviation
fresh_ratio = acc_fresh[:, :, -1].mean(axis=1) / acc_fresh[:, :, 0].mean(axis=1)

fig, (ax, zoom) = plt.subplots(1, 2, figsize=plot.figsize(ncols=2, aspect=0.9))
for setting, Y, color in (("replace", rep, plot.COLORS["baseline"]), ("accumulate", acc, plot.COLORS["method"])):
    for a in (ax, zoom) if setting == "accumulate" else (ax,):
        plot.mean_band(a, iters, Y.reshape(-1, cfg.iters), color=color, marker="o", ms=4, label=f"{setting}")
        a.plot(iters, theory[setting], color=color, ls="--", lw=1.2, label=f"{setting}, theory (§4)")
plot.mean_band(zoom, iters, acc_fresh.reshape(-1, cfg.iters), color=plot.COLORS["variant"], lw=1,
               label="accumulate, inputs redrawn")
zoom.axhline(bound, color=plot.COLORS["reference"], ls=":", label=r"bound $\frac{\pi^2}{6}\,\sigma^2 d/(T-d-1)$")
ax.set(xlabel="model-fitting iteration $i$", ylabel=r"test error $\|\hat w_i - w^\star\|^2$",
       title="replace vs accumulate")
zoom.set(xlabel="model-fitting iteration $i$", title="accumulate, zoomed", ylim=(0, 1.15 * bound))
ax.legend(fontsize=8)
zoom.legend(fontsize=8, loc="lower right")
fig.suptitle("Linear regression, mean and 95% band over repetitions (mirrors the paper's §4 linear-model figure)",
             fontsize=10)
plot.show(fig)

glue("mca_slope", float(slopes.mean()), display=False)
glue("mca_unit", float(unit), display=False)
glue("mca_acc_ratio", float(acc_ratio.mean()), display=False)
glue("mca_iters", int(cfg.iters), display=False)
glue("mca_harmonic", float(np.sum(1.0 / iters**2)), display=False)
glue("mca_acc_dev", float(100 * acc_dev.max()), display=False)
glue("mca_fresh_ratio", float(fresh_ratio.mean()), display=False)

# %% [markdown]
# ## Part B: a language model trained on its own samples
#
# ### Method: a table LM trained on its own samples
#
# The "real" language is an order-2 Markov chain over $V=12$ tokens whose next-token distributions
# $P(\cdot\mid x_{t-2},x_{t-1})$ are drawn once from a Dirichlet(0.2) prior, so they are peaked and differ from
# context to context. The model is a context-2 neural LM: a table of logits $W\in\mathbb R^{V^2\times V}$ with
# $q_W(v\mid c)=\mathrm{softmax}(W_c)_v$. It is trained from zero by full-batch Adam (learning rate 0.1, L2 weight
# decay $10^{-4}$) on the mean next-token cross-entropy of its corpus. The loss depends on the corpus only through its
# (context, next-token) counts, so training cost does not grow with accumulated data. The paper's loop (its
# Fig. 1 schematic) is:
#
# 1. generation 1 is trained on the real corpus;
# 2. model $g$ samples a synthetic corpus of the real corpus' size (60 chains of 100 tokens, temperature 1; the
#    first two tokens of every chain, real or synthetic, are uniform);
# 3. **replace**: model $g+1$ is trained on model $g$'s samples only; **accumulate**: on the real corpus plus
#    every synthetic corpus so far.
#
# Each generation is scored by its cross-entropy on a held-out real test corpus. The cross-entropy of the true
# chain on the same tokens is the floor no model can beat. Sampling is vectorised: all replicate seeds, both
# settings and all chains advance one token per step. Each replicate seed keeps its own random stream.

# %%
V, CTX = cfg.vocab, cfg.vocab**2  # vocabulary, number of order-2 contexts


def markov_language(seed: int, alpha: float = 0.2) -> torch.Tensor:
    """Transition table P[c, v] = P(v | context c = V*x_{t-2} + x_{t-1}), rows drawn from Dirichlet(alpha)."""
    return torch.tensor(np.random.default_rng(seed).dirichlet(np.full(V, alpha), size=CTX))


def sample_chains(probs: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """Token chains (..., n, L) from next-token tables probs (..., CTX, V), by inverse-CDF on uniforms u (..., n, L)."""
    batch, (n, L) = probs.shape[:-2], u.shape[-2:]
    cdf = probs.cumsum(-1).reshape(-1, CTX, V)
    u = u.reshape(-1, n, L)
    tokens = torch.empty(u.shape, dtype=torch.long)
    tokens[..., :2] = (u[..., :2] * V).long().clamp_max(V - 1)  # first two tokens uniform
    for t in range(2, L):  # one step for every chain of every model at once
        ctx = tokens[..., t - 2] * V + tokens[..., t - 1]
        rows = torch.gather(cdf, 1, ctx.unsqueeze(-1).expand(-1, -1, V))  # (B, n, V) CDF of each chain's context
        tokens[..., t] = torch.searchsorted(rows, u[..., t, None].contiguous()).squeeze(-1).clamp_max(V - 1)
    return tokens.reshape(*batch, n, L)


def transition_counts(tokens: torch.Tensor) -> torch.Tensor:
    """Counts N[..., c, v] of (order-2 context, next token) pairs in chains (..., n, L)."""
    idx = ((tokens[..., :-2] * V + tokens[..., 1:-1]) * V + tokens[..., 2:]).flatten(-2)
    N = torch.zeros(*idx.shape[:-1], CTX * V, dtype=torch.float64)
    return N.scatter_add_(-1, idx, torch.ones_like(idx, dtype=torch.float64)).reshape(*idx.shape[:-1], CTX, V)


def cross_entropy(logits: torch.Tensor, N: torch.Tensor) -> torch.Tensor:
    """Mean next-token cross-entropy (nats) of logit tables on a corpus given by its counts N."""
    return -(N * torch.log_softmax(logits, -1)).sum((-1, -2)) / N.sum((-1, -2))


def fit_table_lm(N: torch.Tensor) -> torch.Tensor:
    """Train a batch of table LMs from zero on their corpora's counts by full-batch Adam; returns the logits."""
    W = torch.zeros(N.shape, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([W], lr=0.1, weight_decay=1e-4)
    for _ in range(cfg.steps):  # the models are independent: summing their losses trains each one separately
        opt.zero_grad()
        cross_entropy(W, N).sum().backward()
        opt.step()
    return W.detach()


# %%
P_true = markov_language(LANGUAGE_SEED)
streams = [generator(s, part=1) for s in seeds]  # one random stream per replicate seed


def uniforms(*shape) -> torch.Tensor:
    """Uniform draws of `shape` for every replicate seed, each from its own stream: (seeds, *shape)."""
    return torch.stack([torch.rand(*shape, generator=g, dtype=torch.float64) for g in streams])


S, L, n = len(seeds), cfg.chain_len, cfg.n_chains
N_real = transition_counts(sample_chains(P_true.expand(S, CTX, V), uniforms(n, L)))  # (S, CTX, V)
N_test = transition_counts(sample_chains(P_true.expand(S, CTX, V), uniforms(cfg.n_test_chains, L)))
true_ce = cross_entropy(P_true.log().expand(S, CTX, V), N_test).numpy()  # the floor

SETTINGS = ("replace", "accumulate")
N_train = N_real.unsqueeze(1).repeat(1, 2, 1, 1)  # (S, setting, CTX, V): generation 1 sees the real corpus
N_pool = N_train.clone()  # real + all synthetic so far
test_ce = []
for g in range(cfg.generations):
    W = fit_table_lm(N_train)
    test_ce.append(cross_entropy(W, N_test[:, None]).numpy())  # (S, setting)
    N_syn = transition_counts(sample_chains(torch.softmax(W, -1), uniforms(2, n, L)))  # temperature 1
    N_pool += N_syn
    N_train = torch.stack([N_syn[:, 0], N_pool[:, 1]], dim=1)  # replace: newest samples; accumulate: everything
test_ce = np.stack(test_ce, axis=-1)  # (S, setting, generation)
d_ce = test_ce[:, :, -1] - test_ce[:, :, 0]  # rise from generation 1 to the last, per seed and setting

# %% [markdown]
# ### Result: replace drifts, accumulate levels off
#
# Generation 1 is {glue:text}`mca_gap1:.3f` nats above the floor. By generation {glue:text}`mca_gens`, the test
# cross-entropy has risen by {glue:text}`mca_d_rep:.3f` nats under replace and by {glue:text}`mca_d_acc:.3f` nats
# under accumulate (means over seeds). The rise under accumulate is {glue:text}`mca_ratio:.1f` times smaller.
# Accumulation is not perfectly flat here: the real corpus becomes a shrinking share of the training data, and
# each synthetic corpus carries its generator's errors. The rise does slow down, as the $1/k^2$ picture of Part A
# suggests: {glue:text}`mca_step_first:.3f` nats from generation 1 to 2, {glue:text}`mca_step_last:.3f` nats in the
# last step.

# %%
gen_axis = np.arange(1, cfg.generations + 1)
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.6))
for k, setting in enumerate(SETTINGS):
    color = plot.COLORS["baseline" if setting == "replace" else "method"]
    plot.mean_band(ax, gen_axis, test_ce[:, k], color=color, marker="o", ms=4, label=setting)
ax.axhline(true_ce.mean(), color=plot.COLORS["reference"], ls="--", label="true distribution (floor)")
ax.set(xlabel="model-fitting iteration (generation)", ylabel="test cross-entropy on real data (nats/token)",
       title="Tiny LM on an order-2 Markov language (mirrors the paper's Fig. 2)")
ax.legend()
plot.show(fig)

glue("mca_gap1", float((test_ce[:, 0, 0] - true_ce).mean()), display=False)
glue("mca_gens", int(cfg.generations), display=False)
glue("mca_d_rep", float(d_ce[:, 0].mean()), display=False)
glue("mca_d_acc", float(d_ce[:, 1].mean()), display=False)
glue("mca_ratio", float(d_ce[:, 0].mean() / d_ce[:, 1].mean()), display=False)
glue("mca_step_first", float((test_ce[:, 1, 1] - test_ce[:, 1, 0]).mean()), display=False)
glue("mca_step_last", float((test_ce[:, 1, -1] - test_ce[:, 1, -2]).mean()), display=False)

# %% [markdown]
# ## Verdict
#
# Each test is applied to every replicate seed; the table shows the mean over seeds with its 95% interval.

# %%
ledger.check("C1", measured=mean_ci(slopes), test="every seed: fitted slope of mean replace error within "
             f"±15% of sigma^2 d/(T-d-1) = {unit:.3f}",
             holds=bool(np.all(np.abs(slopes / unit - 1) <= 0.15)))
ledger.check("C2", measured=mean_ci(acc_ratio), test="every seed: E_last/E_1 <= 1.1 pi^2/6 and mean error within "
             "±15% of sigma^2 d/(T-d-1) sum_k 1/k^2 at every iteration",
             holds=bool(np.all(acc_ratio <= 1.1 * math.pi**2 / 6) and np.all(acc_dev <= 0.15)),
             note=f"worst relative deviation from the sum 1/k^2 curve: {100 * acc_dev.max():.1f}%")
ledger.check("C3", measured=f"rise replace {mean_ci(d_ce[:, 0])}, accumulate {mean_ci(d_ce[:, 1])} nats",
             test="every seed: rise(replace) >= 3 x rise(accumulate) and rise(replace) > 0.3 nats (gen 1 -> last)",
             holds=bool(np.all(d_ce[:, 0] >= 3 * d_ce[:, 1]) and np.all(d_ce[:, 0] > 0.3)))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **Inputs of the linear model.** Our spec asked for fresh inputs in every iteration. The paper's framework (and
#   its exact $\sum 1/k^2$ formula) relabels one fixed design matrix in every round, so Part A follows the paper. The
#   fresh-input variant appears in the figure: its accumulated error ends a few percent *below* the formula, so the
#   conclusion (bounded error) holds for it too.
# - **C2's test** compares the whole measured curve with the theory curve, not only the last iteration. That is
#   stricter than checking only the end point. We run 5 replicate seeds where the spec asked for 3. The chapter is
#   cheap, and every test must hold for every seed, so this also makes the tests stricter.
# - **The language model is a stand-in.** The paper pretrains small GPT-2 and Llama-2 style transformers on
#   TinyStories. We train a context-2 softmax table on a synthetic order-2 Markov language. That language is fixed by
#   `LANGUAGE_SEED` and plays the part of a dataset, while corpora, samples and noise come from `SEED`. This keeps
#   the loop itself (train, sample, replace or accumulate, score on real data) but not the model class. The table
#   model cannot generalise across contexts: under replace, an error in a rare context is copied forward with no
#   real data left to correct it.
# - **Thresholds for C3** (3x and 0.3 nats) are ours. The paper reports curves, not a ratio. Under accumulation our
#   cross-entropy still creeps up (see the result above), whereas the paper's TinyStories curves are flat or
#   slightly falling. Our claim is the contrast between the two settings, not exact flatness.
# - **`SCALE="paper"`** enlarges the same experiments: more repetitions, iterations, seeds, tokens and generations.
#   It does not switch to a transformer, and it leaves out the paper's diffusion-model and VAE experiments. Those
#   would need the book's shared tiny-GPT lab, which does not exist yet.
# - **Compute.** In the paper, accumulation costs more compute each round because the corpus grows. Our count-based
#   fit removes that cost, so it plays no part here.
