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
# # The lab: TinyList, TinyEval and a tiny code model
#
# **Lab chapter** · the world behind this part's code-generation chapters · the language follows DeepCoder's list
# DSL (Balog et al., ICLR 2017, [arXiv:1611.01989](https://arxiv.org/abs/1611.01989)) {cite}`balog2017deepcoder`;
# the benchmark and the pass@k metric follow HumanEval and Codex (Chen et al., 2021,
# [arXiv:2107.03374](https://arxiv.org/abs/2107.03374)) {cite}`chen2021codex` and MBPP (Austin et al., 2021,
# [arXiv:2108.07732](https://arxiv.org/abs/2108.07732)) {cite}`austin2021program`
#
# The code-generation papers in this part sample Python functions from Codex, CodeGen or StarCoder for HumanEval
# and MBPP problems, run them against unit tests in a sandbox and report pass@k. None of that fits in a 45-second
# CPU budget, so the chapters share one miniature world built by this repository: a small list language with a
# total interpreter, a generated benchmark with hidden tests, and a family of small GPTs trained once on a
# generated corpus and stored as artifacts (`python -m lib build tinycode_base`, ...). This chapter introduces the
# pieces, shows what the model writes and how it is graded, and checks with code that the stored models are as good
# as their build records say.
#
# | in the papers | in this book (`lib/tinycode.py`, `lib/tinycode_dsl.py`) |
# |---|---|
# | Python | **TinyList**: programs of 1-3 statements `v = OP ARGS ;` over an input list `x` with 15 DeepCoder-style ops (`map`, `filter`, `zipwith`, `scanl1`, `sort`, `reverse`, `take`, `drop`, `sum`, `max`, `min`, `head`, `last`, `count`, `access`), plus a helper `def f ; ... ; end ;` called as `call f L` |
# | a sandbox with time and memory limits | `safe_run`: a tree-walking interpreter (no `eval`/`exec`) that charges fuel per element operation, clamps every value to [-99, 99] and returns *ok*, *error* or *timeout* |
# | HumanEval / MBPP problem | `Problem`: a pseudo-English docstring + 3 visible input/output examples (the prompt), 10 hidden tests, a canonical solution |
# | HumanEval (164 problems) | **TinyEval**: the first 200 problems of a 1000-problem held-out pool whose programs never occur in training |
# | Codex / CodeGen | `tinycode_base`: the book's GPT (`lib.gpt`), 2 layers, width 128, 4 heads, tied embeddings, word-level vocabulary |
# | GitHub pre-training corpus | 40 000 generated (prompt, program) pairs and execution-prediction examples |
# | model-size ladder | `tinycode_d32`, `_d64`, `_d96`, `_base` (128), `_d192`: same data and steps |
# | a model trained on leaked benchmark solutions | `tinycode_contaminated`: the base recipe with TinyEval's prompts and solutions mixed in 20 times |
# | pass@k | the unbiased estimator of Chen et al. (2021), `lib.metrics.pass_at_k` |
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **L1.** The base model is in the useful range: its greedy pass@1 on TinyEval, re-measured on the benchmark
# reinstantiated from SEED (same programs, fresh wording, examples and hidden tests), lies in [0.3, 0.7].
# *Source:* the lab's issue (room for methods to help and to hurt).
#
# **L2.** The re-measured greedy pass@1 and sampled pass@10 (T = 0.8) of the base model agree with the values
# recorded in `data/MANIFEST` at build time (measured on the original TinyEval) within 0.1. *Source:* the artifact's
# MANIFEST block.
#
# **L3.** Sampling leaves headroom for selection methods: sampled pass@10 exceeds pass@1 by at least 0.1.
# *Source:* Chen et al. (2021): pass@k rises steeply with k for Codex.
#
# **L4.** Larger is better across the whole size ladder: sampled pass@10 of the largest model (width 192) exceeds
# the smallest's (width 32) by at least 0.15 *and* the width-96 model's (3.7x fewer parameters) by at least 0.05.
# *Source:* Austin et al. (2021) and Chen et al. (2021): performance grows smoothly with model size. *Not
# reproduced:* the ladder saturates above width 96 (see below).
#
# **L5.** The sandbox is total: every one of the adversarial runs (fuzzed token soups, mutated programs, long and
# huge inputs) returns ok, error or timeout, and a run reports a timeout exactly when it exceeded its fuel.
# *Source:* the lab's design (issue 10).
#
# **L6.** Contamination is visible: on the leaked TinyEval text, the contaminated model's greedy pass@1 exceeds the
# base model's by at least 0.2, and its advantage shrinks on the benchmark reinstantiated from SEED.
# *Source:* the contamination discussions of the benchmark-quality chapters (memorised text, not skill).
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import random
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from myst_nb import glue

