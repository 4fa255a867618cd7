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
# # ReCode: Robustness Evaluation of Code Generation Models
#
# **Shiqi Wang, Zheng Li, Haifeng Qian, Chenghao Yang, Zijian Wang, Mingyue Shang, Varun Kumar, Samson Tan,
# Baishakhi Ray, Parminder Bhatia, Ramesh Nallapati, Murali Krishna Ramanathan, Dan Roth, Bing Xiang** · *ACL 2023*
# · [arXiv:2212.10264](https://arxiv.org/abs/2212.10264) · {cite}`wang2023recode`
#
# Code models are graded on HumanEval and MBPP with one fixed wording of each prompt. ReCode asks what happens when
# the prompt is edited in ways that do not change its meaning: a typo or a synonym in the docstring, a renamed
# function, dead code or renamed variables in the partial code the model has to complete, an extra blank line. It
# builds more than 30 such transformations in four families (docstring, function name, code syntax, code format),
# draws $s=5$ random variants of each prompt per transformation, and scores the *worst case* over the variants by
# executing the completions: a problem counts as robustly solved only if the model solves every variant. On
# CodeGen, InCoder and GPT-J the worst-case pass rates fall well below the nominal ones, and the authors' headline
# observations are that the models are most sensitive to *syntax* perturbations of partial code and that MBPP is
# harder than HumanEval. This chapter re-runs that protocol on the book's code lab: the TinyEval problems, the
# `tinycode_base` model (greedy decoding, as in ReCode's main tables) and word-level analogues of the four families.
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** Worst-case robustness is much lower than nominal performance: in the partial-code setting, Robust
# Pass$_5$@1 is below nominal pass@1 for every category and Robust Drop$_5$@1 is at least 10 % for at least three of
# the four categories. *Paper:* double-digit robust drops for most perturbation types (main robustness tables).
#
# **C2.** Robust Pass$_s$@1 decreases as the number of variants $s$ grows from 1 to 5 (the worst case tightens),
# strictly for the docstring category. *Paper:* the definition of the metric and its results with $s=5$.
#
# **C3.** Syntax perturbations of partial code are the most damaging category (largest Robust Drop$_5$@1).
# *Paper:* "models are most sensitive to syntax perturbations" (abstract and robustness tables).
#
# **C4.** Perturbations make the model unstable, not only worse: some failures become passes under a perturbation,
# so Robust Relative$_5$@1 (any flip) exceeds the loss counted by Robust Drop. *Paper:* Robust Relative reported next
# to Robust Drop.
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import itertools
import random
from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from myst_nb import glue

from lib import plot
from lib import tinycode as tc
from lib import tinycode_dsl as dsl
from lib.claims import Ledger, NOT_REPRODUCED, REPRODUCED
from lib.config import scale_config
from lib.seeding import seed_everything, seed_list

plot.use_style()
cfg = scale_config(SCALE,
                   ci=dict(n_problems=100, n_doc=50, s=5, max_new=24),
                   paper=dict(n_problems=1000, n_doc=1000, s=10, max_new=40))
seed_everything(SEED)
bench_seed = seed_list(SEED, 1)[0] + 42  # benchmark seed: neither the pool's (12345) nor the builder's check (1)
S_MAIN = 5  # ReCode's number of variants per transformation (the reported s)

# Thresholds fixed before the experiment was run (the spec's checks; C4 revised once, see "Deviations and limits"):
DROP_MIN, N_CATS_MIN = 0.10, 3  # C1
FLIP_MIN = 0.02  # C4: fail->pass flips in at least 2 % of the problems, in every partial-code category

ledger = Ledger("recode", scale=SCALE, seed=SEED)
ledger.claim("C1", "Partial code: RP_5@1 < nominal pass@1 for every category, and RD_5@1 >= 0.10 for >= 3 of 4.",
             paper="double-digit robust drops (robustness tables)", expected=REPRODUCED)
ledger.claim("C2", "RP_s@1 is non-increasing in s = 1..5 for every category, and strictly lower at s = 5 than at "
             "s = 1 for the docstring category.", paper="worst case over s variants (definition, s = 5)",
             expected=REPRODUCED)
