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
# # R-Tuning: Teaching Large Language Models to Refuse Unknown Questions
#
# **Hanning Zhang, Shizhe Diao, Yong Lin, Yi R. Fung, Qing Lian, Xingyao Wang, Yangyi Chen, Heng Ji, Tong Zhang**
# · *NAACL 2024* · [arXiv:2311.09677](https://arxiv.org/abs/2311.09677) · {cite}`zhang2024rtuning`
#
# Instruction tuning shows a model a question and a reference answer and trains it to produce that answer, whether
# or not the pretrained model ever learned the fact behind it. The paper argues that this teaches the model to
# make things up: on a question outside its parametric knowledge it has been trained to guess with full
# confidence. R-Tuning (refusal-aware instruction tuning) first asks the *pretrained* model every training
# question; where its prediction matches the label the question is *certain*, otherwise *uncertain*. Every
# training target then gets a short self-assessment appended ("... Are you sure you accurately answered the
# question based on your internal knowledge? I am sure" or "I am unsure"), and the model is fine-tuned on that.
# At test time the model's normalised probability of "sure" after its own answer is a confidence score: the
# questions it is willing to answer are answered more accurately than vanilla fine-tuning answers all questions,
# and ranking answers by that confidence gives a higher average precision (AP) than vanilla fine-tuning on
# ParaRel, MMLU and out-of-domain sets; the paper also finds that learning the uncertainty in training beats
# estimating it at test time from the vanilla model's answer probabilities. Here the "LLM" is the book's tiny
# character GPT ({doc}`the lab <lab-tiny-lm>`), whose parametric knowledge is exactly the fact table it read in
# pretraining, in the spirit of asking whether language models know what they know {cite}`kadavath2022know`.
#
# ```{admonition} Claims tested in this chapter
# :class: tip
# **C1.** (central) On held-out in-domain questions, R-Tuning's accuracy on the questions it is willing to answer
# (P(sure) > 0.5) is higher than vanilla fine-tuning's accuracy on all questions, reliably by more than the spec's
# margin of 0.05 (paper: accuracy figure for ParaRel and MMLU, R-Tuning above vanilla on every dataset).
# **Declared not reproduced:** R-Tuning is above vanilla on average, by about 0.07, but not reliably by the margin.
#
# **C2.** R-Tuning answers questions about known (pretrained) entities far more often than about unknown ones:
# answer rate gap >= 0.3 (paper: the knowledge-gap motivation; refusal concentrated on questions outside the
# pretrained knowledge).
#
# **C3.** Ranking R-Tuning's answers by P(sure) gives an AP at least as high as ranking the vanilla model's answers
# by their own answer probability (paper: AP table; "learning uncertainty during training" beats
# "uncertainty-based testing").
#
# **C4.** The refusal skill transfers: R-Tuning trained on the `city` relation only ranks answers to the unseen
# `job` relation with AP(P(sure)) more than 0.1 above the base rate of correct answers (paper: out-of-domain
# results on HaluEval, FalseQA, NEC).
# ```

# %% tags=["parameters"]
SCALE = "ci"  # "ci": <= 45 s on one core; "paper": the paper-like configuration, same code path
SEED = 0  # every source of randomness derives from SEED

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from myst_nb import glue
from sklearn.metrics import average_precision_score, precision_recall_curve

from lib import gpt, plot
from lib import tinylm as T
from lib.artifacts import manifest_entry
from lib.claims import Ledger, NOT_REPRODUCED
from lib.config import scale_config
from lib.seeding import seed_everything, seed_list
from lib.stats import Estimate

plot.use_style()
cfg = scale_config(SCALE,
                   ci=dict(n_splits=2, refusal_splits=0, n_train=200, steps=80, batch_size=32, lr=1e-3, n_boot=1000),
                   paper=dict(n_splits=5, refusal_splits=5, n_train=200, steps=80, batch_size=32, lr=1e-3,
                              n_boot=10_000))
seed_everything(SEED)
splits = seed_list(SEED, cfg.n_splits)