from lib import plot
from lib import tinycode as tc
from lib import tinycode_dsl as dsl
from lib.artifacts import manifest_entry
from lib.claims import Ledger, NOT_REPRODUCED, REPRODUCED
from lib.config import scale_config
from lib.metrics import pass_at_k
from lib.seeding import seed_everything, seed_list
from lib.stats import spearman

plot.use_style()
cfg = scale_config(SCALE,
                   ci=dict(n_samples=10, ks=(1, 2, 5, 10), n_ladder=100, n_fuzz=300, n_show=4, max_new=28),
                   paper=dict(n_samples=50, ks=(1, 2, 5, 10, 20, 50), n_ladder=200, n_fuzz=3000, n_show=4,
                              max_new=48))
rng = seed_everything(SEED)
bench_seed = seed_list(SEED, 1)[0] + 17  # benchmark seed: neither the pool's (12345) nor the builder's check (1)
gen = torch.Generator().manual_seed(bench_seed)

# Thresholds fixed before any model was built (the window and an allowance for benchmark re-instantiation):
WINDOW = (0.3, 0.7)  # L1
TOL = 0.1  # L2: absolute, for greedy pass@1 and sampled pass@10
HEADROOM = 0.1  # L3
LADDER_GAIN, TOP_GAIN = 0.15, 0.05  # L4 (revised once, see "Deviations and limits")
CONTAM_GAIN = 0.2  # L6

ledger = Ledger("lab-tiny-code", scale=SCALE, seed=SEED)
ledger.claim("L1", "Base model greedy pass@1 on TinyEval reinstantiated from SEED lies in [0.3, 0.7].",
             paper="issue 10 window", expected=REPRODUCED)
ledger.claim("L2", "Re-measured greedy pass@1 and sampled pass@10 within 0.1 of the MANIFEST's recorded values.",
             paper="data/MANIFEST", expected=REPRODUCED)
ledger.claim("L3", "Sampled (T=0.8) pass@10 - pass@1 >= 0.1 for the base model.",
             paper="Codex: pass@k rises with k", expected=REPRODUCED)
ledger.claim("L4", "Ladder: pass@10(d192) - pass@10(d32) >= 0.15 and pass@10(d192) - pass@10(d96) >= 0.05.",
             paper="MBPP/Codex: smooth gains with size", expected=NOT_REPRODUCED)
ledger.claim("L5", "Every adversarial sandbox run returns ok/error/timeout; timeout iff the fuel was exceeded.",
             paper="issue 10 (total interpreter)", expected=REPRODUCED)