ledger.claim("C3", "Partial code: syntax has the largest RD_5@1 of the four categories.",
             paper="models most sensitive to syntax perturbations", expected=REPRODUCED)
ledger.claim("C4", "Partial code: fail->pass flips (the part of RR_5@1 that RD misses) in >= 2 % of problems for "
             "every category.", paper="Robust Relative reported next to Robust Drop", expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | ReCode | `ci` | `paper` |
# |---|---|---|---|
# | benchmark | HumanEval (164), MBPP (398 subset), and partial-code versions | TinyEval programs reinstantiated from a seed derived from `SEED`: first 100 (partial code), first 50 (docstring prompts) | all 1000 pool problems, both prompt types |
# | models | CodeGen, InCoder, GPT-J, CodeT5, ... (0.35-16 B) | `tinycode_base` (width 128, 0.44 M parameters) | same |
# | transformations | 30+ in 4 families | 8 word-level analogues in 4 families | same |
# | variants per transformation | $s=5$ | $s=5$ | $s=10$ (the curve in $s$ goes further) |
# | decoding | greedy (main tables); sampling for $k>1$ | greedy | greedy |
#
# ## Method
#
# ### Metrics
#
# For a problem $x$ and a transformation, let $x_1,\dots,x_s$ be $s$ random perturbed variants of its prompt and
# $c(\cdot)\in\{0,1\}$ whether the greedy completion passes the hidden tests. ReCode's greedy (k = 1) metrics,
# averaged over the $N$ problems, are the robust pass rate (worst case over the variants), the robust drop (the
# relative loss against the nominal pass rate) and the robust relative rate (the fraction of problems whose outcome
# changes under at least one variant, in either direction):
#
# $$\mathrm{RP}_s@1=\frac1N\sum_x\min_{i\le s}c(x_i),\qquad \mathrm{RD}_s@1=\frac{\mathrm{pass@1}-\mathrm{RP}_s@1}{\mathrm{pass@1}},\qquad \mathrm{RR}_s@1=\frac1N\sum_x\Big[c(x)\big(1-\min_i c(x_i)\big)+\big(1-c(x)\big)\max_i c(x_i)\Big].$$
#
# The first term of RR counts pass-to-fail flips, the second fail-to-pass flips ($\mathrm{RR}^{+}$ below). With
# sampling, ReCode plugs the per-problem count of samples that are correct on all (or flip under some) variants
# into the unbiased pass@k estimator; with greedy decoding that reduces to the formulas above. A category's numbers
# take the worst case over every variant of every transformation in the category, which is ReCode's aggregation.
# (We could read the abstract and overviews of the paper, not its metric section: the formulas are written from its
# stated definitions, the worst case over $s$ variants and the relative drop against nominal.)
#
# ### Prompts and perturbations
#
# A TinyEval prompt is `<bos> <doc> docstring <ex> examples <code>`. ReCode evaluates two prompt types, which we
# mirror: the **docstring** prompt (HumanEval-style: the model writes the whole program) and the **partial-code**
# prompt (the first statement of the canonical solution follows `<code>` and the model completes the rest; every
# TinyEval program has at least two statements). Each transformation preserves the program's meaning by
# construction, so the hidden tests stay valid:
#
# | family | ReCode transformations | ours (word-level analogue) |
# |---|---|---|
# | docstring | ButterFingers, char swaps, synonym insertion, inflectional variation, back-translation, ... | `typo`: one content word becomes `<unk>`; `filler`: a connective ("and then", "and next", "after that") inserted after a comma; `inflect`: element↔elements, or one "the" dropped |
# | function / variable names | CamelCase, typos, synonyms of the function name | `varname`: consistent renaming of all intermediate variables in the docstring (and partial code) |
# | code syntax (partial code only) | dead-code insertion, for↔while, operand swap, variable renaming | `deadcode`: an unused statement (e.g. `h = sort x ;`) before or after the partial statement; `code_rename`: the partial statement's variable renamed (docstring updated) |
# | code format | newline insertion, tab/indent, line split, doc→comments | `newline`: one or two blank statements `;` around the partial code; `ex_order`: the I/O examples permuted |
#
# A blank statement is TinyList's blank line: like Python's interpreter, the grader skips empty statements (for the
# nominal prompts too). Function-name perturbations have no analogue (TinyList's programs are unnamed), so the names
# family is variable renaming; the lab's pre-training corpus already has 30 % of programs with permuted variable
# names and 10 % with an unused statement, so that renaming and dead code are known patterns rather than unseen
# tokens. Every variant is drawn from a `random.Random` keyed by the benchmark seed, the transformation, the problem
# and the variant index.

# %%
ARTICLE_NEXT = {"prefix", "suffix", "third", "running"}  # "a" is an article (not variable a) before these words
PROTECTED = {",", ".", "x", "f"}
FILLERS = (("and", "then"), ("and", "next"), ("after", "that"))
DEAD_OPS = {"sort": [], "reverse": [], "map": ["*2", "+1", "-1"], "filter": [">0", "even", "odd"],
            "take": ["1", "2", "3"], "drop": ["1", "2"], "scanl1": ["+", "max"]}


def is_var(doc, i):
    """Does docstring word i name a variable (not the article 'a')?"""
    w = doc[i]
    if w not in dsl.VARS:
        return False
    return not (w == "a" and i + 1 < len(doc) and doc[i + 1] in ARTICLE_NEXT)


def rename_doc(doc, mapping):
    return tuple(mapping.get(w, w) if is_var(doc, i) else w for i, w in enumerate(doc))


def first_statement(program):
    return tuple(program[:program.index(";") + 1])


def p_typo(p, prefix, rng):
    idx = [i for i, w in enumerate(p.doc) if w not in PROTECTED and not is_var(p.doc, i)]
    i = rng.choice(idx)
    return replace(p, doc=p.doc[:i] + ("<unk>",) + p.doc[i + 1:]), prefix


def p_filler(p, prefix, rng):
    commas = [i for i, w in enumerate(p.doc) if w == ","]
    i = rng.choice(commas) + 1
    return replace(p, doc=p.doc[:i] + rng.choice(FILLERS) + p.doc[i:]), prefix


def p_inflect(p, prefix, rng):
    edits = [(i, {"element": "elements", "elements": "element"}.get(w)) for i, w in enumerate(p.doc)
             if w in ("element", "elements", "the")]
    if not edits:
        return p, prefix
    i, new = rng.choice(edits)
    doc = p.doc[:i] + ((new,) if new else ()) + p.doc[i + 1:]  # "the" is dropped
    return replace(p, doc=doc), prefix


def p_varname(p, prefix, rng):
    old = dsl.assigned_vars(p.program)
    mapping = dict(zip(old, rng.sample(dsl.VARS, len(old))))
    return replace(p, doc=rename_doc(p.doc, mapping)), tuple(dsl.rename(prefix, mapping))


def p_deadcode(p, prefix, rng):
    free = [v for v in dsl.VARS if v not in p.program]
    after = rng.random() < 0.5
    op = rng.choice(list(DEAD_OPS))
    lists = ["x", prefix[0]] if after else ["x"]
    stmt = (rng.choice(free), "=", op, *([rng.choice(DEAD_OPS[op])] if DEAD_OPS[op] else []), rng.choice(lists), ";")
    return p, (prefix + stmt if after else stmt + prefix)


def p_code_rename(p, prefix, rng):
    mapping = {prefix[0]: rng.choice([v for v in dsl.VARS if v not in p.program])}
    return replace(p, doc=rename_doc(p.doc, mapping)), tuple(dsl.rename(prefix, mapping))


def p_ex_order(p, prefix, rng):
    orders = [o for o in itertools.permutations(range(len(p.examples))) if list(o) != sorted(o)]
    o = rng.choice(orders)
    return replace(p, examples=tuple(p.examples[j] for j in o)), prefix


def p_newline(p, prefix, rng):
    slots = [0, len(prefix)] if prefix else [0]
    out = list(prefix)
    for at in sorted((rng.choice(slots) for _ in range(rng.randint(1, 2))), reverse=True):
        out[at:at] = [";"]
    return p, tuple(out)


CATEGORIES = {"docstring": {"typo": p_typo, "filler": p_filler, "inflect": p_inflect},
              "names": {"varname": p_varname},
              "syntax": {"deadcode": p_deadcode, "code_rename": p_code_rename},
              "format": {"newline": p_newline, "ex_order": p_ex_order}}
SETTINGS = {"docstring prompt": ("docstring", "names", "format"),  # syntax needs partial code
            "partial code": ("docstring", "names", "syntax", "format")}


def strip_blank(program):
    """Drop empty statements (a `;` at the start or right after another `;`): TinyList's blank lines."""
    out = []
    for t in program:
        if t == ";" and (not out or out[-1] == ";"):
            continue
        out.append(t)
    return out


# %% [markdown]
# ### The experiment
#
# For each setting, the nominal prompts and $s$ variants of every applicable transformation are decoded greedily in
# one batch; each completion (behind its partial-code prefix) is checked on the problem's 10 hidden tests.

# %%
model = tc.load_model("tinycode_base")
bench = tc.reinstantiate(tc.pool()[:cfg.n_problems], bench_seed)
benches = {"docstring prompt": bench[:cfg.n_doc], "partial code": bench}  # ci: docstring prompts on the first 50

jobs = []  # (setting, transformation or "nominal", variant index, problem index, problem, prefix)
for setting, cats in SETTINGS.items():
    for i, p in enumerate(benches[setting]):
        base_prefix = first_statement(p.program) if setting == "partial code" else ()
        jobs.append((setting, "nominal", 0, i, p, base_prefix))
        for cat in cats:
            for name, fn in CATEGORIES[cat].items():
                for j in range(cfg.s):
                    rng = random.Random(f"recode/{bench_seed}/{setting}/{name}/{p.pid}/{j}")
                    jobs.append((setting, name, j, i, *fn(p, base_prefix, rng)))

samples = tc.sample_programs(model, [jb[4] for jb in jobs], prefix=[jb[5] for jb in jobs], max_new=cfg.max_new)
ok = [tc.check(strip_blank(s[0]), jb[4]) for s, jb in zip(samples, jobs)]

nominal = {st: np.zeros(len(b), bool) for st, b in benches.items()}
passes = {}  # (setting, transformation) -> N x s boolean matrix
for (setting, name, j, i, _, _), c in zip(jobs, ok):
    if name == "nominal":
        nominal[setting][i] = c
    else:
        passes.setdefault((setting, name), np.zeros((len(benches[setting]), cfg.s), bool))[i, j] = c
print(f"{len(jobs)} prompts decoded; nominal pass@1: " + ", ".join(f"{k} {v.mean():.3f}" for k, v in nominal.items()))


# %%
def robust(nom, mats, s):
    """ReCode's greedy metrics on the first s variants of the transformations in `mats` (a list of N x s boolean
    matrices): RP_s@1, RD_s@1, RR_s@1 and its fail->pass part RR+ (worst / best case over all their variants)."""
    worst = np.logical_and.reduce([m[:, :s].all(1) for m in mats])
    best = np.logical_or.reduce([m[:, :s].any(1) for m in mats])
    rp = worst.mean()
    rr_minus, rr_plus = (nom & ~worst).mean(), (~nom & best).mean()
    return dict(nominal=nom.mean(), RP=rp, RD=(nom.mean() - rp) / nom.mean(), RR=rr_minus + rr_plus, RR_plus=rr_plus)


def category(setting, cat):
    """The pass matrices of a category's transformations (its metrics take the worst case over all of them)."""
    return [passes[(setting, t)] for t in CATEGORIES[cat]]


rows = []
for setting, cats in SETTINGS.items():
    for cat in cats:
        for t in CATEGORIES[cat]:
            rows.append(dict(setting=setting, category=cat, transformation=t,
                             **robust(nominal[setting], [passes[(setting, t)]], S_MAIN)))
        rows.append(dict(setting=setting, category=cat, transformation=f"{cat} (category)",
                         **robust(nominal[setting], category(setting, cat), S_MAIN)))
table = pd.DataFrame(rows)
table.round(3)

# %% [markdown]
# ## Experiment
#
# ### Robust drop per transformation (mirrors ReCode's robustness tables)

# %%
label_rows = [(c, t) for c in CATEGORIES for t in [*CATEGORIES[c], f"{c} (category)"]]
grid = np.full((len(label_rows), len(SETTINGS)), np.nan)
for r in rows:
    grid[label_rows.index((r["category"], r["transformation"])), list(SETTINGS).index(r["setting"])] = r["RD"]

fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.9))
im = ax.imshow(grid, cmap="Reds", vmin=0, vmax=1, aspect="auto")
for (a, b), v in np.ndenumerate(grid):
    txt = "n/a" if np.isnan(v) else f"{v:.2f}"
    bold = "category" in label_rows[a][1]
    ax.text(b, a, txt, ha="center", va="center", fontsize=9, fontweight="bold" if bold else "normal",
            color="white" if (not np.isnan(v) and v > 0.6) else "black")
