"""TinyList, the code lab's list DSL: tokens, a total fuel-limited interpreter, random programs and their docstrings.

A program is a few statements `v = OP ARGS ;` over an input list `x` (DeepCoder-style ops, Balog et al. 2017), with
an optional helper `def f ; ... ; end ;` that the main body invokes as `v = call f L ;`. The interpreter is a small
tree walker over parsed tuples (no Python eval/exec): every element operation costs fuel, all values are clamped to
[-99, 99], lists never grow, and `safe_run` turns every failure into a `Result` with status ok / error / timeout.
"""
from __future__ import annotations

import math
import random
from typing import NamedTuple, Sequence

# -- the language ---------------------------------------------------------------------------------------------------
VMIN, VMAX = -99, 99  # every value is clamped to this range, so every int is one token
FUEL = 400  # default budget of element operations per run
MAX_TOKENS = 400  # longer programs are rejected before parsing (bounded work and memory)
MAX_INPUT = 256  # longer inputs are rejected
VARS = tuple("abcdeghi")  # f names the helper function
FUNCS = {"+1": lambda v: v + 1, "-1": lambda v: v - 1, "*2": lambda v: 2 * v, "/2": lambda v: v // 2,
         "*-1": lambda v: -v, "**2": lambda v: v * v, "*3": lambda v: 3 * v, "/3": lambda v: v // 3}
PREDS = {">0": lambda v: v > 0, "<0": lambda v: v < 0, "even": lambda v: v % 2 == 0, "odd": lambda v: v % 2 == 1}
ZIPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "min": min, "max": max}
SCANS = {k: ZIPS[k] for k in ("+", "*", "min", "max")}
KS = ("1", "2", "3")
# argument kinds: F function, P predicate, Z zipper, S scanner, K small constant, L list variable, N function name
SIGNATURES = {
    "map": "FL", "filter": "PL", "zipwith": "ZLL", "scanl1": "SL", "sort": "L", "reverse": "L", "take": "KL",
    "drop": "KL", "sum": "L", "max": "L", "min": "L", "head": "L", "last": "L", "count": "PL", "access": "KL",
    "call": "NL"}
LIST_OPS = ("map", "filter", "zipwith", "scanl1", "sort", "reverse", "take", "drop")
INT_OPS = ("sum", "max", "min", "head", "last", "count", "access")
KIND_TABLE = {"F": FUNCS, "P": PREDS, "Z": ZIPS, "S": SCANS, "K": KS}
CODE_TOKENS = ("=", ";", "x", "def", "end", "f", *VARS, *SIGNATURES, *FUNCS, *PREDS, *ZIPS, *KS)


class DSLError(Exception):
    """A malformed program or a run-time error (undefined variable, wrong type or arity, empty list)."""


class Timeout(Exception):
    """The run exhausted its fuel."""


class Result(NamedTuple):
    """Outcome of `safe_run`: status 'ok' | 'error' | 'timeout', the value (ok only), fuel used and a message."""

    status: str
    value: object = None
    fuel: int = 0
    msg: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def clamp(v: int) -> int:
    return VMIN if v < VMIN else VMAX if v > VMAX else v


# -- parsing --------------------------------------------------------------------------------------------------------
def tokens_of(program) -> list[str]:
    """A program as a list of token strings (accepts a string or a sequence of tokens)."""
    if isinstance(program, str):
        return program.split()
    return [str(t) for t in program]


def _parse_stmt(toks: list[str], i: int, in_def: bool) -> tuple[tuple, int]:
    if i + 2 >= len(toks):
        raise DSLError("truncated statement")
    var, eq, op = toks[i], toks[i + 1], toks[i + 2]
    if var not in VARS:
        raise DSLError(f"cannot assign to {var!r}")
    if eq != "=":
        raise DSLError(f"expected '=' after {var}, got {eq!r}")
    if op not in SIGNATURES:
        raise DSLError(f"unknown operation {op!r}")
    if op == "call" and in_def:
        raise DSLError("a function body cannot call a function")
    sig, args, j = SIGNATURES[op], [], i + 3
    for kind in sig:
        if j >= len(toks) or toks[j] == ";":
            raise DSLError(f"{op} takes {len(sig)} argument(s)")
        a = toks[j]
        if kind == "L":
            if a != "x" and a not in VARS:
                raise DSLError(f"{op}: {a!r} is not a variable")
        elif kind == "N":
            if a != "f":
                raise DSLError(f"call: unknown function {a!r}")
        elif a not in KIND_TABLE[kind]:
            raise DSLError(f"{op}: bad argument {a!r}")
        args.append(a)
        j += 1
    if j >= len(toks) or toks[j] != ";":
        raise DSLError(f"{op} takes {len(sig)} argument(s); expected ';'")
    return (var, op, tuple(args)), j + 1