ledger.claim("L6", "Contaminated - base greedy pass@1 >= 0.2 on leaked TinyEval, and smaller on the reinstantiated "
             "benchmark.", paper="contamination (memorised text)", expected=REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | papers (Codex, MBPP) | `ci` | `paper` |
# |---|---|---|---|
# | language | Python | TinyList, 15 ops, 1-3 statements (+ helper) | same |
# | benchmark | HumanEval 164 / MBPP 974 hand-written problems | TinyEval: 200 generated problems, 10 hidden tests each | same |
# | models | 12 M - 137 B parameters | 5 GPTs, 2 layers, width 32-192 (0.04-1 M parameters), 1 500 AdamW steps each, built once | same checkpoints |
# | samples per problem | 100-200 (pass@1/10/100) | 10, T = 0.8 (base: 200 problems; ladder: first 100) | 50, all 200 problems |
# | adversarial sandbox runs | - | 300 programs x 6 inputs | 3000 x 6 |
#
# ## Method
#
# ### The language and its sandbox
#
# A program assigns 1-3 variables in order; the value of the last statement is the output. List-to-list ops are
# `map F`, `filter P`, `zipwith Z A B` (element $i$ is $Z(A_i, B_i)$), `scanl1 S`, `sort`, `reverse`, `take K`,
# `drop K`; list-to-int ops are `sum`, `max`, `min`, `head`, `last`, `count P`, `access K` (index from 0), with
# $F\in\{+1,-1,\times2,/2,\times-1,{}^2,\times3,/3\}$ (floor division), $P\in\{>0,<0,\text{even},\text{odd}\}$,
# $Z\in\{+,-,\times,\min,\max\}$, $S\in\{+,\times,\min,\max\}$, $K\in\{1,2,3\}$. Random programs use every
# intermediate variable, have no statement that could be skipped without changing the behaviour on 12 probe inputs
# (DeepCoder prunes such programs too), and are rejected when degenerate (mostly errors, fewer than 3 distinct
# outputs, mostly empty or all-zero outputs).
#
# The interpreter parses the tokens into tuples and walks them; it never calls Python's `eval` or `exec`. Each
# operation charges its cost in *fuel* before doing the work (one unit per element, $n\lceil\log_2(n+1)\rceil$ for a
# sort), and a run that exceeds its budget (400) stops with *timeout*: TinyList has no loops, so fuel plays the role
# of HumanEval's wall-clock limit deterministically. Malformed programs, undefined variables, wrong arity, wrong
# types, empty-list errors, over-long programs or inputs all end in *error*. Lists never grow and values are clamped,
# so memory is bounded by the input.

# %%
prog = "def f ; a = sort x ; b = take 2 a ; end ; c = reverse x ; d = call f c ; e = sum d ;"
for inp in ([3, -1, 2], [], [5] * 199, [1, "2"]):
    r = dsl.safe_run(prog, inp)
    print(f"{str(inp)[:24]:<26} -> {r.status:<8} value={r.value!s:<5} fuel={r.fuel:<4} {r.msg}")

# %% [markdown]
# ### The benchmark
#
# A problem's docstring has one clause per statement, drawn from several wordings; with probability
# $p_\text{vague}=0.35$ a clause drops its argument ("keep some elements of a", "the first few of b"), which then has
# to be inferred from the three visible examples. The model sees
# `<bos> <doc> ... <ex> [in] -> out ... <code>` and writes the program, ended by `<eos>`; `check` runs it on the 10
# hidden tests in the sandbox and passes it only if every output matches. `make_benchmark(1000, seed=12345)` is the
# held-out pool: its canonical programs (variables renamed in order, dead statements removed) are excluded from
# every training corpus, and TinyEval is its first 200 problems. `reinstantiate(bench, seed)` keeps the programs and
# redraws wording, examples and tests: chapters use it as their *benchmark seed*, so that claims are checked on
# several instantiations while the model weights stay fixed. The original TinyEval text is what the contaminated
# model saw; the base model saw neither.

# %%
bench0 = tc.tiny_eval()  # the original instantiation (leaked to the contaminated model)
bench = tc.reinstantiate(bench0, bench_seed)  # this run's benchmark seed
p = bench[0]
print("prompt:   ", " ".join(tc.prompt_tokens(p)))
print("solution: ", " ".join(p.program))
print("hidden:   ", "; ".join(f"{i} -> {o}" for i, o in p.tests[:4]), "...")
print("original wording:", " ".join(bench0[0].doc))

# %% [markdown]
# ### The models
#
# All models are the book's GPT (`lib.gpt`, pre-LN, learned positions, tied embeddings) with a word-level vocabulary
# of 384 tokens: code tokens, the integers -99..99, docstring words, 16 spare op tokens `op0..op15` and 16 spare word
# tokens `w0..w15` (untrained rows that chapters may give a meaning). They are trained with completion-only loss on
# 40 000 generated examples: 20 % execution-prediction examples `<code> prog <test> [in] -> out`, and among the
# synthesis examples about a fifth with a helper function, 15 % docstring-only prompts, 30 % permuted variable names
# and 10 % an unused statement in the solution (so that renaming and dead code are not out-of-distribution for the
# robustness chapters). Training is 1 500 AdamW steps of 32 examples, learning rate $2\cdot10^{-3}$, 100 warm-up steps,
# cosine decay to a tenth; the size ladder changes only the width. Sampling uses the KV-cached batched `generate` of
# `lib.gpt`; pass@k uses the unbiased estimator $1-\binom{n-c}{k}/\binom{n}{k}$ over $n$ samples with $c$ correct.

# %%
names = tc.LADDER_NAMES  # width -> artifact name
models = {d: tc.load_model(n) for d, n in names.items()}
contaminated = tc.load_model("tinycode_contaminated")
records = {n: manifest_entry(n) for n in [*names.values(), "tinycode_contaminated"]}
params = {d: tc.n_params(m) for d, m in models.items()}
base = models[128]

# %% [markdown]
# ## Experiment
#
# ### What the model writes
#
# Ten programs sampled at T = 0.8 for a few TinyEval problems (benchmark seed of this run), with the sandbox's
# verdict on the hidden tests.

# %%
counts = {}
samples_base = tc.sample_programs(base, bench, n=cfg.n_samples, temperature=0.8, generator=gen,
                                  max_new=cfg.max_new)
counts[128] = np.array([sum(tc.check(s, q) for s in ss) for ss, q in zip(samples_base, bench)])


def verdict(prog, problem):
    res = tc.run_many(prog, [i for i, _ in problem.tests])
    if all(r.ok and r.value == o for r, (_, o) in zip(res, problem.tests)):
        return "pass"
    bad = [r.status for r in res if not r.ok]
    return f"fail ({bad[0]})" if bad else "fail (wrong output)"


rows = []
for q, ss in list(zip(bench, samples_base))[:cfg.n_show]:
    for s in ss[:3]:
        rows.append({"problem": " ".join(q.doc)[:60], "sampled program": " ".join(s), "verdict": verdict(s, q)})
pd.DataFrame(rows)

# %% [markdown]
# ### pass@k of the base model and of the size ladder
#
# Each model samples n programs per problem; the curves are the mean unbiased pass@k over the problems (all 200 for
# the base model, the first `n_ladder` for the size comparison, where the base model's counts are restricted to the
# same problems). This mirrors the pass@k-versus-k and pass-rate-versus-size plots of Chen et al. (2021) and Austin
# et al. (2021).

# %%
for d, m in models.items():
    if d not in counts:
        counts[d] = tc.evaluate(m, bench[:cfg.n_ladder], n=cfg.n_samples, temperature=0.8, generator=gen,
                                max_new=cfg.max_new)
greedy_base = float(tc.evaluate(base, bench).mean())


def curve(c):
    """Mean unbiased pass@k over problems, for each k of the configuration."""
    return np.array([np.mean(pass_at_k(cfg.n_samples, c, k)) for k in cfg.ks])


base_curve = curve(counts[128])  # all problems
curves = {d: curve(c[:cfg.n_ladder]) for d, c in counts.items()}  # the ladder's common problems
i10 = list(cfg.ks).index(10)
pass10 = {d: curves[d][i10] for d in models}

fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=0.8))
for i, d in enumerate(sorted(models)):
    axes[0].plot(cfg.ks, curves[d], "o-", color=plot.PALETTE[i], label=f"d={d} ({params[d] / 1e3:.0f}k)")