ax.set_xticks(range(len(SETTINGS)), [f"{k}\n(nominal {nominal[k].mean():.2f})" for k in SETTINGS])
ax.set_yticks(range(len(label_rows)), [t for _, t in label_rows])
for k, lab in enumerate(ax.get_yticklabels()):
    if "category" in label_rows[k][1]:
        lab.set_fontweight("bold")
ax.grid(False)
fig.colorbar(im, ax=ax, label=r"Robust Drop$_5$@1")
ax.set_title(r"Robust Drop$_5$@1 per transformation (mirrors ReCode's robustness tables)")
plot.show(fig)

part = table[(table.setting == "partial code") & table.transformation.str.contains("category")].set_index("category")
doc_set = table[(table.setting == "docstring prompt") & table.transformation.str.contains("category")]
doc_set = doc_set.set_index("category")
nom_part, nom_doc = float(nominal["partial code"].mean()), float(nominal["docstring prompt"].mean())
glue("rc_nom_part", float(nom_part), display=False)
glue("rc_nom_doc", float(nom_doc), display=False)
for cat in part.index:
    glue(f"rc_rd_part_{cat}", float(part.loc[cat, "RD"]), display=False)
    glue(f"rc_rp_part_{cat}", float(part.loc[cat, "RP"]), display=False)
