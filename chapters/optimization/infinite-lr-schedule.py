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
# # Beyond Cosine Decay: On the effectiveness of Infinite Learning Rate Schedule for Continual Pre-training
#
# **Vaibhav Singh, Paul Janson, Paria Mehrbod, Adam Ibrahim, Irina Rish, Eugene Belilovsky, Benjamin Thérien** ·
# *CoLLAs 2025* · [arXiv:2503.02844](https://arxiv.org/abs/2503.02844) · {cite}`singh2025infinite`
#
# When a model is pre-trained on one dataset after another, the usual recipe repeats a cosine schedule for every
# new dataset: warm the learning rate back up to its peak $\eta_{\max}$, then decay it again. The re-warming is
# itself a source of forgetting, because large steps on the new data move the weights away from what the old data
# needed. The *infinite* schedule of {cite}`ibrahim2024continual` warms up and cools down once, to a constant
# $\eta_{\rm const}<\eta_{\max}$, and then never rises again; whenever a usable checkpoint is wanted (here: at the
# end of each dataset) a short exponential annealing to $\eta_{\min}$ produces it, and training goes on from
# the constant phase. The paper compares the two schedules in self-supervised continual pre-training: masked
# autoencoders (MAE) on sequences of image tasks scored by linear probes, where the infinite schedule beats
# repeated cosine and several continual-SSL baselines on average accuracy with less forgetting (its main
# small-scale MAE table), and larger MAE and autoregressive language-model runs where the same ordering holds
# (zero-shot LM benchmarks).
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** (Central) After continual masked-reconstruction pre-training over a sequence of class-shifted tasks, the
# infinite schedule ends with a lower held-out reconstruction loss averaged over all tasks than repeated cosine
# with the same $\eta_{\max}$ and step budget. *Paper:* main MAE table, infinite above cosine in average
# linear-probe accuracy after all tasks.
#
# **C2.** Re-warming causes forgetting: the highest held-out loss on the first task's data during the later tasks
# is lower under the infinite schedule than under repeated cosine, in every seed. *Paper:* forgetting analysis,
# loss spikes on old data when cosine re-warms at task boundaries.
#
# **C3.** No loss of plasticity: at every task boundary, the infinite schedule's loss on the task just learned is
# at most 1.05x the repeated-cosine loss on it (the last boundary included). *Paper:* per-task results, the
# infinite schedule stays competitive on new tasks while forgetting less.
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from IPython.display import display
from myst_nb import glue

from lib import plot
from lib.claims import Ledger, NOT_REPRODUCED, REPRODUCED
from lib.config import scale_config
from lib.continual import MLP, stack_mlps
from lib.data import load_digits_split
from lib.schedules import cosine, infinite, with_warmup
from lib.seeding import seed_everything, seed_list
from lib.stats import mean_ci, paired_bootstrap_ci

plot.use_style()
cfg = scale_config(SCALE,
                   ci=dict(n_seeds=5, steps=300, warmup=20, cooldown=80, anneal=60, hidden=256, eval_every=10),
                   paper=dict(n_seeds=10, steps=1000, warmup=50, cooldown=250, anneal=200, hidden=512,
                              eval_every=20))
seeds = seed_list(SEED, cfg.n_seeds)
seed_everything(SEED)

TASKS = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9)]  # class-shifted tasks, presented in this order
ETA_MAX, ETA_CONST, ETA_MIN = 1e-2, 2.5e-3, 1e-5  # peak, constant-phase and final learning rates
BATCH, MASK_RATIO, WEIGHT_DECAY, BETAS = 64, 0.5, 0.01, (0.9, 0.95)  # AdamW betas as in the authors' MAE code
TEST_SIZE = 497 / 1797  # 1,300 training / 497 held-out digits per seed
PLASTICITY_TOL = 1.05  # C3: infinite <= 1.05 x cosine on the task just learned (from the spec)