def parse(program) -> tuple[tuple, tuple]:
    """Parse tokens into (helper body, main body), each a tuple of (var, op, args); DSLError if malformed."""
    toks = tokens_of(program)
    if len(toks) > MAX_TOKENS:
        raise DSLError(f"program longer than {MAX_TOKENS} tokens")
    helper, main, i = (), [], 0
    if toks[:1] == ["def"]:
        if toks[1:3] != ["f", ";"]:
            raise DSLError("expected 'def f ;'")
        body, i = [], 3
        while i < len(toks) and toks[i] != "end":
            if toks[i] == "def":
                raise DSLError("nested def")
            stmt, i = _parse_stmt(toks, i, in_def=True)
            body.append(stmt)
        if toks[i:i + 2] != ["end", ";"] or not body:
            raise DSLError("a def needs a body and 'end ;'")
        helper, i = tuple(body), i + 2
    while i < len(toks):
        if toks[i] in ("def", "end"):
            raise DSLError(f"unexpected {toks[i]!r}")
        stmt, i = _parse_stmt(toks, i, in_def=False)
        main.append(stmt)
    if not main:
        raise DSLError("empty program")
    return helper, tuple(main)


# -- execution ------------------------------------------------------------------------------------------------------
class _Fuel:
    __slots__ = ("left", "used")

    def __init__(self, budget: int):
        self.left, self.used = budget, 0

    def charge(self, n: int) -> None:
        """Pay n units before doing the work; raise Timeout when the budget is exceeded."""
        self.used += n
        self.left -= n
        if self.left < 0:
            raise Timeout(f"fuel exhausted after {self.used} units")


def _as_list(v, op):
    if not isinstance(v, list):
        raise DSLError(f"{op} needs a list, got an int")
    return v


def _apply(op: str, args: tuple, env: dict, helper: tuple, fuel: _Fuel):
    def lst(name):
        if name not in env:
            raise DSLError(f"undefined variable {name!r}")
        return _as_list(env[name], op)

    fuel.charge(1)
    if op == "call":
        if not helper:
            raise DSLError("call of an undefined function f")
        return _run_body(helper, lst(args[1]), (), fuel)
    xs = lst(args[-1])
    n = len(xs)
    if op == "map":
        fuel.charge(n)
        g = FUNCS[args[0]]
        return [clamp(g(v)) for v in xs]
    if op == "filter":
        fuel.charge(n)
        p = PREDS[args[0]]
        return [v for v in xs if p(v)]
    if op == "zipwith":
        ys = lst(args[1])
        fuel.charge(min(n, len(ys)))
        z = ZIPS[args[0]]
        return [clamp(z(a, b)) for a, b in zip(ys, xs)]  # zipwith Z A B: element i is Z(A[i], B[i])
    if op == "scanl1":
        fuel.charge(n)
        s, out = SCANS[args[0]], []
        for v in xs:
            out.append(v if not out else clamp(s(out[-1], v)))
        return out
    if op == "sort":
        fuel.charge(n * math.ceil(math.log2(n + 1)))
        return sorted(xs)
    if op == "reverse":
        fuel.charge(n)
        return xs[::-1]
    if op in ("take", "drop"):
        k = int(args[0])
        fuel.charge(k)
        return xs[:k] if op == "take" else xs[k:]
    if op in ("sum", "max", "min", "count"):
        fuel.charge(n)
        if op == "sum":
            return clamp(sum(xs))
        if op == "count":
            p = PREDS[args[0]]
            return clamp(sum(1 for v in xs if p(v)))
        if not xs:
            raise DSLError(f"{op} of an empty list")
        return max(xs) if op == "max" else min(xs)
    k = int(args[0]) if op == "access" else 0 if op == "head" else -1
    if not -n <= k < n:
        raise DSLError(f"{op} out of range")
    return xs[k]


def _run_body(body: tuple, x: list, helper: tuple, fuel: _Fuel):
    env, val = {"x": x}, None
    for var, op, args in body:
        val = _apply(op, args, env, helper, fuel)
        env[var] = val
    return val