for cat in doc_set.index:
    glue(f"rc_rd_doc_{cat}", float(doc_set.loc[cat, "RD"]), display=False)
glue("rc_rd_deadcode", float(table.set_index(["setting", "transformation"]).loc[("partial code", "deadcode"), "RD"]),
     display=False)

# %% [markdown]
# The nominal greedy pass@1 is {glue:text}`rc_nom_doc:.2f` with docstring prompts and {glue:text}`rc_nom_part:.2f`
# with partial-code prompts (the first statement is a large hint). In the partial-code setting the category-level
# robust drops are {glue:text}`rc_rd_part_docstring:.2f` (docstring), {glue:text}`rc_rd_part_names:.2f` (names),
# {glue:text}`rc_rd_part_syntax:.2f` (syntax) and {glue:text}`rc_rd_part_format:.2f` (format); with docstring
# prompts {glue:text}`rc_rd_doc_docstring:.2f`, {glue:text}`rc_rd_doc_names:.2f` and
# {glue:text}`rc_rd_doc_format:.2f`. The lab model was pre-trained with permuted variable names and unused statements,
# so renaming and dead code are patterns it has seen; the prototype of this chapter, on a model trained without
# them, lost 95-100 % of its partial-code passes to renaming and dead code. Renaming now costs much less, but an
# unused statement in the partial code still costs {glue:text}`rc_rd_deadcode:.2f` of the passes (worst case over five
# variants), although a tenth of the training solutions contained one: having seen a pattern in training does not make
# the completion that follows it reliable. Each row of the figure is a worst case
# over five variants, so even a transformation that rarely hurts a single variant shows a visible drop.
#
# ### The worst case tightens with the number of variants