ledger = Ledger("infinite-lr-schedule", scale=SCALE, seed=SEED)
ledger.claim("C1", "After the last task, the infinite schedule's held-out masked-reconstruction loss averaged over "
             "all tasks is lower than repeated cosine's (same eta_max, same steps).",
             paper="main small-scale MAE table: Inf > repeated cosine in average accuracy after all tasks",
             expected=REPRODUCED)
ledger.claim("C2", "The peak held-out loss on task-1 data during tasks 2..K is lower under the infinite schedule "
             "than under repeated cosine, in every seed.",
             paper="forgetting analysis: re-warming spikes the loss on old data", expected=REPRODUCED)
ledger.claim("C3", "At every task boundary the infinite schedule's loss on the task just learned is <= 1.05x the "
             "repeated-cosine loss on it.",
             paper="per-task results: Inf competitive on new tasks while forgetting less", expected=NOT_REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper (small-scale MAE) | `ci` | `paper` |
# |---|---|---|---|
# | data | class-incremental image task sequences (e.g. CIFAR-style splits), then larger image and text streams | sklearn digits 8x8, 5 tasks of 2 classes, 1,300 train / 497 held-out per seed | same |
# | model | ViT masked autoencoder; GPT-style LM at larger scale | MLP masked autoencoder 128-256-256-64 (GELU) | MLP 128-512-512-64 |
# | objective, metric | MAE reconstruction; linear-probe accuracy (LM: zero-shot benchmarks) | MAE reconstruction (50% pixels masked); held-out masked-pixel MSE | same |
# | optimiser | AdamW | AdamW, batch 64, weight decay 0.01, $\eta_{\max}=10^{-2}$ | same |
# | schedules | repeated cosine vs. infinite (cosine cool-down, exponential annealing) | same two, 300 steps per task | same two, 1,000 steps per task |
# | seeds | not read by us | 5 replicates | 10 replicates |

# %% [markdown]
# ## Method
#
# **Masked autoencoder.** For an 8x8 image $x\in[0,1]^{64}$ we draw a mask $m\in\{0,1\}^{64}$ with exactly half of
# the pixels hidden ($m_i=1$), chosen uniformly at random per sample as MAE does with patches. The network sees the
# visible pixels and the mask, $f_\theta\big([(1-m)\odot x,\ m]\big)\in\mathbb R^{64}$, and is trained on the MAE
# objective: the squared error on the hidden pixels only,
# $\ell(\theta;x,m)=\sum_i m_i\,(f_\theta(\cdot)_i-x_i)^2/\sum_i m_i$. Held-out losses use one fixed mask per test
# image, so every evaluation of every schedule scores the same reconstruction problems.
#
# **Repeated cosine (baseline).** Every task $k$ gets the same $S$-step schedule, restarted at the task boundary:
# a linear warm-up over $W$ steps to $\eta_{\max}$, then a cosine decay to $\eta_{\min}$,
#
# $$\eta(n)=\eta_{\min}+\tfrac12(\eta_{\max}-\eta_{\min})\Big(1+\cos\frac{\pi(n-W)}{S-W-1}\Big),\quad W\le n<S,$$
#
# with $n$ counted from the start of the task. The re-warm at each boundary is what the paper blames for forgetting.
#
# **Infinite schedule ("Inf Cos").** With $N_w$ warm-up, $N_{cd}$ cool-down and $N_{a}$ annealing steps, the
# first task runs four phases:
#
# $$\eta(n)=\begin{cases}\eta_{\max}\,n/N_w & \text{warm-up}\\
# \eta_{\rm const}+\tfrac12(\eta_{\max}-\eta_{\rm const})\big(1+\cos\frac{\pi(n-N_w)}{N_{cd}}\big) & \text{cool-down}\\
# \eta_{\rm const} & \text{constant}\\
# \eta_{\rm const}\,(\eta_{\min}/\eta_{\rm const})^{(n-n_a)/N_a} & \text{annealing, } n_a=S-N_a\le n<S.\end{cases}$$
#
# Later tasks have no warm-up and no cool-down: they run at $\eta_{\rm const}$ and anneal over their last $N_a$
# steps. The annealed weights are the checkpoint of that task (the model that is evaluated). **Which weights the
# next task starts from** is the detail that makes the schedule "infinite": in the authors' MAE code (see
# Deviations) the weights are saved at the last step of the constant phase, the annealing phase then produces the
# evaluated checkpoint, and the next task reloads the saved *pre-annealing* weights (the optimiser state carries
# on), so training continues on the constant branch as if no annealing had happened. We do the same. Both
# schedules come from `lib.schedules` (`cosine`, `with_warmup`, `infinite`), as multipliers of $\eta_{\max}$.
#
# Both arms start from the same initial weights and see the same batches and masks; to fit the budget, all
# replicate seeds and both schedules train at once as one stack of independent networks (batched matrix products),
# with one AdamW parameter group per schedule.

# %%
S, K = cfg.steps, len(TASKS)
cosine_task = with_warmup(np.r_[np.ones(cfg.warmup), cosine(S - cfg.warmup, final=ETA_MIN / ETA_MAX)], cfg.warmup)
inf_kw = dict(anneal=cfg.anneal, const=ETA_CONST / ETA_MAX, final=ETA_MIN / ETA_MAX)
SCHEDULES = {  # learning-rate multipliers of ETA_MAX over the whole sequence, K * S steps
    "repeated cosine": np.tile(cosine_task, K),  # re-warm and re-decay on every task
    "infinite": np.concatenate([infinite(S, warmup=cfg.warmup, cooldown=cfg.cooldown, **inf_kw)]  # task 1
                               + [infinite(S, warmup=0, cooldown=0, **inf_kw)] * (K - 1)),  # tasks 2..K: const, anneal
}
NAMES = list(SCHEDULES)


def reconstruct(layers, x, mask):
    """MAE forward pass of every stacked network on its own images: input [visible pixels, mask] -> 64 pixels."""
    h = torch.cat([x * (1 - mask), mask], -1)
    for W, b in layers[:-1]:
        h = F.gelu(torch.baddbmm(b, h, W))
    W, b = layers[-1]
    return torch.baddbmm(b, h, W)


def masked_mse(pred, x, mask):
    """The MAE objective per image: squared error on the hidden pixels only."""
    return ((pred - x) ** 2 * mask).sum(-1) / mask.sum(-1)


def random_masks(shape, gen):
    """Hide exactly MASK_RATIO of the 64 pixels of every image, uniformly at random."""
    noise = torch.rand(*shape, 64, generator=gen)
    hidden = noise.argsort(-1)[..., :int(MASK_RATIO * 64)]
    return torch.zeros(*shape, 64).scatter_(-1, hidden, 1.0)


# %% [markdown]
# ## Experiment
#
# Each replicate seed draws its own train/held-out split. The loop below trains both arms through the five tasks.
# Every `eval_every` steps it records the held-out loss on task 1 (the forgetting trace of C2); at the end of every
# task it records the held-out loss on every task (for the cosine arm at the end of its decay, for the infinite arm
# after annealing), and then puts the infinite arm back on its pre-annealing weights.

# %%
def stack_tasks(xs, ys, n_seeds):
    """Pad every seed's images of each task into (task, seed, max_n, 64) with per-seed counts (task, seed)."""
    groups = [[xs[r][torch.isin(ys[r], torch.tensor(c))] for r in range(n_seeds)] for c in TASKS]
    n_max = max(len(g) for grp in groups for g in grp)
    X = torch.zeros(K, n_seeds, n_max, 64)
    counts = torch.zeros(K, n_seeds, dtype=torch.long)
    for k, grp in enumerate(groups):
        for r, g in enumerate(grp):
            X[k, r, :len(g)], counts[k, r] = g, len(g)
    return X, counts


def run_sequence(model_seeds):
    """Train repeated cosine and infinite on the task sequence; return the held-out losses both arms reached."""
    R = len(model_seeds)
    data = [load_digits_split(s, test_size=TEST_SIZE) for s in model_seeds]
    X_tr, n_tr = stack_tasks([d.x_train for d in data], [d.y_train for d in data], R)
    X_te, n_te = stack_tasks([d.x_test for d in data], [d.y_test for d in data], R)
    gen = torch.Generator().manual_seed(SEED)
    M_te = random_masks(X_te.shape[:3], gen)  # one fixed mask per held-out image
    valid = torch.arange(X_te.shape[2]) < n_te[..., None]  # (task, seed, max_n): real images, not padding

    base = stack_mlps([MLP((128, cfg.hidden, cfg.hidden, 64), seed=s) for s in model_seeds])  # same start, both arms
    arms = {name: [tuple(p.detach().clone().requires_grad_() for p in layer) for layer in base] for name in NAMES}
    opt = torch.optim.AdamW([{"params": [p for layer in arms[n] for p in layer]} for n in NAMES],
                            lr=ETA_MAX, betas=BETAS, weight_decay=WEIGHT_DECAY)
    joint = lambda: [tuple(torch.cat(ps) for ps in zip(*(arms[n][i] for n in NAMES)))  # noqa: E731
                     for i in range(len(base))]

    @torch.no_grad()
    def heldout(k):
        """Mean held-out loss on task k, (arm, seed)."""
        x, m = X_te[k].repeat(2, 1, 1), M_te[k].repeat(2, 1, 1)
        per_image = masked_mse(reconstruct(joint(), x, m), x, m).view(2, R, -1)
        return (per_image * valid[k]).sum(-1) / valid[k].sum(-1)

    trace_steps, trace = [0], [heldout(0)]
    after_task = torch.zeros(K, K, 2, R)  # [task just finished, task evaluated, arm, seed]
    for k in range(K):
        for n in range(S):
            g = k * S + n
            if n == S - cfg.anneal:  # last constant-phase step done: keep these weights for the next task
                pre_anneal = [p.detach().clone() for layer in arms["infinite"] for p in layer]
            for group, name in zip(opt.param_groups, NAMES):
                group["lr"] = ETA_MAX * SCHEDULES[name][g]
            idx = (torch.rand(R, BATCH, generator=gen) * n_tr[k, :, None]).long()
            x = torch.gather(X_tr[k], 1, idx[..., None].expand(-1, -1, 64))
            m = random_masks((R, BATCH), gen)
            x2, m2 = x.repeat(2, 1, 1), m.repeat(2, 1, 1)  # both arms get the same batch and masks
            loss = masked_mse(reconstruct(joint(), x2, m2), x2, m2).mean(-1).sum()  # networks are independent
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if (g + 1) % cfg.eval_every == 0:
                trace_steps.append(g + 1)
                trace.append(heldout(0))
        for j in range(K):  # the checkpoint of task k: cosine at the end of its decay, infinite after annealing
            after_task[k, j] = heldout(j)
        with torch.no_grad():  # infinite: the next task resumes from the pre-annealing weights
            for p, saved in zip((p for layer in arms["infinite"] for p in layer), pre_anneal):
                p.copy_(saved)
    return np.array(trace_steps), torch.stack(trace, -1).numpy(), after_task.numpy()


steps, trace, after_task = run_sequence(seeds)  # trace: (arm, seed, eval); after_task: (k, j, arm, seed)

# %% [markdown]
# ### The two schedules
#
# The figure mirrors the paper's schedule figure: repeated cosine returns to $\eta_{\max}$ at every boundary, the
# infinite schedule reaches $\eta_{\max}$ once and afterwards never exceeds $\eta_{\rm const}$. Its dips to
# $\eta_{\min}$ are the annealing branches that produce each task's checkpoint; the next task picks up the constant
# branch from the weights saved just before the dip.

# %%
glob = np.arange(K * S)
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.38))
ax.plot(glob, ETA_MAX * SCHEDULES["repeated cosine"], color=plot.COLORS["baseline"], label="repeated cosine")
ax.plot(glob, ETA_MAX * SCHEDULES["infinite"], color=plot.COLORS["method"], lw=2, label="infinite")
for k in range(1, K):
    ax.axvline(k * S, color="0.6", lw=0.8, ls=":")
