"""TinyCode lab, sampling and scoring: programs sampled from the lab's models for benchmark problems, their
verdicts (hidden tests in the sandbox), pass@k, and execution prediction. Re-exported by `lib.tinycode`.

Kept apart from `lib/tinycode.py` so that the built models' source hash covers only what produces them (language,
benchmark, corpus, training), not these evaluation helpers.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from . import gpt
from .artifacts import load
from .metrics import pass_at_k
from .tinycode import MAX_NEW, Problem, check, exec_prompt, parse_value, prompt_tokens, tokenizer


def load_model(name: str) -> gpt.GPT:
    """A built lab model (e.g. 'tinycode_base'), verified by lib.artifacts, as a float32 GPT in eval mode."""
    return gpt.from_artifact(load(name))


# -- sampling and scoring -------------------------------------------------------------------------------------------
def _decode(ids: Sequence[int]) -> list[str]:
    return tokenizer().decode(ids).split()


def generate_tokens(model: gpt.GPT, prompts: Sequence[Sequence[str]], n: int = 1, temperature: float = 0.0,
                    top_p: float = 1.0, generator: torch.Generator | None = None, max_new: int = MAX_NEW,
                    logits_hook=None, chunk: int = 512) -> list[list[list[str]]]:
    """Completions (token strings, cut at <eos>) for token-string prompts: per prompt, a list of n samples."""
    tok = tokenizer()
    ids = [tok.encode(p) for p in prompts]
    per = max(1, chunk // n)
    out = []
    for s in range(0, len(ids), per):
        rows = gpt.generate(model, ids[s:s + per], max_new, eos=tok.eos, pad=tok.pad, temperature=temperature,
                            top_p=top_p, n_samples=n, logits_hook=logits_hook, generator=generator)
        out += [[_decode(r) for r in rows[j * n:(j + 1) * n]] for j in range(len(rows) // n)]
    return out


def sample_programs(model: gpt.GPT, problems: Sequence[Problem], n: int = 1, temperature: float = 0.0,
                    top_p: float = 1.0, generator: torch.Generator | None = None, examples: bool = True,
                    prefix: Sequence[Sequence[str]] | None = None, logits_hook=None,
                    max_new: int = MAX_NEW) -> list[list[list[str]]]:
    """n programs per problem (token lists; a partial-code prefix per problem is kept in front of its samples)."""
    prefix = prefix if prefix is not None else [()] * len(problems)
    prompts = [prompt_tokens(p, examples, pre) for p, pre in zip(problems, prefix)]
    outs = generate_tokens(model, prompts, n, temperature, top_p, generator, max_new, logits_hook)
    return [[[*pre, *s] for s in samples] for pre, samples in zip(prefix, outs)]


def evaluate(model: gpt.GPT, bench: Sequence[Problem], n: int = 1, temperature: float = 0.0,
             generator: torch.Generator | None = None, **kw) -> np.ndarray:
    """Per problem, how many of n sampled programs pass the hidden tests (feed to pass_at / lib.metrics.pass_at_k)."""
    samples = sample_programs(model, bench, n, temperature, generator=generator, **kw)
    return np.array([sum(check(s, p) for s in ss) for ss, p in zip(samples, bench)])


def pass_at(counts, n: int, ks: Sequence[int]) -> dict[int, float]:
    """Mean unbiased pass@k over problems (lib.metrics.pass_at_k) for each k <= n."""
    counts = np.asarray(counts)
    return {k: float(np.mean(pass_at_k(n, counts, k))) for k in ks if k <= n}


def predict_outputs(model: gpt.GPT, programs, inputs, temperature: float = 0.0,
                    generator: torch.Generator | None = None) -> list:
    """The model's predicted output of each (program, input) in the execution-prediction format (None if unparsable)."""
    prompts = [exec_prompt(p, i) for p, i in zip(programs, inputs)]
    outs = generate_tokens(model, prompts, 1, temperature, generator=generator, max_new=12)
    return [parse_value(o[0]) for o in outs]


def exec_accuracy(model: gpt.GPT, problems: Sequence[Problem], n_inputs: int = 1) -> float:
    """Exact-match accuracy of predicted outputs of the canonical solutions on their first n_inputs hidden tests."""
    progs = [p.program for p in problems for _ in range(n_inputs)]
    tests = [t for p in problems for t in p.tests[:n_inputs]]
    pred = predict_outputs(model, progs, [i for i, _ in tests])
    return float(np.mean([a == o for a, (_, o) in zip(pred, tests)]))