# %%
s_grid = np.arange(1, cfg.s + 1)
fig, axes = plt.subplots(1, 2, figsize=plot.figsize(ncols=2, aspect=0.45), sharey=True)
curves = {}
for ax, (setting, cats) in zip(axes, SETTINGS.items()):
    for k, cat in enumerate(cats):
        curves[(setting, cat)] = np.array([robust(nominal[setting], category(setting, cat), s)["RP"] for s in s_grid])
        ax.plot(s_grid, curves[(setting, cat)], "o-", color=plot.PALETTE[k], label=cat)
    ax.axhline(nominal[setting].mean(), color=plot.COLORS["reference"], ls="--", label="nominal pass@1")
    ax.set(xlabel="number of variants $s$", title=setting, xticks=s_grid)
axes[0].set_ylabel(r"Robust Pass$_s$@1")
axes[1].legend(loc="lower left", fontsize=8)
fig.suptitle(r"Robust Pass$_s$@1 against $s$ per category (ReCode's worst case over $s$ variants)")
plot.show(fig)
glue("rc_rp1_doc", float(curves[("partial code", "docstring")][0]), display=False)
glue("rc_rp5_doc", float(curves[("partial code", "docstring")][S_MAIN - 1]), display=False)

# %% [markdown]
# In the partial-code setting the docstring category falls from {glue:text}`rc_rp1_doc:.2f` with one variant per
# transformation to {glue:text}`rc_rp5_doc:.2f` with five: each extra variant is one more chance to break the model.
#
# ### Flips in both directions