ax.axhline(ETA_CONST, color=plot.COLORS["reference"], lw=0.8, ls="--", label=r"$\eta_{\rm const}$")
ax.set(xlabel="training step (all tasks)", ylabel="learning rate",
       title="Learning-rate schedules over the task sequence (mirrors the paper's schedule figure)")
fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncols=3)
plot.show(fig)

# %% [markdown]
# ### Forgetting of the first task
#
# Held-out loss on task 1 (digits 0 and 1) along the whole sequence, mean over seeds with a 95% band; dotted lines
# mark task boundaries. This mirrors the paper's forgetting curves at task boundaries.

# %%
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.45))
for i, name in enumerate(NAMES):
    plot.mean_band(ax, steps, trace[i], label=name, lw=2 if name == "infinite" else 1.5,
                   color=plot.COLORS["method" if name == "infinite" else "baseline"])
for k in range(1, K):
    ax.axvline(k * S, color="0.6", lw=0.8, ls=":")
ax.set(xlabel="training step (all tasks)", ylabel="held-out masked MSE on task 1", yscale="log",
       title="Loss on task 1 data during later tasks (mirrors the paper's forgetting curves)")
ax.legend(loc="upper right")
plot.show(fig)

later = steps > S  # evaluations during tasks 2..K
peak = trace[:, :, later].max(-1)  # (arm, seed)
glue("ilr_peak_cos", float(peak[0].mean()), display=False)
glue("ilr_peak_inf", float(peak[1].mean()), display=False)
glue("ilr_task1_end_cos", float(after_task[0, 0, 0].mean()), display=False)
glue("ilr_task1_end_inf", float(after_task[0, 0, 1].mean()), display=False)

