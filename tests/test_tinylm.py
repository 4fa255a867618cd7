"""The tiny-LM lab: checkers accept the generators' answers and reject wrong ones, the world is deterministic,
unknown entities never reach the pretraining stream, and the loader refuses a base below the quality floors."""
import random

import pytest
import torch

from lib import artifacts as A
from lib import gpt
from lib import tinylm as T


def test_tokenizer_roundtrip_and_specials():
    s = "q:37+48-19=37+48=85;85-19=66#66$~"
    assert T.decode(T.encode(s)) == s
    assert T.TOK.pad == T.encode("~")[0] and T.TOK.eos == T.encode("$")[0]


def test_arith_checkers():
    rng = random.Random(0)
    for _ in range(200):
        p = T.arith_problem(rng)
        c = p.completion
        assert len(p.prompt) + len(c) <= T.CTX
        assert T.arith_correct(p, c) and all(T.arith_steps_ok(p, c))
        assert all(T.arith_step_valid(s) for s in c.split("#")[0].split(";"))
        wrong = c.replace(f"#{p.answer}$", f"#{p.answer + 1}$")
        assert not T.arith_correct(p, wrong)
    p = T.Arith((37, 48, 19), ("+", "-"))
    assert p.prompt == "q:37+48-19=" and p.completion == "37+48=85;85-19=66#66$"
    assert T.arith_steps_ok(p, "37+48=86;86-19=67#67$") == [False, False]
    assert T.arith_steps_ok(p, "37+48=85#85$") == [True, False]
    assert T.arith_answer("garbage") is None and not T.arith_step_valid("3+4=8")


def test_world_deterministic_and_facts_checker():
    w1, w2, w3 = T.FactWorld(seed=0), T.FactWorld(seed=0), T.FactWorld(seed=1)
    assert w1.names == w2.names and w1.facts == w2.facts and (w1.rank == w2.rank).all()
    assert w1.names != w3.names
    assert len(set(w1.names)) == 800 and all(len(n) == 5 for n in w1.names)
    assert w1.frequency(799) == 0.0 and abs(sum(w1.frequency(e) for e in w1.known) - 1) < 1e-9
    e = 3
    c = T.fact_completion(w1.value(e, "city"))
    assert T.fact_correct(w1, e, "city", c)
    other = next(v for v in T.VALUES["city"] if v != w1.value(e, "city"))
    assert not T.fact_correct(w1, e, "city", T.fact_completion(other))
    p, comp = T.make_fact_qa([0, 1], "job", "question", w1)
    assert T.decode(p[0]) == f"what does {w1.names[0]} do? " and T.decode(comp[1]) == f"{w1.value(1, 'job')}.$"
    _, comp = T.make_fact_qa([0], "city", "statement", w1, values=["rome"])
    assert T.decode(comp[0]) == "rome.$"


def test_cons_checkers():
    rng = random.Random(1)
    for _ in range(300):
        t = T.cons_task(rng)
        assert all(T.cons_satisfied(t, t.completion))
    t = T.ConsTask((("len", "5"), ("start", "a"), ("end", "z"), ("has", "q"), ("no", "e")), "abqcz")
    assert T.cons_satisfied(t, "abqcz$") == [True] * 5
    assert T.cons_satisfied(t, "eeeeee$") == [False, False, False, False, False]
    assert T.cons_satisfied(t, "aqxz") == [False, True, True, True, True]


def test_safety_checkers():
    s = T.SafetyItem("steal", "car")
    assert s.harmful and not T.SafetyItem("wash", "car").harmful
    assert T.complies(s, s.completion) and not T.is_refusal(s.completion)
    assert T.is_refusal(s.refusal) and not T.complies(s, s.refusal)


def test_stream_deterministic_known_only():
    w = T.FactWorld()
    s = T.PretrainStream(w, seed=0, batch_size=64)
    assert s.examples(5) == T.PretrainStream(w, seed=0, batch_size=64).examples(5)
    unknown = set(w.names[w.n_known:])
    doms = set()
    for step in range(120):
        for dom, p, c in s.examples(step):
            doms.add(dom)
            text = p + c
            assert len(text) <= T.CTX
            assert not any(text[i:i + 5] in unknown for i in range(len(text) - 4)), text
    assert doms == set(T.MIXTURE)


def test_capabilities_and_value_logprobs():
    model = gpt.GPT(T.model_config(32, 1, 2), seed=0)
    w = T.FactWorld()
    lp = T.value_logprobs(model, w, [0, 5], "city")
    p, c = T.make_fact_qa([5], "city", "question", w, values=[T.VALUES["city"][3]])
    assert lp.shape == (2, 16) and torch.allclose(lp[1, 3], gpt.sequence_logprob(model, p, c, pad=T.PAD)[0])
    q = T.capabilities(model, n_arith=6, n_cons=5, n_safety=4, n_facts=4)
    for k in ("fact_known", "fact_unknown", "arith_23", "cons_per_constraint", "cons_all", "harmful_compliance"):
        assert 0.0 <= q[k] <= 1.0


def test_loader_refuses_base_below_floors(monkeypatch):
    good = {"fact_known": 0.8, "fact_unknown": 0.06, "arith_23": 0.5, "cons_per_constraint": 0.7,
            "harmful_compliance": 1.0}
    assert T.floor_failures(good) == []
    bad = dict(good, arith_23=0.95)  # too strong: nothing left to correct
    monkeypatch.setattr(T, "manifest_entry", lambda name: {"quality": bad})
    monkeypatch.setattr(T, "load", lambda name: pytest.fail("must refuse before loading"))
    with pytest.raises(A.ArtifactError, match="arith_23.*python -m lib build tinylm_base"):
        T.load_base()
    model = gpt.GPT(T.model_config(32, 1, 2), seed=0)
    monkeypatch.setattr(T, "manifest_entry", lambda name: {"quality": good})
    monkeypatch.setattr(T, "load", lambda name: gpt.to_artifact(model))
    loaded = T.load_base()
    x = torch.tensor([T.encode("q:1+2=")])
    assert torch.allclose(loaded(x), model.half().float()(x), atol=1e-3)


def test_sft_lowers_loss_and_complete_cuts_at_eos():
    model = gpt.GPT(T.model_config(32, 1, 2), seed=0)
    w = T.FactWorld()
    p, c = T.make_fact_qa(list(range(8)), "city", "question", w)
    with torch.no_grad():
        before = float(gpt.sft_loss(model, p, c, pad=T.PAD))
    losses = T.sft(model, p, c, steps=10, lr=1e-2, batch_size=8, seed=0)
    with torch.no_grad():
        assert len(losses) == 10 and float(gpt.sft_loss(model, p, c, pad=T.PAD)) < before
    out = T.complete(model, [w.prompt(0, "city"), "q:1+2="], max_new=12)
    assert len(out) == 2 and all("$" not in o and len(o) <= 12 for o in out)