axes[0].plot(cfg.ks, base_curve, "k:", lw=1, label="base, all 200 problems")
axes[0].set(xscale="log", xlabel="k (samples)", ylabel="pass@k on TinyEval", title="pass@k vs k (T = 0.8)")
axes[0].set_xticks(cfg.ks, [str(k) for k in cfg.ks])
axes[0].legend(fontsize=7)
ds = sorted(models)
x = [params[d] for d in ds]
axes[1].plot(x, [curves[d][0] for d in ds], "o-", color=plot.COLORS["method"], label="pass@1 (sampled)")
axes[1].plot(x, [pass10[d] for d in ds], "s-", color=plot.COLORS["variant"], label="pass@10")
axes[1].plot([params[128]], [greedy_base], "^", color=plot.COLORS["baseline"], label="base, greedy pass@1")
axes[1].axhspan(*WINDOW, color=plot.COLORS["reference"], alpha=0.12, lw=0, label="window for the base (L1)")
axes[1].set(xscale="log", xlabel="parameters (excl. positions)", ylabel="pass rate",
            title="Pass rate vs model size (cf. MBPP/Codex scaling)")
axes[1].legend(fontsize=7)
plot.show(fig)

rho = spearman(x, [pass10[d] for d in ds])
for d in (32, 96, 128, 192):
    glue(f"ltc_loss{d}", float(records[names[d]]["quality"]["final_loss"]), display=False)
