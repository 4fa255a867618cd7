"""TinyCode lab: the TinyList benchmark (TinyEval), its tokenizer and pre-training corpus, the code models built on the
book's GPT, and the helpers chapters use to sample, check and score programs (pass@k, execution prediction).

The language and its sandbox live in `lib.tinycode_dsl`. A `Problem` is a HumanEval/MBPP-like task: a pseudo-English
docstring, 3 visible I/O examples (both in the prompt), 10 hidden tests and a canonical solution. `make_benchmark`
draws a held-out pool that the corpus never contains (deduplicated on the canonical program text); TinyEval is the
first 200 problems of `pool()`, and `reinstantiate` redraws wording, examples and tests from a benchmark seed.
"""
from __future__ import annotations

import functools
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from . import gpt
from .artifacts import artifact
from .tinycode_dsl import (CODE_TOKENS, VARS, Result, assigned_vars, doc_words, docstring, parse,  # noqa: F401
                           random_input, random_program, rename, run_many, safe_run, to_tokens, tokens_of)
from .tokenizers import WordTokenizer


POOL_SEED, POOL_SIZE, TINYEVAL_SIZE = 12345, 1000, 200
P_VAGUE = 0.35  # probability that a docstring clause drops its argument (the difficulty knob)
N_EXAMPLES, N_TESTS = 3, 10
SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>", "<doc>", "<ex>", "<code>", "<test>", "<fb>", "<edit>")
SPARE = tuple(f"op{i}" for i in range(16)) + tuple(f"w{i}" for i in range(16))  # untrained rows for chapters
MAX_NEW = 48  # longest completion sampled (a two-function program with 4 statements is ~30 tokens)
SEQ_LEN = 192


# -- tokenizer ------------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def tokenizer() -> WordTokenizer:
    """The lab's word-level tokenizer: specials, code tokens, ints -99..99, docstring words, spare op/w tokens."""
    words = [*SPECIALS, "[", "]", "->", *CODE_TOKENS, "call", *(str(v) for v in range(-99, 100)), *doc_words(),
             *SPARE]
    vocab = list(dict.fromkeys(words))  # ordered, deduplicated
    return WordTokenizer(vocab, {"pad": "<pad>", "bos": "<bos>", "eos": "<eos>", "unk": "<unk>"})


# -- problems -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """A benchmark task: docstring + visible examples (the prompt), hidden tests, canonical solution (tokens)."""

    pid: int
    program: tuple[str, ...]
    doc: tuple[str, ...]
    examples: tuple  # ((input list, output), ...) shown in the prompt
    tests: tuple  # ((input list, output), ...) hidden
    p_vague: float = P_VAGUE


def value_tokens(v) -> list[str]:
    """Tokens of a value: `[ 1 -2 3 ]` for a list, `5` for an int."""
    return ["[", *map(str, v), "]"] if isinstance(v, (list, tuple)) else [str(v)]


def parse_value(toks: Sequence[str]):
    """Inverse of value_tokens; None if the tokens are not exactly one value."""
    toks = list(toks)
    try:
        if toks[:1] == ["["] and toks[-1:] == ["]"]:
            return [int(t) for t in toks[1:-1]]
        if len(toks) == 1:
            return int(toks[0])
    except ValueError:
        pass
    return None


def draw_io(rng: random.Random, program, n: int, avoid=()) -> list[tuple[list[int], object]]:
    """n (input, output) pairs on distinct random inputs where the program runs ok (inputs in `avoid` are skipped)."""
    parsed, seen, out = parse(program), {tuple(a) for a in avoid}, []
    for _ in range(50 * n):
        if len(out) == n:
            break
        inp = random_input(rng)
        if tuple(inp) in seen:
            continue
        r = safe_run(parsed, inp)
        if r.ok:
            seen.add(tuple(inp))
            out.append((inp, r.value))
    if len(out) < n:
        raise RuntimeError(f"could not draw {n} valid inputs for {' '.join(program)}")
    return out


def instantiate(pid: int, program, rng: random.Random, p_vague: float = P_VAGUE) -> Problem:
    """A Problem for a program: fresh docstring wording, visible examples (not all equal outputs) and hidden tests."""
    program = tuple(tokens_of(program))
    doc = docstring(rng, program, p_vague)
    for _ in range(20):  # prefer examples whose outputs differ, so they carry information
        ex = draw_io(rng, program, N_EXAMPLES)
        if len({str(o) for _, o in ex}) > 1:
            break
    tests = draw_io(rng, program, N_TESTS, avoid=[i for i, _ in ex])
    return Problem(pid, program, tuple(doc), tuple(ex), tuple(tests), p_vague)