# %% [markdown]
# At the end of task 1 the cosine arm is ahead (held-out loss {glue:text}`ilr_task1_end_cos:.4f` against
# {glue:text}`ilr_task1_end_inf:.4f` for the infinite arm's annealed checkpoint). Every time cosine re-warms, its
# loss on task 1 spikes; the infinite arm, which continues at $\eta_{\rm const}$, rises less. The
# highest task-1 loss during tasks 2-5 averages {glue:text}`ilr_peak_cos:.4f` under repeated cosine and
# {glue:text}`ilr_peak_inf:.4f` under the infinite schedule.
#
# ### Per-task losses
#
# Left: the loss on each task right after learning it (each arm's checkpoint of that task), the plasticity
# question of C3. Right: the loss on every task after the whole sequence, and its average (C1). Bars are means
# over seeds, whiskers one standard deviation, as in the paper's main table.

# %%
just_learned = np.stack([after_task[k, k] for k in range(K)], -1)  # (arm, seed, task)
final = after_task[-1].transpose(1, 2, 0)  # (arm, seed, task) after the last task
final_avg = final.mean(-1)  # (arm, seed)
labels = [f"{a},{b}" for a, b in TASKS]
fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=0.8), sharey=True)
for ax, vals, xt, title in ((axes[0], just_learned, labels, "(a) right after learning the task"),
                            (axes[1], np.concatenate([final, final_avg[..., None]], -1), labels + ["avg"],
                             "(b) after all tasks")):
    pos = np.arange(vals.shape[-1])
    for i, name in enumerate(NAMES):
        ax.bar(pos + (i - 0.5) * 0.38, vals[i].mean(0), width=0.38, yerr=vals[i].std(0, ddof=1), capsize=2,
               label=name, color=plot.COLORS["method" if name == "infinite" else "baseline"])
    ax.set(xticks=pos, xticklabels=xt, xlabel="task (digits)", title=title)
