"""TinyCode lab: interpreter semantics, the sandbox's totality on adversarial programs, the benchmark, the corpus's
disjointness from the held-out pool, the tokenizer, and the sampling helpers on an untrained model."""
import random
import time

import numpy as np
import pytest
import torch

from lib import tinycode as T
from lib import tinycode_dsl as D

STATUSES = {"ok", "error", "timeout"}


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models: one thread is fastest, and avoids OpenMP spinning on a loaded machine."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def run(prog, inp):
    r = D.safe_run(prog, inp)
    assert r.ok, r
    return r.value


@pytest.mark.parametrize("prog, inp, out", [
    ("a = map +1 x ;", [1, -2, 3], [2, -1, 4]),
    ("a = map /2 x ;", [3, -3], [1, -2]),  # floor division
    ("a = map **2 x ;", [50, -3], [99, 9]),  # clamped to [-99, 99]
    ("a = map *-1 x ; b = map /3 a ;", [7, -7], [-3, 2]),
    ("a = filter even x ;", [1, 2, -4, 5], [2, -4]),
    ("a = filter odd x ;", [-3, 2], [-3]),
    ("a = zipwith - x b ;", [1], None),  # b undefined -> error (checked below)
    ("a = reverse x ; b = zipwith - x a ;", [5, 1, 7], [-2, 0, 2]),  # Z(A[i], B[i])
    ("a = take 2 x ; b = zipwith * a x ;", [5, 1, 7], [25, 1]),  # truncated to the shorter list
    ("a = scanl1 + x ;", [1, 2, 3], [1, 3, 6]),
    ("a = scanl1 max x ;", [1, 3, 2], [1, 3, 3]),
    ("a = sort x ; b = reverse a ;", [2, -1, 5], [5, 2, -1]),
    ("a = drop 1 x ;", [4, 5, 6], [5, 6]),
    ("a = sum x ;", [], 0),
    ("a = filter >0 x ; b = max a ;", [-1, 4, 2], 4),
    ("a = min x ;", [3, -9, 0], -9),
    ("a = head x ;", [8, 9], 8),
    ("a = last x ;", [8, 9], 9),
    ("a = count <0 x ;", [-1, 0, -2], 2),
    ("a = access 1 x ;", [7, 8, 9], 8),  # index from 0
    ("def f ; a = sort x ; b = take 2 a ; end ; c = reverse x ; d = call f c ; e = sum d ;", [3, -1, 2], 1),
])
def test_semantics(prog, inp, out):
    if out is None:
        assert D.safe_run(prog, inp).status == "error"
    else:
        assert run(prog, inp) == out


@pytest.mark.parametrize("prog, inp, why", [
    ("a = head x ;", [], "out of range"),
    ("a = max x ;", [], "empty"),
    ("a = sum x ; b = sort a ;", [1], "needs a list"),  # type error
    ("a = sort y ;", [1], "variable"),  # malformed token
    ("a = sort b ;", [1], "undefined"),
    ("a = take x ;", [1], "argument"),  # wrong arity
    ("a = take 1 2 x ;", [1], "not a variable"),
    ("a = take 1 x x ;", [1], "takes 2 argument"),
    ("a = map +5 x ;", [1], "bad argument"),
    ("a = take 100 x ;", [1], "bad argument"),  # literals are 1..3 only
    ("x = sort x ;", [1], "assign"),
    ("a = sort x", [1], "expected ';'"),
    ("", [1], "empty"),
    ("a = call f x ;", [1], "undefined function"),
    ("def f ; a = call f x ; end ; b = call f x ;", [1], "cannot call"),  # no recursion
    ("def f ; def f ; a = sort x ; end ; end ; b = call f x ;", [1], "nested"),
    ("a = sort x ; end ;", [1], "unexpected"),
    ("a = sort x ;", [1, True], "ints only"),
    ("a = sort x ;", [1, 2.5], "ints only"),
    ("a = sort x ;", "12", "list"),
    ("a = sort x ;", list(range(300)), "at most"),
])
def test_errors_are_reported(prog, inp, why):
    r = D.safe_run(prog, inp)
    assert r.status == "error" and why in r.msg, r


def test_huge_values_are_clamped():
    assert run("a = map **2 x ; b = map **2 a ; c = scanl1 * b ;", [10**100, -(10**50), 3]) == [99, 99, 99]
    assert run("a = sum x ;", [10**9] * 5) == 99