# %%
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.45))
labels = [f"{st.split()[0]}/{cat}" for st, cats in SETTINGS.items() for cat in cats]
sel = table[table.transformation.str.contains("category")]
xs = np.arange(len(sel))
minus = (sel.RR - sel.RR_plus).to_numpy()
ax.bar(xs, minus, color=plot.COLORS["baseline"], label="pass → fail (some variant)")
ax.bar(xs, sel.RR_plus.to_numpy(), bottom=minus, color=plot.COLORS["method"], label="fail → pass (some variant)")
ax.plot(xs, (sel.nominal * sel.RD).to_numpy(), "k_", ms=18, mew=2, label=r"RD$_5$@1 × nominal")
ax.set_xticks(xs, labels, rotation=30, ha="right")
ax.set(ylabel=r"Robust Relative$_5$@1", title=r"Robust Relative$_5$@1 split by flip direction (category level)")
ax.legend(fontsize=8)
plot.show(fig)
rr_plus_part = part["RR_plus"]
rr_plus_union = robust(nominal["partial code"], [m for c in SETTINGS["partial code"] for m in category("partial code", c)],
                       S_MAIN)["RR_plus"]
glue("rc_rrplus_union", float(rr_plus_union), display=False)
glue("rc_rrplus_min", float(rr_plus_part.min()), display=False)
glue("rc_rrplus_max", float(rr_plus_part.max()), display=False)

# %% [markdown]
# Robust Relative counts every problem whose outcome changes under some variant. Besides the pass-to-fail flips
# that Robust Drop also sees, between {glue:text}`rc_rrplus_min:.2f` and {glue:text}`rc_rrplus_max:.2f` of the
# partial-code problems flip from fail to pass under some variant of a category ({glue:text}`rc_rrplus_union:.2f`
# under some variant of some transformation): the model is unstable, not only degraded, as ReCode reports for its
# models. A perturbed prompt is a second, slightly different attempt, and for a model that is right on only about two
# thirds of the problems some of those attempts succeed where the nominal one failed.
#
# ### Example prompts (mirrors ReCode's example figure)

# %%
def show_prompt(p, prefix):
    return " ".join(tc.prompt_tokens(p, True, prefix)[2:])


ex = next(p for p in bench if "," in p.doc and len(p.program) > 12)
pre = first_statement(ex.program)
print("nominal      :", show_prompt(ex, pre))
for cat in SETTINGS["partial code"]:
    for name, fn in CATEGORIES[cat].items():
        q, qp = fn(ex, pre, random.Random(f"show/{name}"))
        print(f"{name:<13}:", show_prompt(q, qp))