def _check_input(inp) -> list:
    if not isinstance(inp, (list, tuple)) or len(inp) > MAX_INPUT:
        raise DSLError(f"the input must be a list of at most {MAX_INPUT} ints")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in inp):
        raise DSLError("the input must hold ints only")
    return [clamp(v) for v in inp]


def execute(parsed: tuple, inp, fuel: int = FUEL):
    """Run a parsed program on input list `inp`; raises DSLError or Timeout (use `safe_run` for a total version)."""
    helper, main = parsed
    return _run_body(main, _check_input(inp), helper, _Fuel(fuel))


def safe_run(program, inp, fuel: int = FUEL) -> Result:
    """Total run of a program (tokens, string or parsed) on one input: always a Result ok / error / timeout."""
    f = _Fuel(fuel)
    try:
        helper, main = program if isinstance(program, tuple) and len(program) == 2 and all(
            isinstance(p, tuple) for p in program) else parse(program)
        val = _run_body(main, _check_input(inp), helper, f)
        return Result("ok", val, f.used)
    except Timeout as e:
        return Result("timeout", None, f.used, str(e))
    except DSLError as e:
        return Result("error", None, f.used, str(e))
    except Exception as e:  # noqa: BLE001 - the contract is totality; nothing above should reach here
        return Result("error", None, f.used, f"internal: {type(e).__name__}: {e}")


def run_many(program, inputs: Sequence, fuel: int = FUEL) -> list[Result]:
    """`safe_run` on each input, parsing once (a malformed program gives an error Result for every input)."""
    try:
        parsed = parse(program)
    except DSLError as e:
        return [Result("error", None, 0, str(e))] * len(inputs)
    return [safe_run(parsed, inp, fuel) for inp in inputs]


# -- random programs ------------------------------------------------------------------------------------------------
PROBES = tuple(tuple(random.Random(f"probe{i}").randint(-9, 9) for _ in range(4 + i % 4)) for i in range(12))


def random_input(rng: random.Random) -> list[int]:
    """An input list: 1-7 ints in [-9, 9]."""
    return [rng.randint(-9, 9) for _ in range(rng.randint(1, 7))]


def _random_stmt(rng: random.Random, var: str, op: str, lists: list[str], chain: float) -> tuple:
    def pick():
        return lists[-1] if rng.random() < chain else rng.choice(lists)

    args, n_lists = [], SIGNATURES[op].count("L")
    for kind in SIGNATURES[op]:
        if kind == "L":  # the operand list is chained (or a random earlier value); zipwith's other one is random
            n_lists -= 1
            args.append(pick() if n_lists == 0 else rng.choice(lists))
        elif kind == "N":
            args.append("f")
        else:
            args.append(rng.choice(list(KIND_TABLE[kind])))
    return (var, op, tuple(args))


def _random_body(rng: random.Random, n: int, names: list[str], p_int: float, chain: float, start: list[str],
                 call: bool = False) -> list[tuple]:
    """n statements assigning names[0..n-1]; the last may be int-valued; with call=True one of them calls f."""
    lists, body = list(start), []
    call_at = rng.randrange(n) if call else -1
    for i in range(n):
        last = i == n - 1
        if i == call_at:
            op = "call"
        elif last and rng.random() < p_int:
            op = rng.choice(INT_OPS)
        else:
            op = rng.choice(LIST_OPS)
        body.append(_random_stmt(rng, names[i], op, lists, chain))
        lists.append(names[i])
    return body


def _uses_all(body: list[tuple]) -> bool:
    used = {a for _, _, args in body for a in args}
    return all(var in used for var, _, _ in body[:-1])


def fingerprint(parsed) -> tuple:
    """The program's behaviour on the fixed probe inputs (outputs, 'E' for errors/timeouts): the dedup key."""
    out = []
    for p in PROBES:
        r = safe_run(parsed, list(p))
        out.append((tuple(r.value) if isinstance(r.value, list) else r.value) if r.ok else "E")
    return tuple(out)


def degenerate(fp: tuple) -> bool:
    """Too many errors, fewer than 3 distinct outputs, mostly empty lists or all zeros on the probes."""
    ok = [v for v in fp if v != "E"]
    if len(ok) < len(fp) - 3 or len(set(ok)) < 3:
        return True
    if sum(1 for v in ok if v == ()) > len(ok) // 3:
        return True
    return all(v == 0 or (isinstance(v, tuple) and all(e == 0 for e in v)) for v in ok)