ledger = Ledger("r-tuning", scale=SCALE, seed=SEED)
ledger.claim("C1", "Accuracy on willingly answered questions (R-Tuning, P(sure)>0.5) exceeds vanilla SFT's accuracy "
             "by more than 0.05, reliably.", paper="ParaRel/MMLU accuracy figure: R-Tuning above vanilla on every "
             "dataset", expected=NOT_REPRODUCED)
ledger.claim("C2", "R-Tuning's answer rate on known entities exceeds that on unknown entities by >= 0.3.",
             paper="refusal of questions outside the parametric knowledge", expected=NOT_REPRODUCED)
ledger.claim("C3", "AP of R-Tuning ranked by P(sure) >= AP of vanilla ranked by its answer probability.",
             paper="AP table; learned uncertainty beats uncertainty-based testing", expected=NOT_REPRODUCED)
ledger.claim("C4", "R-Tuning trained on `city` only: AP(P(sure)) on `job` > base rate + 0.1.",
             paper="out-of-domain transfer (HaluEval, FalseQA, NEC)", expected=NOT_REPRODUCED)

# %% [markdown]
# ## Scale
#
# | | paper | `ci` | `paper` |
# |---|---|---|---|
# | model | OpenLLaMA-3B, LLaMA-7B/13B | the lab's base GPT (characters) | the same |
# | parametric knowledge | pretraining corpus | 400 entities x 2 relations read in pretraining, 400 never seen | the same |
# | training questions | ParaRel ID relations, MMLU, HotpotQA, ... | `city` of 200 known + 200 unknown entities = 400 | the same |
# | in-domain test | held-out ParaRel ID questions | `city` of the other 200 + 200 entities = 400 | the same |
# | out-of-domain test | ParaRel OOD relations, HaluEval, FalseQA, NEC | `job` of the test entities = 400 | the same |
# | fine-tuning | identical for vanilla and R-Tuning | 80 steps of batch 32 (6.4 epochs), lr 1e-3, identical for every variant | the same |
# | replicates | one run | 2 splits (+ fine-tuning seeds), pooled | 5, pooled |
# | variants | vanilla, R-Tuning, R-Tuning-R, ... | vanilla, R-Tuning | + R-Tuning-R |
#
# Both scales repeat the whole experiment on several entity splits (two at `ci`, five at `paper`) and pool the
# test questions; the claims' bootstrap runs over all of them.

# %% [markdown]
# ## Method
#
# **Knowledge-gap identification** (paper, Sec. 3.1). The pretrained model answers every training question
# greedily in the pretraining question template (`where does kobiz live? `); the question is *certain* ($D_1$)
# when the predicted value equals the label and *uncertain* ($D_0$) otherwise. The paper's released code does
# exactly this with a `Question: ... Answer:` prompt and greedy decoding up to the first period.
#
# **Refusal-aware data** (Sec. 3.2). Vanilla fine-tuning trains on `rome.$`. R-Tuning appends the
# self-assessment: `rome. sure$` for $D_1$ and `rome. unsure$` for $D_0$; the answer always stays the label, and
# the self-assessment follows it (the paper's padding is the question "Are you sure you accurately answered the
# question based on your internal knowledge?" followed by "I am sure." / "I am unsure."; our model's context is
# 64 characters, so we keep only the last word). **R-Tuning-R** is the refusal variant: uncertain targets are
# replaced by a refusal (`i do not know.$`), certain ones keep the plain answer.
#
# **Test-time confidence** (Sec. 4, and the released evaluation code). The model answers greedily up to the
# period; then, with its own answer in context, the confidence is the normalised probability of the "sure"
# continuation,
#
# $$c_{\text{R}}(x) = \frac{p(\text{ sure\$} \mid x, \hat a)}{p(\text{ sure\$} \mid x, \hat a) + p(\text{ unsure\$} \mid x, \hat a)},$$
#
# and the model *answers willingly* when $c_{\text{R}} > 0.5$. The vanilla model's confidence is its answer
# probability, the geometric mean of the answer tokens' probabilities (as in the released evaluation code). AP is
# scikit-learn's average precision with correctness as the label and the confidence as the score, i.e. the area
# under the precision-recall curve of answers ranked by confidence. All variants fine-tune the same base with the
# same steps, batches and learning rate, loss on the answer only.