def canonical(program) -> str:
    """Canonical text of a program: dead statements removed, variables renamed a, b, c... in order (dedup key)."""
    helper, main = parse(program)

    def live(body):
        body, changed = list(body), True
        while changed:
            used = {a for _, _, args in body for a in args}
            keep = [s for i, s in enumerate(body) if i == len(body) - 1 or s[0] in used]
            changed, body = len(keep) < len(body), keep
        return body

    toks = to_tokens(live(helper), live(main))
    order = list(dict.fromkeys(assigned_vars(toks)))
    return " ".join(rename(toks, dict(zip(order, VARS))))


def make_benchmark(n: int, seed: int = POOL_SEED, p_vague: float = P_VAGUE) -> list[Problem]:
    """n problems with distinct canonical programs of 2-3 statements, drawn and instantiated from `seed`."""
    rng, progs, seen = random.Random(f"bench{seed}"), [], set()
    while len(progs) < n:
        p = random_program(rng)
        key = canonical(p)
        if len(parse(p)[1]) >= 2 and key not in seen:
            seen.add(key)
            progs.append(p)
    return [instantiate(i, p, random.Random(f"inst{seed}/{i}"), p_vague) for i, p in enumerate(progs)]


def reinstantiate(bench: Sequence[Problem], seed: int, p_vague: float = P_VAGUE) -> list[Problem]:
    """The same programs with docstring wording, examples and hidden tests redrawn from benchmark seed `seed`."""
    return [instantiate(p.pid, p.program, random.Random(f"inst{seed}/{p.pid}"), p_vague) for p in bench]


@functools.lru_cache(maxsize=1)
def _pool() -> tuple[Problem, ...]:
    return tuple(make_benchmark(POOL_SIZE, POOL_SEED))


def pool() -> list[Problem]:
    """The held-out pool: make_benchmark(1000, seed=12345); none of its programs is in any training corpus."""
    return list(_pool())


def tiny_eval(seed: int | None = None, p_vague: float = P_VAGUE) -> list[Problem]:
    """TinyEval = pool()[:200]; with `seed`, reinstantiated from that benchmark seed (same programs)."""
    bench = pool()[:TINYEVAL_SIZE]
    return bench if seed is None else reinstantiate(bench, seed, p_vague)


def run_tests(program, tests) -> list[bool]:
    """Per test: does the program (sandboxed) return the expected output?"""
    return [r.ok and r.value == out for r, (_, out) in zip(run_many(program, [i for i, _ in tests]), tests)]


def check(program, problem: Problem) -> bool:
    """Pass iff the program parses and returns the expected output on every hidden test (within its fuel)."""
    return all(run_tests(program, problem.tests))


# -- prompts and the corpus -----------------------------------------------------------------------------------------
def prompt_tokens(problem: Problem, examples: bool = True, prefix: Sequence[str] = ()) -> list[str]:
    """`<bos> <doc> ... <ex> [in] -> out ... <code>` (+ a partial-code prefix); examples=False: docstring only."""
    toks = ["<bos>", "<doc>", *problem.doc]
    if examples:
        for inp, out in problem.examples:
            toks += ["<ex>", *value_tokens(inp), "->", *value_tokens(out)]
    return toks + ["<code>", *prefix]


def exec_prompt(program, inp) -> list[str]:
    """Execution-prediction prompt `<bos> <code> prog <test> [in] ->`; the completion is the output and `<eos>`."""
    return ["<bos>", "<code>", *tokens_of(program), "<test>", *value_tokens(inp), "->"]


def _dead_statement(rng: random.Random, program: list[str]) -> list[str]:
    """Insert an unused, error-free statement (`h = sort x ;`-like) before the last statement of the main body."""
    free = [v for v in VARS if v not in program]
    helper_end = program.index("end") + 2 if "end" in program else 0
    stmts_at = [i for i in range(helper_end, len(program)) if i + 1 < len(program) and program[i + 1] == "="]
    at = rng.choice(stmts_at)
    op = rng.choice(("sort", "reverse", "map", "filter", "take", "drop", "scanl1"))
    arg = {"map": ["*2", "+1", "-1"], "filter": [">0", "even", "odd"], "take": ["1", "2", "3"],
           "drop": ["1", "2"], "scanl1": ["+", "max"]}.get(op, [])
    lists = ["x"] + [v for v in assigned_vars(program[helper_end:at])]
    stmt = [rng.choice(free), "=", op, *([rng.choice(arg)] if arg else []), rng.choice(lists), ";"]
    return program[:at] + stmt + program[at:]