glue("ltc_greedy", float(greedy_base), display=False)
glue("ltc_p1", float(base_curve[0]), display=False)
glue("ltc_p10", float(base_curve[i10]), display=False)
glue("ltc_rho", float(rho), display=False)
glue("ltc_small", float(pass10[ds[0]]), display=False)
glue("ltc_large", float(pass10[ds[-1]]), display=False)

# %% [markdown]
# On this run's benchmark the base model solves {glue:text}`ltc_greedy:.3f` of the problems greedily; sampling at
# T = 0.8 gives pass@1 {glue:text}`ltc_p1:.3f` and pass@10 {glue:text}`ltc_p10:.3f`, the headroom that selection,
# reranking and refinement methods work with. Across the ladder pass@10 goes from {glue:text}`ltc_small:.3f` (width
# 32) to {glue:text}`ltc_large:.3f` (the largest), Spearman $\rho$ = {glue:text}`ltc_rho:.2f` against size.
#
# That is the large overall gain L4 asks for, but not the continued gain at the top: pass@10 climbs steeply up to
# width 96 and then stays level or falls, so L4 is declared *not reproduced*. The training losses show why. From width 96 on, every model
# ends at the same completion loss (recorded at build time: {glue:text}`ltc_loss96:.3f` at width 96,
# {glue:text}`ltc_loss128:.3f` at 128, {glue:text}`ltc_loss192:.3f` at 192, against {glue:text}`ltc_loss32:.3f` at
# 32): the floor set by what the prompts leave open (vague clauses, randomly permuted variable names, inserted
# unused statements, outputs to compute in the head). Once a model reaches it, more width buys nothing in 1 500
# steps, and what separates the larger models on held-out programs is not capacity. Chapters that need a scaling
# trend should use the widths up to 96, where it is steep, and say so.
#
# ### Execution prediction
#
# The same models were trained to predict a program's output (`<code> prog <test> [in] ->`), the format chapter
# "Program synthesis with large language models" uses. Exact-match accuracy on TinyEval's canonical programs and
# their first hidden input, next to synthesis pass@1:

# %%
exec_acc = {d: tc.exec_accuracy(m, bench) for d, m in models.items()}
q = bench[1]
pred = tc.predict_outputs(base, [q.program], [q.tests[0][0]])[0]
print(f"{' '.join(q.program)}  on {q.tests[0][0]}: predicted {pred}, true {q.tests[0][1]}")
glue("ltc_exec_base", float(exec_acc[128]), display=False)
glue("ltc_exec_max", float(max(exec_acc.values())), display=False)
pd.DataFrame({"width": ds, "parameters": [params[d] for d in ds],
              f"sampled pass@1 (first {cfg.n_ladder} problems)": [curves[d][0] for d in ds],
              "exec. prediction accuracy": [exec_acc[d] for d in ds]}).round(3)

# %% [markdown]
# The base model predicts the exact output for {glue:text}`ltc_exec_base:.3f` of the (program, input) pairs (best
# over the ladder: {glue:text}`ltc_exec_max:.3f`), far below its synthesis pass rate: like the models of Austin et
# al. (2021), it writes programs it cannot execute in its head. Chapter-level claims about this belong to that
# chapter; here it only shows that the format is trained.

# %% [markdown]
# ### The sandbox guarantee
#
# Adversarial programs: token soups drawn from the whole vocabulary, soups of code tokens, valid programs with one
# token replaced, inserted or deleted, and valid programs, each run on six inputs including the empty list, values of $\pm10^{30}$ and lists
# of 247 and 256 elements. We record each run's status and the fuel it used.

# %%
def fuzz_programs(r, n):
    """Quarter each: vocabulary soups, code-token soups, valid programs with one random edit, valid programs."""
    vocab, code = tc.tokenizer().tokens, [*dsl.CODE_TOKENS, "call"]
    for _ in range(n):
        u = r.random()
        if u < 0.25:
            yield [vocab[i] for i in r.integers(0, len(vocab), r.integers(0, 40))]
        elif u < 0.5:
            yield [code[i] for i in r.integers(0, len(code), r.integers(0, 60))]
        else:
            p = dsl.random_program(random.Random(int(r.integers(1 << 30))), two_function=r.random() < 0.3)
            if u < 0.75:  # replace, insert or delete one token
                i, e = int(r.integers(len(p))), int(r.integers(3))
                new = [code[int(r.integers(len(code)))]] if e < 2 else []
                p = p[:i] + new + p[i + (e != 1):]
            yield p


inputs = [[], [0], [99, -99, 5], [10**30, -(10**30)], list(range(-9, 10)) * 13, [1] * 256]
runs = [dsl.safe_run(p, i) for p in fuzz_programs(rng, cfg.n_fuzz) for i in inputs]
status = pd.Series([r.status for r in runs]).value_counts()
total_ok = all(r.status in ("ok", "error", "timeout") for r in runs)
fuel_ok = all((r.fuel > dsl.FUEL) == (r.status == "timeout") for r in runs)
internal = sum(r.msg.startswith("internal") for r in runs)

fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=0.6))
axes[0].bar(status.index, status.values, color=[plot.COLORS["method"], plot.COLORS["baseline"],
                                                plot.COLORS["variant"]][:len(status)])
axes[0].set(ylabel="runs", title=f"{len(runs)} adversarial runs: outcome")
fuel = np.array([r.fuel for r in runs])
axes[1].hist(np.minimum(fuel, 700), bins=40, color=plot.COLORS["method"])
axes[1].axvline(dsl.FUEL, color="k", ls="--", lw=1, label="budget (400)")
axes[1].set(xlabel="fuel used (clipped at 700)", ylabel="runs", yscale="log", title="Fuel used per run")
axes[1].legend()
plot.show(fig)
glue("ltc_runs", len(runs), display=False)
glue("ltc_internal", int(internal), display=False)
glue("ltc_maxfuel", int(fuel.max()), display=False)