axes[0].set_ylabel("held-out masked MSE")
axes[0].legend(loc="upper left")
fig.suptitle("Per-task held-out loss, mean ± sd over seeds (mirrors the paper's main table)")
plot.show(fig)

# %%
diff = final_avg[0] - final_avg[1]  # cosine - infinite, per seed
ratio = just_learned[1] / just_learned[0]  # infinite / cosine on the task just learned, (seed, task)
table = pd.DataFrame({"seed": seeds,
                      "avg loss, cosine": final_avg[0], "avg loss, infinite": final_avg[1],
                      "cos - inf": diff,
                      "peak task-1 loss, cosine": peak[0], "peak task-1 loss, infinite": peak[1],
                      "max inf/cos on new task": ratio.max(-1)})
display(table.round(4))
glue("ilr_avg_cos", float(final_avg[0].mean()), display=False)
glue("ilr_avg_inf", float(final_avg[1].mean()), display=False)
glue("ilr_anneal", cfg.anneal, display=False)
glue("ilr_gain_pct", float(100 * (diff / final_avg[0]).mean()), display=False)
for k in range(K):
    glue(f"ilr_ratio_b{k + 1}", float(ratio[:, k].mean()), display=False)
glue("ilr_ratio_last_max", float(ratio[:, -1].max()), display=False)
glue("ilr_forget_cos", float((final[0, :, :-1] - just_learned[0, :, :-1]).mean()), display=False)
glue("ilr_forget_inf", float((final[1, :, :-1] - just_learned[1, :, :-1]).mean()), display=False)