# %%
world = T.FactWorld(seed=manifest_entry("tinylm_base")["config"]["world_seed"])
SURE, UNSURE, REFUSE = " sure", " unsure", "i do not know"
ID, OOD = ("city",), ("job",)  # fine-tuning and in-domain test relation; held-out relation
VARIANTS = ("vanilla", "rtuning", "refusal")


def qa_items(entities, relations=T.RELATIONS) -> list[tuple[int, str]]:
    """(entity, relation) for every entity and relation."""
    return [(int(e), r) for r in relations for e in entities]


def greedy(model, items, max_new: int = 16) -> tuple[list[str], list[str]]:
    """Greedy answers (the value before the first period) and raw completions."""
    raw = T.complete(model, [world.prompt(e, r) for e, r in items], max_new=max_new)
    return [T.fact_answer(o) for o in raw], raw


def knowledge_gap(base, items) -> np.ndarray:
    """Sec. 3.1: certain (D1) where the pretrained model's greedy prediction equals the label."""
    answers, _ = greedy(base, items, max_new=10)
    return np.array([a == world.value(e, r) for a, (e, r) in zip(answers, items)])


def targets(items, certain, variant: str) -> list[str]:
    """Fine-tuning targets: vanilla, R-Tuning (sure/unsure padding) or R-Tuning-R (refusal)."""
    out = []
    for (e, r), c in zip(items, certain):
        v = world.value(e, r)
        if variant == "vanilla":
            out.append(f"{v}.$")
        elif variant == "rtuning":
            out.append(f"{v}.{SURE if c else UNSURE}$")
        elif variant == "refusal":
            out.append(f"{v}.$" if c else f"{REFUSE}.$")
        else:
            raise ValueError(variant)
    return out


def finetune(items, certain, variant: str, seed: int):
    """A fresh copy of the base fine-tuned on the variant's targets (identical recipe for every variant)."""
    model = T.load_base()
    prompts = [T.encode(world.prompt(e, r)) for e, r in items]
    comps = [T.encode(t) for t in targets(items, certain, variant)]
    T.sft(model, prompts, comps, steps=cfg.steps, lr=cfg.lr, batch_size=cfg.batch_size, seed=seed)
    return model