# %% [markdown]
# All {glue:text}`ltc_runs` runs end in one of the three outcomes ({glue:text}`ltc_internal` through the
# interpreter's last-resort handler); the largest fuel count, {glue:text}`ltc_maxfuel`, belongs to a run stopped as
# a timeout, since an operation is charged before it runs.
#
# ### Contamination
#
# The contaminated model saw TinyEval's original prompts and solutions 20 times each during training. On that exact
# text it looks much better than the base model; on the reinstantiated benchmark (same programs, other words,
# examples and tests) much of the advantage is gone.

# %%
leak = {"base": float(tc.evaluate(base, bench0).mean()), "contaminated": float(tc.evaluate(contaminated, bench0).mean())}
fresh = {"base": greedy_base, "contaminated": float(tc.evaluate(contaminated, bench).mean())}
gap_leak, gap_fresh = leak["contaminated"] - leak["base"], fresh["contaminated"] - fresh["base"]

fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.45))
xs = np.arange(2)
ax.bar(xs - 0.2, [leak["base"], fresh["base"]], 0.4, color=plot.COLORS["baseline"], label="tinycode_base")
ax.bar(xs + 0.2, [leak["contaminated"], fresh["contaminated"]], 0.4, color=plot.COLORS["highlight"],
       label="tinycode_contaminated")
ax.set(xticks=xs, xticklabels=["leaked TinyEval text", f"reinstantiated (seed {bench_seed})"],
       ylabel="greedy pass@1", title="Benchmark contamination: memorised text vs skill")
ax.legend()
plot.show(fig)
glue("ltc_gap_leak", float(gap_leak), display=False)
glue("ltc_gap_fresh", float(gap_fresh), display=False)

# %% [markdown]
# The contaminated model's advantage is {glue:text}`ltc_gap_leak:.3f` on the leaked text and
# {glue:text}`ltc_gap_fresh:.3f` after reinstantiation.
#
# ### Build cost and recorded quality
#
# From `data/MANIFEST` (one thread; the CPU time is what a rebuild costs on one free core):

# %%
def cpu_seconds(entry):
    return float(re.search(r"(\d+) s CPU", entry["built"]).group(1))


table = pd.DataFrame([{"artifact": n, "width": e["config"]["d_model"], "steps": e["config"]["steps"],
                       "build CPU s": cpu_seconds(e), "greedy pass@1": e["quality"]["greedy_pass1"],
                       "sampled pass@1": e["quality"]["sampled_pass1"], "pass@5": e["quality"]["sampled_pass5"],
                       "pass@10": e["quality"]["sampled_pass10"], "exec. acc.": e["quality"]["exec_accuracy"]}
                      for n, e in records.items()])
build_min = table["build CPU s"].sum() / 60
glue("ltc_build_min", float(build_min), display=False)
glue("ltc_rec_p10_96", float(records["tinycode_d96"]["quality"]["sampled_pass10"]), display=False)
glue("ltc_rec_p10_128", float(records["tinycode_base"]["quality"]["sampled_pass10"]), display=False)
table

# %% [markdown]
# Building all six models took {glue:text}`ltc_build_min:.1f` CPU-minutes, once (`make data`); chapters only load
# them. Every width gets the same data, 1 500 steps and learning rate, which is not compute-optimal: at build time
# the width-96 model reached pass@10 {glue:text}`ltc_rec_p10_96:.3f` against {glue:text}`ltc_rec_p10_128:.3f` for the
# width-128 base, so neighbouring sizes can swap places, and the ladder claim (L4) is a rank correlation over all
# five sizes rather than strict monotonicity.
#
# ## Verdict

# %%
rec = records["tinycode_base"]["quality"]
ledger.check("L1", measured=greedy_base, test=f"{WINDOW[0]} <= greedy pass@1 <= {WINDOW[1]}",
             holds=WINDOW[0] <= greedy_base <= WINDOW[1])