# %% [markdown]
# After all five tasks the average held-out loss is {glue:text}`ilr_avg_cos:.4f` for repeated cosine and
# {glue:text}`ilr_avg_inf:.4f` for the infinite schedule, {glue:text}`ilr_gain_pct:.1f`% lower on average over
# seeds. The gain comes from the old tasks: between the checkpoint right after learning a task and the end of the
# sequence, the loss on the first four tasks rises by {glue:text}`ilr_forget_cos:.4f` on average under cosine and
# by {glue:text}`ilr_forget_inf:.4f` under the infinite schedule.
#
# The price is paid on the task just learned. Right after tasks 1 to 5, the infinite arm's loss on that task is
# {glue:text}`ilr_ratio_b1:.3f`, {glue:text}`ilr_ratio_b2:.3f`, {glue:text}`ilr_ratio_b3:.3f`,
# {glue:text}`ilr_ratio_b4:.3f` and {glue:text}`ilr_ratio_b5:.3f` times cosine's (means over seeds). It starts
# clearly behind and catches up along the sequence; on the last task the largest ratio over seeds is
# {glue:text}`ilr_ratio_last_max:.3f`. A plausible reason is visible in the schedule figure: after a short
# cool-down the infinite arm runs at $\eta_{\rm const}=\eta_{\max}/4$ and anneals only over the last
# {glue:text}`ilr_anneal` steps of a task, while cosine keeps a large learning rate for much longer and then decays
# gradually, which fits a new task from a weak starting point better; once the network has learned features from
# earlier digits, the lower learning rate is enough. The end-of-sequence comparison that the spec's prototype used
# as a proxy for plasticity is within the 5% tolerance, but the per-boundary check of C3 is not.
#
# ## Verdict

# %%
c1 = paired_bootstrap_ci(final_avg[0], final_avg[1], seed=SEED)
ledger.check("C1", measured=c1,
             test="mean over seeds of (L_cos_avg - L_inf_avg) > 0 and paired bootstrap 95% CI lower bound > 0",
             holds=bool(diff.mean() > 0 and c1.lo > 0),
             note="avg loss per seed, cos / inf: " + ", ".join(f"{a:.4f}/{b:.4f}" for a, b in zip(*final_avg)))