def token_logprobs(model, prompts, completions) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-token log-probabilities (and mask) of text completions given text prompts."""
    with torch.no_grad():
        return gpt.completion_logprobs(model, [T.encode(p) for p in prompts], [T.encode(c) for c in completions],
                                       pad=T.PAD)


def evaluate(model, items, variant: str) -> dict:
    """Greedy answers, correctness, answer probability and (R-Tuning) P(sure) / (R-Tuning-R) refusals."""
    answers, raw = greedy(model, items, max_new=8 if variant != "refusal" else 14)
    prompts = [world.prompt(e, r) for e, r in items]
    lp, mask = token_logprobs(model, prompts, [a + ". s" for a in answers])
    n_ans = torch.tensor([len(a) for a in answers])
    ans_lp = (lp * (torch.arange(lp.shape[1])[None] < n_ans[:, None])).sum(1)
    out = dict(correct=np.array([a == world.value(e, r) for a, (e, r) in zip(answers, items)]),
               p_answer=np.where(n_ans > 0, torch.exp(ans_lp / n_ans.clamp(min=1)).numpy(), 0.0))  # geometric mean
    if variant == "rtuning":
        l_s = lp.gather(1, (n_ans + 2)[:, None]).squeeze(1)  # log p("s" | x, answer, ". ")
        l_u = token_logprobs(model, [p + a + ". " for p, a in zip(prompts, answers)], ["u"] * len(items))[0][:, 0]
        out["p_sure"] = torch.sigmoid(l_s - l_u).numpy()  # normalised P(sure), Eq. above
        out["answered"] = out["p_sure"] > 0.5
    elif variant == "refusal":
        out["answered"] = np.array([not o.startswith(REFUSE) for o in raw])
    return out


# %% [markdown]
# ## Experiment
#
# Per split seed: 200 known and 200 unknown entities for instruction tuning, the other 200 + 200 for testing.
# As in the paper's ParaRel setup, fine-tuning sees one part of the relations (here `city`); the test asks `city`
# about the held-out entities (in-domain) and `job` about them (out-of-domain). Fine-tunings of the same
# base: vanilla and R-Tuning (and, at `paper` scale, R-Tuning-R).

# %%
def run_split(seed: int, variants=VARIANTS) -> dict:
    """One replicate: split, knowledge-gap identification, the fine-tunings, ID (city) and OOD (job) tests."""
    g = np.random.default_rng(seed)
    kn, un = g.permutation(world.known), g.permutation(world.unknown)
    n = cfg.n_train
    train_e, test_e = np.r_[kn[:n], un[:n]], np.r_[kn[n:], un[n:]]
    train, test, ood = qa_items(train_e, ID), qa_items(test_e, ID), qa_items(test_e, OOD)
    base = T.load_base()
    certain = knowledge_gap(base, train)
    res = dict(seed=seed, train=train, test=test, certain=certain, base_test_correct=knowledge_gap(base, test))
    for variant in variants:
        model = finetune(train, certain, variant, seed)
        res[variant] = evaluate(model, test, variant)
        if variant == "rtuning":
            res["ood"] = evaluate(model, ood, variant)
    return res


runs = [run_split(s, VARIANTS if k < cfg.refusal_splits else VARIANTS[:2]) for k, s in enumerate(splits)]
rr_runs = [r for r in runs if "refusal" in r]  # R-Tuning-R is in no claim: it runs at `paper` scale only


def pooled(key: str, field: str, among=None) -> np.ndarray:
    among = runs if among is None else among
    return np.concatenate([r[key][field] for r in among]) if among else np.array([])


is_known = np.concatenate([[e < world.n_known for e, _ in r["test"]] for r in runs])
certain_tr = np.concatenate([r["certain"] for r in runs])
known_tr = np.concatenate([[e < world.n_known for e, _ in r["train"]] for r in runs])
van_ok, rt_ok, rr_ok = pooled("vanilla", "correct"), pooled("rtuning", "correct"), pooled("refusal", "correct", rr_runs)
answered, p_sure = pooled("rtuning", "answered"), pooled("rtuning", "p_sure")
rr_answered = pooled("refusal", "answered", rr_runs)
van_conf, rt_conf = pooled("vanilla", "p_answer"), pooled("rtuning", "p_answer")


def ap(correct, score) -> float:
    return float(average_precision_score(correct, score)) if correct.any() else float("nan")


def acc_answered(correct, ans) -> float:
    return float(correct[ans].mean()) if ans.any() else float("nan")


# %%
# Fig. 1: the knowledge gap of the training questions (mirrors the paper's pipeline figure, Fig. 1)
counts = pd.DataFrame({"certain (D1)": [int((certain_tr & known_tr).sum()), int((certain_tr & ~known_tr).sum())],
                       "uncertain (D0)": [int((~certain_tr & known_tr).sum()), int((~certain_tr & ~known_tr).sum())]},
                      index=["known entity", "unknown entity"])
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.45))
im = ax.imshow(counts.values, cmap="Blues", vmin=0)
for (i, j), v in np.ndenumerate(counts.values):
    ax.text(j, i, f"{v}", ha="center", va="center", color="white" if v > counts.values.max() / 2 else "black")
ax.set(xticks=[0, 1], xticklabels=counts.columns, yticks=[0, 1], yticklabels=counts.index,
       title="Fig. 1: training questions split by the pretrained model's predictions\n(mirrors the paper's Fig. 1)")
ax.grid(False)
plot.show(fig)
glue("rt_d1", float(certain_tr.mean()), display=False)
glue("rt_d1_known", float(certain_tr[known_tr].mean()), display=False)
glue("rt_d1_unknown", float(certain_tr[~known_tr].mean()), display=False)

# %% [markdown]
# The pretrained model gets {glue:text}`rt_d1_known:.2f` of the known-entity training questions right and
# {glue:text}`rt_d1_unknown:.2f` of the unknown ones (chance 1/16), so {glue:text}`rt_d1:.2f` of the training
# set is certain. Vanilla fine-tuning trains on all of it alike; R-Tuning labels the rest "unsure".

# %%
def boot(stat, n: int, n_boot: int, seed: int) -> Estimate:
    """Percentile bootstrap over test questions of stat(idx)."""
    g = np.random.default_rng(seed)
    vals = np.array([stat(g.integers(0, n, n)) for _ in range(n_boot)])
    vals = vals[np.isfinite(vals)]
    lo, hi = np.quantile(vals, [0.025, 0.975]) if vals.size else (np.nan, np.nan)
    return Estimate(float(stat(np.arange(n))), float(lo), float(hi), n, ())


n_test = van_ok.size
gain = boot(lambda i: acc_answered(rt_ok[i], answered[i]) - van_ok[i].mean(), n_test, cfg.n_boot, SEED)
per_split = pd.DataFrame([dict(
    split=r["seed"],
    base_acc=r["base_test_correct"].mean(),
    vanilla_acc=r["vanilla"]["correct"].mean(),
    rtuning_answer_rate=r["rtuning"]["answered"].mean(),
    rtuning_acc_answered=acc_answered(r["rtuning"]["correct"], r["rtuning"]["answered"]),
    refusal_answer_rate=r["refusal"]["answered"].mean() if "refusal" in r else np.nan,
    refusal_acc_answered=(acc_answered(r["refusal"]["correct"], r["refusal"]["answered"]) if "refusal" in r
                          else np.nan),
    ap_vanilla=ap(r["vanilla"]["correct"], r["vanilla"]["p_answer"]),
    ap_rtuning=ap(r["rtuning"]["correct"], r["rtuning"]["p_sure"]),
    ap_rtuning_answer_prob=ap(r["rtuning"]["correct"], r["rtuning"]["p_answer"]),
    ood_base_rate=r["ood"]["correct"].mean(),
    ood_ap=ap(r["ood"]["correct"], r["ood"]["p_sure"])) for r in runs]).set_index("split")
print(per_split.round(3).T.to_string())

# %%
# Fig. 2: accuracy and AP (mirrors the paper's accuracy-on-answered figure and AP table)
fig, axes = plt.subplots(1, 2, figsize=plot.figsize(2, aspect=0.8))
bars = {"vanilla\n(all questions)": (van_ok, np.ones_like(van_ok), plot.COLORS["baseline"], len(runs)),
        "R-Tuning\n(answered)": (rt_ok, answered, plot.COLORS["method"], len(runs)),
        "R-Tuning-R\n(answered)": (rr_ok, rr_answered, plot.COLORS["variant"], len(rr_runs))}
for k, (name, (ok, ans, col, n_runs)) in enumerate(bars.items()):
    if not n_runs:
        axes[0].text(k, 0.05, "paper\nscale\nonly", ha="center", fontsize=8)
        continue
    est = boot(lambda i: acc_answered(ok[i], ans[i]), ok.size, 200, SEED + k)
    axes[0].bar(k, est.mean, yerr=[[est.mean - est.lo], [est.hi - est.mean]], color=col, capsize=3)
    axes[0].scatter([k] * n_runs, [acc_answered(r_ok, r_ans) for r_ok, r_ans in zip(
        np.split(ok, n_runs), np.split(ans.astype(bool), n_runs))], color="k", s=10, zorder=3)
axes[0].set(xticks=range(3), xticklabels=list(bars), ylabel="accuracy", ylim=(0, 1),
            title="accuracy (answered questions)")
aps = {"vanilla\nP(answer)": (van_ok, van_conf, plot.COLORS["baseline"]),
       "R-Tuning\nP(sure)": (rt_ok, p_sure, plot.COLORS["method"]),
       "R-Tuning\nP(answer)": (rt_ok, rt_conf, plot.COLORS["reference"])}
for k, (name, (ok, sc, col)) in enumerate(aps.items()):
    axes[1].bar(k, ap(ok, sc), color=col)
    axes[1].scatter([k] * len(runs), [ap(a, b) for a, b in zip(np.split(ok, len(runs)), np.split(sc, len(runs)))],
                    color="k", s=10, zorder=3)
axes[1].set(xticks=range(3), xticklabels=list(aps), ylabel="average precision", ylim=(0, 1),
            title="AP of answers ranked by confidence")
fig.suptitle("Fig. 2: held-out in-domain questions (mirrors the paper's accuracy figure and AP table)")
plot.show(fig)

# %%
# Fig. 3: precision-recall curves (mirrors the paper's precision-recall figure)
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.6))
for name, ok, sc, col in (("R-Tuning, P(sure)", rt_ok, p_sure, plot.COLORS["method"]),
                          ("vanilla, answer probability", van_ok, van_conf, plot.COLORS["baseline"]),
                          ("R-Tuning, answer probability", rt_ok, rt_conf, plot.COLORS["reference"])):
    prec, rec, _ = precision_recall_curve(ok, sc)
    ax.plot(rec, prec, color=col, label=f"{name} (AP {ap(ok, sc):.2f})")
ax.axhline(van_ok.mean(), color=plot.COLORS["baseline"], ls=":", lw=1, label="vanilla accuracy (no ranking)")
ax.set(xlabel="recall (share of correct answers kept)", ylabel="precision (accuracy of kept answers)",
       ylim=(0, 1.02), title="Fig. 3: precision-recall when thresholding confidence\n(mirrors the paper's PR curves)")
ax.legend(fontsize=8)
plot.show(fig)

# %%
# Fig. 4: answer rate vs pretraining frequency of the entity
test_e = np.concatenate([[e for e, _ in r["test"]] for r in runs])
rank = world.rank[test_e]
terc = np.quantile(world.rank[: world.n_known], [1 / 3, 2 / 3])
bucket = np.where(~is_known, 0, np.where(rank >= terc[1], 1, np.where(rank >= terc[0], 2, 3)))
names = ["unknown", "rare", "mid", "frequent"]
base_ok = np.concatenate([r["base_test_correct"] for r in runs])
fig, ax = plt.subplots(figsize=plot.figsize(aspect=0.5))
rr_bucket = bucket[:rr_answered.size]  # R-Tuning-R's splits come first
for lab, y, b_of, col, mk in (("R-Tuning answer rate (P(sure) > 0.5)", answered, bucket, plot.COLORS["method"], "o"),
                              ("R-Tuning-R answer rate", rr_answered, rr_bucket, plot.COLORS["variant"], "s"),
                              ("pretrained model's accuracy", base_ok, bucket, plot.COLORS["reference"], "^")):
    if not y.size:
        continue
    ax.plot(range(4), [y[b_of == b].mean() for b in range(4)], marker=mk, color=col, label=lab)
ax.set(xticks=range(4), xticklabels=names, xlabel="entity's pretraining frequency (known: terciles of rank)",
       ylabel="share of test questions", ylim=(-0.02, 1.02), title="Fig. 4: who gets answered")
ax.legend(fontsize=8)
plot.show(fig)

rate_gap = float(answered[is_known].mean() - answered[~is_known].mean())
for k, v in dict(acc_van=van_ok.mean(), acc_rt=acc_answered(rt_ok, answered), rate=answered.mean(),
                 rate_known=answered[is_known].mean(), rate_unknown=answered[~is_known].mean(),
                 ap_van=ap(van_ok, van_conf), ap_rt=ap(rt_ok, p_sure), ap_rt_ans=ap(rt_ok, rt_conf),
                 van_known=van_ok[is_known].mean(), base_known=base_ok[is_known].mean(),
                 ood_ap=per_split.ood_ap.mean(), ood_rate=per_split.ood_base_rate.mean()).items():
    glue(f"rt_{k}", float(v), display=False)
glue("rt_rr_text", f"R-Tuning-R answers {rr_answered.mean():.2f} and is right on {acc_answered(rr_ok, rr_answered):.2f}"
     if rr_runs else "R-Tuning-R is not run at this scale (it is in no claim; `paper` runs it on every split)",
     display=False)

# %% [markdown]
# Vanilla fine-tuning answers every test question and gets {glue:text}`rt_acc_van:.2f` of them right (the
# pretrained model knew {glue:text}`rt_base_known:.2f` of the known-entity test facts; after vanilla tuning,
# {glue:text}`rt_van_known:.2f`). R-Tuning answers {glue:text}`rt_rate:.2f` of the questions willingly
# ({glue:text}`rt_rate_known:.2f` of the known-entity ones, {glue:text}`rt_rate_unknown:.2f` of the unknown ones)
# and is right on {glue:text}`rt_acc_rt:.2f` of those; {glue:text}`rt_rr_text`. Ranked by confidence, R-Tuning's
# P(sure) gives AP
# {glue:text}`rt_ap_rt:.2f` against {glue:text}`rt_ap_van:.2f` for the vanilla model's answer probability (and
# {glue:text}`rt_ap_rt_ans:.2f` for the R-Tuned model's own answer probability). On the unseen `job` relation the
# city-only R-Tuned model reaches AP {glue:text}`rt_ood_ap:.2f` against a base rate of
# {glue:text}`rt_ood_rate:.2f`.
#
# Read together, the figures say that the miniature shows the paper's *headline effect* only weakly and not its
# mechanism. The R-Tuned model's accuracy on the questions it answers exceeds vanilla accuracy on average, but
# not reliably by the spec's margin (C1), and its P(sure) barely depends on whether the entity was ever seen in
# pretraining (Fig. 4: the answer rate is about the same for unknown, rare and frequent entities), so ranking by
# P(sure) is close to ranking at random (Fig. 3), far below the answer probability, which already separates known
# from unknown facts in this model. The accuracy gain comes mostly from R-Tuning's targets keeping the answer-first format of the base while vanilla tuning on arbitrary
# labels for unseen entities erodes known facts (vanilla's known-entity accuracy drops from
# {glue:text}`rt_base_known:.2f` to {glue:text}`rt_van_known:.2f`). In `paper` runs, R-Tuning-R, whose refusal
# replaces the answer itself, is the variant whose answering tracks knowledge.
#
# ## Verdict

# %%
ap_diff = per_split.ap_rtuning - per_split.ap_vanilla
ood_margin = per_split.ood_ap - per_split.ood_base_rate
split_gain = per_split.rtuning_acc_answered - per_split.vanilla_acc
split_gap = pd.Series([r["rtuning"]["answered"][[e < world.n_known for e, _ in r["test"]]].mean()
                       - r["rtuning"]["answered"][[e >= world.n_known for e, _ in r["test"]]].mean() for r in runs])
ledger.check("C1", measured=gain,
             test="pooled splits: the 95% bootstrap CI of acc_answered(R-Tuning) - acc(vanilla) lies above 0.05 "
                  "(revised once from 'every split > 0.05 and pooled CI > 0', see Deviations)",
             holds=bool(gain.lo > 0.05),
             note="per-split gains " + ", ".join(f"{v:.3f}" for v in split_gain))
ledger.check("C2", measured=rate_gap, test="every split: answer rate(known) - answer rate(unknown) >= 0.3",
             holds=bool((split_gap >= 0.3).all()))
ledger.check("C3", measured=float(ap_diff.mean()), test="mean over splits of AP(R-Tuning, P(sure)) - "
             "AP(vanilla, answer probability) > 0", holds=bool(ap_diff.mean() > 0))
ledger.check("C4", measured=float(ood_margin.min()), test="every split: AP(P(sure)) on `job` - base rate > 0.1",
             holds=bool((ood_margin > 0.1).all()))
ledger.finish()

# %% [markdown]
# ## Deviations and limits
#
# - **The "LLM" and its knowledge.** A character GPT of well under a million parameters whose parametric
#   knowledge is an exact fact table seen with Zipf-like frequency; unknown entities never occur in pretraining,
#   which makes the known/unknown boundary sharper than in a real LLM (Fig. 4 shows the harder rare-entity
#   regime).
# - **Padding.** The paper appends a natural-language question and "I am sure/unsure"; our context of 64
#   characters keeps only the final word (` sure` / ` unsure`). The mechanism is the same: the answer comes
#   first, the self-assessment after it, and at test time the two continuations are compared.
# - **Loss.** The paper trains with LMFlow on the whole text; we put the loss on the answer (and padding) only,
#   as the lab's SFT does.
# - **C1: a weak effect, and its check revised once.** The gain comes from the answer format, not from learned
#   uncertainty (see above), and it is small next to its spread: over 15 entity splits (SEED 0-4 at `ci` and the
#   five splits of a `paper` run) the per-split gain was 0.067 on average with a standard deviation of about 0.036,
#   and 3 of the 10 `ci` splits fell below the spec's margin (0.040, 0.006, 0.015). The spec's test ("every split
#   > 0.05, pooled interval > 0") therefore flipped between seeds whichever verdict we declared, and no affordable
#   number of splits fixes that (a fine-tuning costs about 6 s; two splits of two variants fill the `ci` budget).
#   We revised the check once, to what "more than 0.05 on every seed" asks of one run: the pooled interval must
#   lie above the margin. It does not on SEED 0-4 (pooled gains 0.071, 0.086, 0.057, 0.082, 0.006; lower ends
#   0.034, 0.035, 0.018, 0.042, -0.036), so C1 is declared not reproduced. We moved R-Tuning-R (in no claim) to
#   `paper` scale to afford the second split. The paper's direction does show on average: the pooled gain is
#   positive on every seed, and a five-split `paper` run puts its interval above 0 ([0.026, 0.080] at SEED 0).
# - **Why C2-C4 fail.** The self-assessment is learned, but not as a function of the model's knowledge: after
#   fine-tuning, P(sure) on held-out entities is nearly independent of whether the entity was seen in
#   pretraining, so the learned uncertainty does not beat the answer probability (C3) and carries no signal to
#   the `job` relation (C4). We tried the spec's fallback learning rates 3e-4 and 1e-4 (SEED 0, same steps): the
#   known-minus-unknown answer-rate gap stayed below 0.05 in absolute value and the AP of P(sure) stayed at the
#   base rate, so the spec's learning rate 1e-3 is kept. A larger model, more fine-tuning data or more steps
#   (outside the CI budget) might let the padding latch onto the knowledge signal; this is not tested here.
# - **Spec deviations.** (i) Fine-tuning and the in-domain test use the `city` relation only and `job` is the
#   out-of-domain relation for the *same* R-Tuned model (the spec trains on both relations and fine-tunes a
#   second, city-only model for C4); this mirrors the paper's ParaRel ID/OOD split and saves one fine-tuning.
#   (ii) 80 steps of batch 32 on 400 questions (6.4 epochs, as the spec's 150 steps on 800) to fit the CPU budget.
#   (iii) P(sure) is normalised over the first differing token (`s` vs `u`), as in the released code, rather than
#   over the whole words. (iv) The vanilla confidence is the geometric mean of the answer tokens' probabilities
#   (released code) instead of their product. (v) The claims are checked on the pooled splits of the run (two in `ci`,
#   five in `paper`); C2 and C4 must hold on every split.
# - **Not run.** R-Tuning-U (uncertainty-based split by answer entropy), the prompting and consistency baselines,
#   ParaRel's many relations and the multiple-choice datasets.
# - **What we read.** The abstract and introduction of the paper, and the released code's ParaRel training-data
#   construction, evaluation and AP scripts (prompt format, greedy knowledge-gap check, normalised P(sure),
#   geometric-mean answer confidence, `average_precision_score`). We could not read the paper's tables, so the
#   paper's numbers are not quoted.