def redundant(helper: Sequence[tuple], main: Sequence[tuple], fp: tuple) -> bool:
    """Some non-final list statement can be bypassed (later uses read its operand instead) without changing the
    behaviour on the probes, e.g. `sort` before `sum`: such programs are rejected, as DeepCoder prunes them."""
    for which, body in ((0, helper), (1, main)):
        for i, (var, op, args) in enumerate(body[:-1]):
            if op in INT_OPS or op == "call":
                continue
            src = args[-1]
            new = [s if j <= i else (s[0], s[1], tuple(src if a == var else a for a in s[2]))
                   for j, s in enumerate(body)]
            new = new[:i] + new[i + 1:]
            alt = (tuple(new), tuple(main)) if which == 0 else (tuple(helper), tuple(new))
            if fingerprint(alt) == fp:
                return True
    return False


def to_tokens(helper: Sequence[tuple], main: Sequence[tuple]) -> list[str]:
    """Token list of a (helper, main) program."""
    out = []
    if helper:
        out += ["def", "f", ";"]
        for var, op, args in helper:
            out += [var, "=", op, *args, ";"]
        out += ["end", ";"]
    for var, op, args in main:
        out += [var, "=", op, *args, ";"]
    return out


def random_program(rng: random.Random, two_function: bool = False, p_int: float = 0.5, chain: float = 0.75,
                   names: Sequence[str] = VARS, max_tries: int = 200) -> list[str]:
    """A random non-degenerate program (tokens): 1-3 statements, or a helper f (1-2) plus a main (1-2) calling it."""
    for _ in range(max_tries):
        if two_function:
            nf, nm = rng.choice((1, 2, 2)), rng.choice((1, 2, 2))
            helper = _random_body(rng, nf, list(names[:nf]), p_int=0.3, chain=chain, start=["x"])
            if not _uses_all(helper):
                continue
            if helper[-1][1] in INT_OPS:  # an int-valued helper can only be called by the last statement
                nm = 1
            main = _random_body(rng, nm, list(names[nf:nf + nm]), p_int=p_int if helper[-1][1] in LIST_OPS else 0,
                                chain=chain, start=["x"], call=True)
            if helper[-1][1] in INT_OPS and main[-1][1] != "call":
                continue
        else:
            n = rng.choices((1, 2, 3), weights=(0.15, 0.35, 0.5))[0]
            helper, main = [], _random_body(rng, n, list(names[:n]), p_int=p_int, chain=chain, start=["x"])
        if not _uses_all(main):
            continue
        parsed = (tuple(helper), tuple(main))
        fp = fingerprint(parsed)
        if not degenerate(fp) and not redundant(helper, main, fp):
            return to_tokens(helper, main)
    raise RuntimeError("could not draw a non-degenerate program")


def rename(program, mapping: dict[str, str]) -> list[str]:
    """Consistently rename variables (e.g. {'a': 'd', 'b': 'a'}); other tokens are kept."""
    return [mapping.get(t, t) if t in VARS else t for t in tokens_of(program)]


def assigned_vars(program) -> list[str]:
    """Variables assigned by the program, in order (helper first)."""
    toks = tokens_of(program)
    return [toks[i] for i in range(len(toks) - 1) if toks[i + 1] == "=" and toks[i] in VARS]


# -- docstrings -----------------------------------------------------------------------------------------------------
F_WORDS = {"+1": ("plus one", "add one"), "-1": ("minus one", "subtract one"), "*2": ("times two", "double"),
           "/2": ("half", "divide by two"), "*-1": ("negate", "times minus one"), "**2": ("square", "squared"),
           "*3": ("times three", "triple"), "/3": ("a third", "divide by three")}
P_WORDS = {">0": ("positive",), "<0": ("negative",), "even": ("even",), "odd": ("odd",)}
Z_WORDS = {"+": ("plus", "addition"), "-": ("minus", "subtraction"), "*": ("times", "product"),
           "min": ("minimum", "the smaller"), "max": ("maximum", "the larger")}