def test_fuel_and_timeouts():
    long = list(range(-99, 100))  # 199 elements: a sort costs 199 * 8 > 400
    r = D.safe_run("a = sort x ;", long)
    assert r.status == "timeout" and r.fuel > D.FUEL
    r = D.safe_run("a = map +1 x ; b = map +1 a ; c = map +1 b ;", long)
    assert r.status == "timeout"
    assert D.safe_run("a = map +1 x ;", long).ok  # 200 units: within budget
    many = " ".join(f"{v} = reverse x ;" for v in "abcdegh" * 10)  # 70 statements x 8 units
    assert D.safe_run(many, [1] * 7).status == "timeout"
    helper = "def f ; a = sort x ; b = sort a ; end ; " + " ".join(f"{v} = call f x ;" for v in "bcdegh")
    assert D.safe_run(helper, [1] * 7, fuel=100).status == "timeout"
    assert D.safe_run(" ".join(["a = sort x ;"] * 200), [1]).status == "error"  # over MAX_TOKENS


def _fuzz_programs(rng, n):
    vocab = T.tokenizer().tokens
    code = list(D.CODE_TOKENS) + ["call", "x", ";", "="]
    for _ in range(n):
        kind = rng.random()
        if kind < 0.3:  # token soup from the whole vocabulary
            yield [rng.choice(vocab) for _ in range(rng.randint(0, 40))]
        elif kind < 0.6:  # code-token soup (more likely to parse partially)
            yield [rng.choice(code) for _ in range(rng.randint(0, 60))]
        else:  # a valid program with random edits
            p = D.random_program(rng, two_function=rng.random() < 0.3)
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(p))
                op = rng.random()
                p = p[:i] + ([rng.choice(code)] if op < 0.5 else []) + p[i + (op > 0.25):]
            yield p


def test_sandbox_is_total_on_adversarial_programs():
    """Every run returns ok/error/timeout; ok and error runs stay within the fuel; each run is fast."""
    rng = random.Random(0)
    inputs = [[], [0], [99, -99, 5], [10**30, -(10**30)], list(range(-9, 10)) * 13, [1] * 256]
    worst = 0.0
    for prog in _fuzz_programs(rng, 400):
        for inp in inputs:
            t = time.perf_counter()
            r = D.safe_run(prog, inp)
            worst = max(worst, time.perf_counter() - t)
            assert r.status in STATUSES
            assert not r.msg.startswith("internal"), (prog, inp, r)
            assert (r.fuel > D.FUEL) == (r.status == "timeout"), (prog, r)
            if r.ok:
                assert isinstance(r.value, int) or isinstance(r.value, list) and len(r.value) <= len(inp)
                vals = r.value if isinstance(r.value, list) else [r.value]
                assert all(D.VMIN <= v <= D.VMAX for v in vals)
    assert worst < 0.05


def test_random_programs_use_every_variable_and_run():
    rng = random.Random(1)
    for _ in range(200):
        p = D.random_program(rng, two_function=rng.random() < 0.3)
        helper, main = D.parse(p)
        for body in (helper, main):
            used = {a for _, _, args in body for a in args}
            assert all(v in used for v, _, _ in body[:-1])
        assert sum(r.ok for r in D.run_many(p, [list(q) for q in D.PROBES])) >= len(D.PROBES) - 3


@pytest.fixture(scope="module")
def tinyeval():
    return T.tiny_eval()


def test_canonical_solutions_pass_their_hidden_tests():
    pool = T.pool()
    assert len(pool) == T.POOL_SIZE and len({T.canonical(p.program) for p in pool}) == T.POOL_SIZE
    for p in pool:
        assert len(p.examples) == T.N_EXAMPLES and len(p.tests) == T.N_TESTS
        assert T.check(p.program, p)
        assert all(D.safe_run(p.program, i).value == o for i, o in p.examples)
    assert not T.check("a = sort x ;", pool[0]) or not T.check("a = reverse x ;", pool[0])


def test_reinstantiate_keeps_programs_changes_wording_and_tests(tinyeval):
    again = T.reinstantiate(tinyeval, seed=3)
    assert [p.program for p in again] == [p.program for p in tinyeval]
    assert [p.pid for p in again] == [p.pid for p in tinyeval]
    assert sum(a.doc != b.doc for a, b in zip(again, tinyeval)) > 0.8 * len(tinyeval)
    assert sum(a.tests != b.tests for a, b in zip(again, tinyeval)) > 0.95 * len(tinyeval)
    assert all(T.check(p.program, p) for p in again)
    assert T.reinstantiate(tinyeval[:5], 3) == again[:5]  # deterministic
    precise = T.reinstantiate(tinyeval, 3, p_vague=0.0)
    vague_words = {"some", "few", "certain", "suffix", "qualify", "accumulate", "kind"}
    assert not any(vague_words & set(p.doc) for p in precise)
    assert any(vague_words & set(p.doc) for p in again)