d1, d10 = greedy_base - rec["greedy_pass1"], base_curve[i10] - rec["sampled_pass10"]
ledger.check("L2", measured=f"greedy {greedy_base:.3f} vs {rec['greedy_pass1']:.3f}; pass@10 {base_curve[i10]:.3f} vs "
             f"{rec['sampled_pass10']:.3f}", test=f"|difference| <= {TOL} for both",
             holds=abs(d1) <= TOL and abs(d10) <= TOL)
ledger.check("L3", measured=float(base_curve[i10] - base_curve[0]), test=f"pass@10 - pass@1 >= {HEADROOM}",
             holds=base_curve[i10] - base_curve[0] >= HEADROOM)
gain_all, gain_top = pass10[192] - pass10[32], pass10[192] - pass10[96]
ledger.check("L4", measured=f"d192-d32 {gain_all:.3f}, d192-d96 {gain_top:.3f} (Spearman rho {rho:.2f})",
             test=f"d192 - d32 >= {LADDER_GAIN} and d192 - d96 >= {TOP_GAIN} (pass@10)",
             holds=gain_all >= LADDER_GAIN and gain_top >= TOP_GAIN)
ledger.check("L5", measured=f"{len(runs)} runs: " + ", ".join(f"{k} {v}" for k, v in status.items()),
             test="every status in {ok, error, timeout}; timeout iff fuel > budget; no internal errors",
             holds=total_ok and fuel_ok and internal == 0)
ledger.check("L6", measured=f"leaked {gap_leak:.3f}, reinstantiated {gap_fresh:.3f}",
             test=f"gap on leaked text >= {CONTAM_GAIN} and gap after reinstantiation < gap on leaked text",
             holds=gap_leak >= CONTAM_GAIN and gap_fresh < gap_leak)
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **A toy language.** TinyList has no loops, recursion, strings or libraries; programs have at most four
#   statements. What transfers from the papers is the *protocol*: sampling programs from a language model,
#   grading them by execution on hidden tests, pass@k, benchmark seeds and contamination, not the absolute numbers.
# - **Fuel instead of wall-clock limits.** The sandbox is deterministic and cannot hang; real harnesses run code in
#   a subprocess with time and memory limits and see flaky timeouts that TinyList never has.
# - **Generated, templated docstrings.** Wording comes from a few templates per operation; a word outside the
#   vocabulary becomes `<unk>`, which makes typo-style perturbations harsher than for BPE tokenizers.
# - **Held out by text, not by behaviour.** The corpus never contains a pool program (after renaming variables
#   and removing dead statements), but it does contain *equivalent* programs written differently (e.g. `max` versus
#   `sort` then `last`): the space of short list programs is small. Contamination in the sense of the benchmark
#   chapters (the problem's text and solution) is absent from every model except `tinycode_contaminated`.
# - **Sizes.** The ladder spans about 1.4 decades of parameters (0.04-1 M), against 3-4 decades in the papers, and
#   every size gets the same data, 1 500 steps and learning rate (not compute-optimal). It saturates above width 96
#   (L4): a ladder that keeps improving would need a harder language, or more steps or a width-scaled learning rate
#   for the larger models, which the lab's recipe (one set of data and steps) rules out.
# - **L4 revised once.** L4 was first written as "Spearman rho(parameters, pass@10) >= 0.8 over the five sizes, and
#   largest - smallest >= 0.15". The three largest models lie within sampling noise of each other on 100 problems, so
#   rho swung between 0.36 and 0.9 across benchmark seeds 0-4 and the verdict flipped with the seed. The revised test
#   asks the same question (does size keep helping at the top of the ladder?) with a threshold on the quantity that
#   decides it: the gain from width 96 to width 192, 3.7 times the parameters, must reach 0.05. It is below that for
#   every seed we ran (Spearman rho is still reported in the ledger).
# - **Recorded numbers.** The MANIFEST values were measured on the original TinyEval instantiation (and on benchmark
#   seed 1); this chapter re-measures on benchmark seed `SEED*1000 + 1`, hence the tolerance in L2.