S_WORDS = {"+": ("sum", "total"), "*": ("product",), "min": ("minimum",), "max": ("maximum",)}
K_WORDS = {"1": ("one", "1"), "2": ("two", "2"), "3": ("three", "3")}
# per op: (precise templates, vague templates); {L}/{L2} lists, {f} {p} {z} {s} {k} argument phrases
TEMPLATES = {
    "map": (("apply {f} to each element of {L}", "map {f} over {L}"),
            ("change each element of {L}", "transform every element of {L}")),
    "filter": (("keep the {p} elements of {L}", "the elements of {L} that are {p}"),
               ("keep some elements of {L}", "select certain elements of {L}")),
    "zipwith": (("combine {L2} and {L} pairwise with {z}", "the pairwise {z} of {L2} and {L}"),
                ("combine {L2} and {L} pairwise", "merge {L2} and {L} element by element")),
    "scanl1": (("the running {s} of {L}", "the prefix {s} of {L}"),
               ("accumulate {L} from the left", "a running total of some kind over {L}")),
    "sort": (("sort {L}", "{L} in increasing order", "{L} sorted"), ()),
    "reverse": (("reverse {L}", "{L} backwards", "{L} in reverse order"), ()),
    "take": (("the first {k} of {L}", "the first {k} elements of {L}"), ("the first few of {L}", "a prefix of {L}")),
    "drop": (("drop the first {k} of {L}", "{L} without its first {k}"),
             ("drop the first few of {L}", "a suffix of {L}")),
    "sum": (("the sum of {L}", "the total of {L}", "add up {L}"), ()),
    "max": (("the maximum of {L}", "the largest element of {L}"), ()),
    "min": (("the minimum of {L}", "the smallest element of {L}"), ()),
    "head": (("the first element of {L}", "the head of {L}"), ()),
    "last": (("the last element of {L}", "the final element of {L}"), ()),
    "count": (("the number of {p} elements in {L}", "count the {p} elements of {L}"),
              ("count some elements of {L}", "how many elements of {L} qualify")),
    "access": (("the element at index {k} of {L}", "element number {k} of {L}"),
               ("some element of {L}", "an element of {L} near the start")),
    "call": (("f of {L}", "f applied to {L}"), ()),
}
LET = ("let {v} be {c}", "{v} is {c}")
RETURN = ("return {c}", "output {c}", "give back {c}")
DEF_OPEN, DEF_THEN = ("define f on x as", "the helper f takes x and"), ("then", "next", "after that")


def clause(rng: random.Random, var: str, op: str, args: tuple, last: bool, p_vague: float) -> str:
    """One docstring clause for statement `var = op args`; vague with probability p_vague (drops the argument)."""
    precise, vague = TEMPLATES[op]
    tpl = rng.choice(vague) if vague and rng.random() < p_vague else rng.choice(precise)
    lists = [a for a in args if a == "x" or a in VARS]
    fill = {"L": lists[-1], "L2": lists[0]}
    if op in ("map", "filter", "zipwith", "scanl1", "count", "take", "drop", "access"):
        kind = SIGNATURES[op][0]
        fill[kind.lower()] = rng.choice({"F": F_WORDS, "P": P_WORDS, "Z": Z_WORDS, "S": S_WORDS,
                                         "K": K_WORDS}[kind][args[0]])
    text = tpl.format(**fill)
    return rng.choice(RETURN).format(c=text) if last else rng.choice(LET).format(v=var, c=text)


def docstring(rng: random.Random, program, p_vague: float = 0.35, skip: Sequence[str] = ()) -> list[str]:
    """Pseudo-English description of a program, one clause per statement (statements assigning `skip` omitted)."""
    helper, main = parse(program)

    def body_text(body):
        body = [s for s in body if s[0] not in skip]
        return " , ".join(clause(rng, v, op, args, i == len(body) - 1, p_vague)
                          for i, (v, op, args) in enumerate(body))

    text = body_text(main)
    if helper:
        text = f"{rng.choice(DEF_OPEN)} {body_text(helper)} . {rng.choice(DEF_THEN)} {text}"
    return text.split()


def doc_words() -> list[str]:
    """Every word a docstring can use (the tokenizer's docstring vocabulary)."""
    words = {".", ","}
    for tables in (F_WORDS, P_WORDS, Z_WORDS, S_WORDS, K_WORDS):
        for phrases in tables.values():
            for ph in phrases:
                words.update(ph.split())
    for precise, vague in TEMPLATES.values():
        for tpl in (*precise, *vague):
            words.update(w for w in tpl.split() if not w.startswith("{"))
    for tpl in (*LET, *RETURN, *DEF_OPEN, *DEF_THEN):
        words.update(w for w in tpl.split() if not w.startswith("{"))
    return sorted(words)