def test_benchmark_pool_disjoint_from_corpus():
    keys = T.pool_keys()
    pairs = T.corpus(800, seed=0)
    progs = [c[:-1] for p, c in pairs if "<test>" not in p]
    progs += [p[2:p.index("<test>")] for p, c in pairs if "<test>" in p]
    assert not {T.canonical(p) for p in progs} & keys
    # the exclusion matters: without it the same generator does draw pool programs
    raw = T.corpus(800, seed=0, exclude=set())
    assert {T.canonical(c[:-1]) for p, c in raw if "<test>" not in p} & keys


def test_corpus_mix():
    pairs = T.corpus(1200, seed=1)
    synth = [(p, c) for p, c in pairs if "<test>" not in p]
    frac = lambda xs, f: np.mean([f(x) for x in xs])  # noqa: E731
    assert 0.15 < 1 - len(synth) / len(pairs) < 0.25  # execution prediction
    assert 0.15 < frac(synth, lambda pc: "def" in pc[1]) < 0.35  # two-function programs (pool exclusion favours them)
    assert 0.1 < frac(synth, lambda pc: "<ex>" not in pc[0]) < 0.2  # docstring-only prompts
    # dead statements: the canonical program is shorter than the solution
    dead = frac(synth, lambda pc: len(T.canonical(pc[1][:-1]).split()) < len(pc[1]) - 1)
    assert 0.06 < dead < 0.14
    # permuted names: the first assigned variable is not the first free letter
    assert 0.15 < frac(synth, lambda pc: D.assigned_vars(pc[1])[0] != "a") < 0.4
    for p, c in pairs[:300]:  # every example's solution or output is right
        if "<test>" in p:
            i = p.index("<test>")
            assert D.safe_run(p[2:i], T.parse_value(p[i + 1:-1])).value == T.parse_value(c[:-1])
        else:
            assert c[-1] == "<eos>" and D.parse(c[:-1])


def test_tokenizer_round_trip():
    tok = T.tokenizer()
    for w in ("def", "call", "end", "f", "op0", "op15", "w0", "w15", "<test>", "-99", "99", "**2", "*-1"):
        assert tok.id(w) >= 0
    for p, c in T.corpus(300, seed=2):
        ids = tok.encode(p + c)
        assert tok.unk not in ids
        assert tok.decode(ids).split() == p + c
    assert len(tok) < 400


def test_values_and_pass_at():
    for v in ([], [1, -2], 7, -99):
        assert T.parse_value(T.value_tokens(v)) == v
    assert T.parse_value(["[", "1"]) is None and T.parse_value(["x"]) is None
    pk = T.pass_at(np.array([0, 5, 10]), 10, (1, 5, 10))
    assert pk[1] == pytest.approx(0.5) and pk[10] == pytest.approx(2 / 3)


def test_sampling_helpers_on_untrained_model(tinyeval):
    model = T.make_model(32, seed=0)
    g = torch.Generator().manual_seed(0)
    bench = tinyeval[:4]
    samples = T.sample_programs(model, bench, n=3, temperature=1.0, generator=g)
    assert len(samples) == 4 and all(len(s) == 3 for s in samples)
    counts = T.evaluate(model, bench, n=2, temperature=0.8, generator=g)
    assert counts.shape == (4,) and counts.min() >= 0 and counts.max() <= 2
    pre = [p.program[:5] for p in bench]
    part = T.sample_programs(model, bench, prefix=pre)
    assert all(s[0][:5] == list(q) for s, q in zip(part, pre))
    preds = T.predict_outputs(model, [p.program for p in bench], [p.tests[0][0] for p in bench])
    assert len(preds) == 4
    assert 0.0 <= T.exec_accuracy(model, bench) <= 1.0
    # training moves the loss down on a tiny corpus
    losses = T.train_model(model, T.corpus(64, seed=3), steps=12, lr=3e-3, batch=8)
    assert losses[-3:].mean() < losses[:3].mean()