def corpus(n: int, seed: int, exclude: set[str] | None = None, p_vague: float = P_VAGUE, p_exec: float = 0.2,
           p_two: float = 0.2, p_doc_only: float = 0.15, p_permute: float = 0.3, p_dead: float = 0.1
           ) -> list[tuple[list[str], list[str]]]:
    """n pre-training (prompt, completion) token pairs; programs whose canonical text is in `exclude` (default: the
    pool's) are never used. Mix: p_exec execution-prediction examples; otherwise synthesis examples, with p_two
    helper+main programs, p_doc_only prompts without examples, p_permute permuted variable names, p_dead an unused
    statement in the solution."""
    if exclude is None:
        exclude = pool_keys()
    rng, out = random.Random(f"corpus{seed}"), []
    while len(out) < n:
        two = rng.random() < p_two
        prog = random_program(rng, two_function=two)
        if canonical(prog) in exclude:
            continue
        if rng.random() < p_permute:
            names = rng.sample(VARS, len(VARS))
            prog = rename(prog, dict(zip(VARS, names)))
        if rng.random() < p_exec:
            inp, outv = draw_io(rng, prog, 1)[0]
            out.append((exec_prompt(prog, inp), [*value_tokens(outv), "<eos>"]))
            continue
        prob = instantiate(-1, prog, rng, p_vague)
        sol = _dead_statement(rng, list(prog)) if rng.random() < p_dead else list(prog)
        out.append((prompt_tokens(prob, examples=rng.random() >= p_doc_only), [*sol, "<eos>"]))
    return out


@functools.lru_cache(maxsize=1)
def pool_keys() -> frozenset[str]:
    """Canonical texts of the pool's programs (what every corpus excludes)."""
    return frozenset(canonical(p.program) for p in pool())


def training_pairs(problems: Sequence[Problem], examples: bool = True) -> list[tuple[list[str], list[str]]]:
    """(prompt, canonical solution + <eos>) token pairs of problems, e.g. for fine-tuning or contamination."""
    return [(prompt_tokens(p, examples), [*p.program, "<eos>"]) for p in problems]


def encode_pairs(pairs) -> tuple[list[list[int]], list[list[int]]]:
    """Token-string pairs -> (prompt ids, completion ids)."""
    tok = tokenizer()
    return [tok.encode(p) for p, _ in pairs], [tok.encode(c) for _, c in pairs]


# -- models ---------------------------------------------------------------------------------------------------------
def make_model(d_model: int, n_layers: int = 2, n_heads: int = 4, seed: int = 0) -> gpt.GPT:
    """A fresh lab GPT (tied embeddings, learned positions up to SEQ_LEN)."""
    cfg = gpt.GPTConfig(vocab=len(tokenizer()), seq_len=SEQ_LEN, d_model=d_model, n_heads=n_heads,
                        n_layers=n_layers, tied=True)
    return gpt.GPT(cfg, seed=seed)