# %% [markdown]
# ## Verdict

# %%
rp_part, rd_part = part["RP"], part["RD"]
c1 = bool((rp_part < nom_part).all() and (rd_part >= DROP_MIN).sum() >= N_CATS_MIN)
ledger.check("C1", measured=", ".join(f"{c} RD {rd_part[c]:.2f}" for c in rd_part.index) + f" (nominal {nom_part:.2f})",
             test=f"RP_5 < nominal for all 4 categories and RD_5 >= {DROP_MIN} for >= {N_CATS_MIN}", holds=c1)
mono = all(np.all(np.diff(v) <= 1e-12) for v in curves.values())
d_doc = float(curves[("partial code", "docstring")][0] - curves[("partial code", "docstring")][S_MAIN - 1])
ledger.check("C2", measured=f"monotone in all {len(curves)} curves: {mono}; docstring RP_1 - RP_5 = {d_doc:.3f}",
             test="RP_1 >= ... >= RP_5 for every category and setting, and RP_1 - RP_5 > 0 (docstring, partial)",
             holds=mono and d_doc > 0)
others = rd_part.drop("syntax")
ledger.check("C3", measured=f"syntax {rd_part['syntax']:.2f} vs max other {others.max():.2f} ({others.idxmax()})",
             test="RD_5(syntax) >= RD_5 of every other category (partial code)",
             holds=bool(rd_part["syntax"] >= others.max()))
ledger.check("C4", measured=f"union {rr_plus_union:.2f}; per category " +
             ", ".join(f"{c} {rr_plus_part[c]:.2f}" for c in rr_plus_part.index),
             test=f"fail->pass fraction RR+_5 >= {FLIP_MIN} for every partial-code category",
             holds=bool((rr_plus_part >= FLIP_MIN).all()))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **Word-level analogues, not ReCode's transformations.** TinyList prompts are pseudo-English over a 384-word
#   vocabulary, so a typo cannot produce a few odd sub-word tokens as with BPE: the word becomes `<unk>` and its
#   information is gone, which makes `typo` harsher than ButterFingers. There is no function name (the names family
#   renames variables), no loop (no for↔while) and no indentation (no tab/indent or line-split formats).
# - **Operand swap dropped.** The spec listed ReCode's operand swap on commutative `zipwith` operands. The partial
#   code is the first statement, which can only read the input `x`, so its operands are always `x x` and the swap
#   never changes the prompt; it is left out rather than reported as a perfectly robust transformation. The syntax
#   category is therefore dead code and variable renaming, the two syntax transformations ReCode found hardest
#   among its own.
# - **C4 revised once.** The spec's check for C4 was "RR_5@1 >= RD_5@1 x nominal for every category". That
#   inequality holds for any data (RR minus RD x nominal equals the fail-to-pass flips plus the problems failed
#   nominally and solved by every variant, both non-negative), so it could not fail. The revised check, fixed before
#   the first run, tests the claim itself, that perturbations also turn failures into passes: the fail-to-pass
#   fraction RR+ must reach 2 % (two problems of 100) in every partial-code category. A category's RR+ counts a
#   problem when *any* variant of *any* of its transformations passes (the best case), while its RP uses the worst
#   case over all of them.
# - **Greedy decoding only, one model.** ReCode also samples ($k>1$) and compares model families and sizes; the lab's
#   size ladder saturates above width 96, so "bigger is more robust" is not tested here. The spec also suggested a
#   second base model pre-trained without renamed variables and dead statements; the lab has one base model (with
#   them), and the prototype's numbers on a model without them (95-100 % drops for renaming and dead code) are quoted,
#   not re-measured.
# - **Benchmark size.** 100 problems in `ci` (1000 at `paper` scale): one problem is 0.01 of pass@1, so category
#   differences of a few points are within noise; the verdicts were checked for `SEED` 0-4, each a fresh
#   instantiation of the benchmark.