ledger.check("C2", measured=f"peak task-1 loss cos {mean_ci(peak[0])}, inf {mean_ci(peak[1])}",
             test="every seed: max task-1 held-out loss during tasks 2..K, infinite < cosine",
             holds=bool(np.all(peak[1] < peak[0])),
             note="per seed, cos / inf: " + ", ".join(f"{a:.4f}/{b:.4f}" for a, b in zip(*peak)))
ledger.check("C3", measured=f"max inf/cos over seeds and boundaries {ratio.max():.3f}; "
                            "per boundary (mean) " + " / ".join(f"{r:.3f}" for r in ratio.mean(0)),
             test="every seed and every boundary k: L_inf(task k) <= 1.05 L_cos(task k) right after task k "
                  "(includes the last task at the end)",
             holds=bool(np.all(ratio <= PLASTICITY_TOL)),
             note="max ratio per seed: " + ", ".join(f"{r:.3f}" for r in ratio.max(-1))
                  + "; last task at the end, per seed: " + ", ".join(f"{r:.3f}" for r in ratio[:, -1]))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **Scale and metric.** An MLP masked autoencoder on 8x8 digits stands in for a ViT-MAE on image task sequences,
#   and we score held-out masked reconstruction loss, not linear-probe accuracy; the paper's continual-SSL
#   baselines (e.g. LwF, MAS-style regularisers, replay) and its language-model experiments are not run. The
#   `paper` scale widens the network, lengthens the tasks and doubles the seeds, but keeps the same miniature.
# - **Hyper-parameters are ours.** $\eta_{\max}=10^{-2}$, $\eta_{\rm const}=\eta_{\max}/4$ (the default ratio of
#   the authors' MAE code), $\eta_{\min}=10^{-5}$ and, at `ci` scale, $W=N_w=20$, $N_{cd}=80$ and $N_a=60$ of 300
#   steps per task (the annealing fraction, 20%, is the code's default; the `paper` scale uses the code's default
#   5% warm-up and 25% cool-down as well) are fixed, not tuned per schedule; the comparison could shift if each
#   schedule were tuned. AdamW uses $\beta=(0.9, 0.95)$ as in the authors' code; weight decay 0.01 is the spec's.
# - **What we could read.** The paper's abstract and the MAE code in the public repository of co-author Paul
#   Janson ([Pauljanson002/MAE-1](https://github.com/Pauljanson002/MAE-1)), not the full text: the schedule's form
#   and its defaults come from that code, the claims box names the paper's evidence without its numbers, and no
#   equation numbers are cited.
# - **Where the next task starts.** We follow that code: the next task resumes from the weights saved at the end
#   of the constant phase, while the annealed weights are only the task's checkpoint. Our spec had assumed
#   resuming from the annealed weights.
# - **Schedule discretisation.** `lib.schedules.infinite` and our cosine start the warm-up at $\eta_{\max}/W$
#   instead of 0 and reach the end value of each phase on its last step, one step earlier than the formulas above.
#   The authors' code shifts each phase one step later than `lib.schedules.infinite` (its first step has learning
#   rate 0 and its annealing stops one step short of $\eta_{\min}$); the phases and their formulas are the same.
# - **C3 is not reproduced.** The spec's plasticity claim has two parts: the newest task at the end of the
#   sequence (the part its prototype measured) and every task boundary (measured here for the first time). The
#   first part is within the 5% tolerance; the second fails, because on the first tasks the infinite arm's
#   checkpoint is further behind cosine than that (ratios above, per seed in the ledger note). The paper scores
#   plasticity with linear probes after far longer tasks (the authors' code defaults to hundreds of epochs per
#   task); our 300-step tasks, the first one trained from scratch, may favour cosine's long stretch of large steps
#   more than the paper's setting does.
# - **Seeds.** The claims are checked over the replicate seeds of one `SEED`; the verdicts were checked for
#   `SEED` = 0-4.