def train_model(model: gpt.GPT, pairs, steps: int, lr: float = 2e-3, batch: int = 32, warmup: int = 100,
                seed: int = 0, log_every: int = 0) -> np.ndarray:
    """Train on (prompt, completion) token pairs with completion-only loss (AdamW, warm-up, cosine); the losses."""
    prompts, comps = encode_pairs(pairs)
    rng, pad = np.random.default_rng(seed), tokenizer().pad
    lengths = np.array([len(p) + len(c) for p, c in zip(prompts, comps)])
    queue: list[np.ndarray] = []

    def refill():  # one shuffled epoch; batches cut from length-sorted groups of 16 batches (less padding)
        perm = rng.permutation(len(prompts))
        group = 16 * batch
        batches = []
        for s in range(0, len(perm), group):
            g = perm[s:s + group]
            g = g[np.argsort(lengths[g], kind="stable")]
            batches += [g[i:i + batch] for i in range(0, len(g), batch)]
        queue.extend(batches[i] for i in rng.permutation(len(batches)))

    def loss_fn(step: int) -> torch.Tensor:
        if not queue:
            refill()
        idx = queue.pop()
        return gpt.sft_loss(model, [prompts[i] for i in idx], [comps[i] for i in idx], pad=pad)

    return gpt.fit(model, loss_fn, steps, lr, warmup=min(warmup, steps // 5), log_every=log_every)


def n_params(model: gpt.GPT) -> int:
    """Parameters excluding the position table (the size used for the ladder's x-axis)."""
    return sum(p.numel() for n, p in model.named_parameters() if not n.startswith("pos"))


# -- the built models -----------------------------------------------------------------------------------------------
CORPUS_N, STEPS, BATCH, LR = 40_000, 1_500, 32, 2e-3
TINY = dict(corpus_n=300, steps=6, n_eval=8, n_samples=2)
LADDER = (32, 64, 96, 128, 192)
CONTAM_REPEATS = 20


@functools.lru_cache(maxsize=2)
def _cached_corpus(n: int, seed: int) -> tuple:
    return tuple(corpus(n, seed))


def quality(model: gpt.GPT, tiny: bool, n_samples: int = 10, seed: int = 0) -> dict:
    """Greedy pass@1 and sampled (T=0.8) pass@1/5/10 on TinyEval and on TinyEval reinstantiated from seed 1,
    execution-prediction accuracy on TinyEval's canonical solutions, and the parameter count."""
    bench = tiny_eval()[:TINY["n_eval"]] if tiny else tiny_eval()
    bench1 = reinstantiate(bench, 1)
    n = TINY["n_samples"] if tiny else n_samples
    g = torch.Generator().manual_seed(seed)
    greedy = evaluate(model, bench)
    greedy1 = evaluate(model, bench1)
    sampled = evaluate(model, bench, n=n, temperature=0.8, generator=g)
    q = {"params": n_params(model), "greedy_pass1": float(greedy.mean()), "greedy_pass1_bench_seed1":
         float(greedy1.mean()), "exec_accuracy": exec_accuracy(model, bench), "n_problems": len(bench),
         "sampled_T": 0.8, "sampled_n": n}
    q.update({f"sampled_pass{k}": v for k, v in pass_at(sampled, n, (1, 5, 10)).items()})
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in q.items()}


def build_model(out: Path, tiny: bool, d_model: int, extra: Sequence = (), seed: int = 0) -> dict:
    """The one training function of the lab builders: corpus (+ extra pairs), train, save (fp16), then measure."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread: bit-reproducible builds, and the CPU time is the one-core cost
    try:
        return _build_model(out, tiny, d_model, extra, seed)
    finally:
        torch.set_num_threads(threads)


def _build_model(out: Path, tiny: bool, d_model: int, extra: Sequence, seed: int) -> dict:
    t0 = time.process_time()
    corpus_n, steps = (TINY["corpus_n"], TINY["steps"]) if tiny else (CORPUS_N, STEPS)
    pairs = list(_cached_corpus(corpus_n, seed)) + list(extra)
    t1 = time.process_time()
    torch.manual_seed(seed)
    model = make_model(d_model, seed=seed)
    losses = train_model(model, pairs, steps, LR, BATCH, seed=seed)
    t2 = time.process_time()
    torch.save(gpt.to_artifact(model), out)  # save before evaluating
    model = gpt.from_artifact(torch.load(out, weights_only=False))  # measure the saved (fp16-rounded) weights
    q = quality(model, tiny)
    q.update(final_loss=round(float(np.mean(losses[-50:])), 4), corpus_cpu_s=round(t1 - t0, 1),
             train_cpu_s=round(t2 - t1, 1), eval_cpu_s=round(time.process_time() - t2, 1))
    config = {"d_model": d_model, "n_layers": 2, "n_heads": 4, "tied": True, "seq_len": SEQ_LEN,
              "vocab": len(tokenizer()), "corpus": corpus_n, "extra_pairs": len(extra), "steps": steps,
              "batch": BATCH, "lr": LR, "warmup": min(100, steps // 5), "seed": seed, "p_vague": P_VAGUE}
    return {"config": config, "quality": q}


_SRC = ("lib/gpt.py", "lib/tokenizers.py", "lib/tinycode_dsl.py")


@artifact("tinycode_base", file="tinycode_base.pt", sources=_SRC, minutes=5)
def build_base(out: Path, tiny: bool) -> dict:
    """The lab's code model: d=128, 2 layers, 4 heads, 1 500 steps on the 40 k-example corpus."""
    return build_model(out, tiny, 128)


def _ladder(d: int, minutes: float):
    def build(out: Path, tiny: bool) -> dict:
        return build_model(out, tiny, d)

    build.__doc__ = f"Size ladder: d={d}, 2 layers, otherwise the base's corpus, steps and schedule."
    build.__name__ = build.__qualname__ = f"build_d{d}"
    return artifact(f"tinycode_d{d}", file=f"tinycode_d{d}.pt", sources=_SRC, minutes=minutes)(build)


build_d32, build_d64, build_d96, build_d192 = (_ladder(d, m) for d, m in ((32, 2), (64, 2.5), (96, 3.5), (192, 7)))


@artifact("tinycode_contaminated", file="tinycode_contaminated.pt", sources=_SRC, minutes=5)
def build_contaminated(out: Path, tiny: bool) -> dict:
    """The base recipe with TinyEval's prompts and solutions mixed into the corpus (x20): a contaminated model."""
    bench = tiny_eval()[:TINY["n_eval"]] if tiny else tiny_eval()
    return build_model(out, tiny, 128, extra=training_pairs(bench) * CONTAM_REPEATS)


LADDER_NAMES = {32: "tinycode_d32", 64: "tinycode_d64", 96: "tinycode_d96", 128: "tinycode_base",
                192: "tinycode_d192"}


# the sampling and scoring helpers live in lib.tinycode_eval (outside the builders' source hash: fixing or extending
# them does not invalidate the built models); they are part of this module's API
from .tinycode_eval import (evaluate, exec_accuracy, generate_tokens, load_model, pass_at,  # noqa: E402
                            predict_outputs, sample_programs)
