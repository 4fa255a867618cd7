"""Seed sweep: run chapters for several SEEDs in separate build folders and tabulate every claim per seed.

    python -m lib.sweep SELECTOR ... [--seeds 0-4] [--scale ci] [--jobs N]

Results go to _build/seeds/<seed>/ (the book's own _build/notebooks and _build/claims are left alone); the exit
status is non-zero if any run failed or any verdict differs from the declared one.
"""
import argparse
import json
import os
import sys

from . import ROOT, runner
from .config import SCALES


def parse_seeds(text: str) -> list[int]:
    """'0-4' -> [0, 1, 2, 3, 4]; '1,3,7' -> [1, 3, 7]."""
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        if not lo.strip().isdigit() or (hi and not hi.strip().isdigit()):
            raise argparse.ArgumentTypeError(f"seeds look like 0-4 or 1,3,7; got {text!r}")
        out += list(range(int(lo), int(hi) + 1)) if hi else [int(lo)]
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m lib.sweep", description=__doc__.splitlines()[0])
    p.add_argument("selectors", nargs="+", metavar="SELECTOR", help="chapter slug, part slug or glob")
    p.add_argument("--seeds", type=parse_seeds, default=list(range(5)), help="e.g. 0-4 (default) or 1,3,7")
    p.add_argument("--scale", default="ci", choices=SCALES)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = p.parse_args(argv)
    try:
        chapters = runner.select(runner.discover(), a.selectors)
    except runner.SelectionError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    table: dict = {}
    ok = True
    for seed in a.seeds:
        results = runner.run(chapters, scale=a.scale, seed=seed, jobs=a.jobs, build_dir=ROOT / "_build" / "seeds" / str(seed))
        for r in results:
            ok &= r.ok
            for c in r.claims:
                table.setdefault((r.chapter.slug, c["id"]), []).append(
                    (seed, c["measured"], c["verdict"], c["expected"], c["as_declared"]))
            if not r.claims:
                table.setdefault((r.chapter.slug, "-"), []).append((seed, r.error or r.status, "", "", False))
    print("\nPer-seed claims (measured value, verdict; '!' marks a verdict that differs from the declared one):")
    for (slug, cid), rows in table.items():
        print(f"{slug} {cid} (declared {rows[0][3] or '?'}):")
        for seed, measured, verdict, _, as_declared in rows:
            print(f"  SEED {seed}: {'' if as_declared else '! '}{verdict:<15} {measured}")
    out = ROOT / "_build" / "seeds" / "summary.json"
    out.write_text(json.dumps({f"{s}/{c}": rows for (s, c), rows in table.items()}, indent=1))
    print(f"\n{'All declared verdicts hold' if ok else 'SOME RUNS FAILED OR DIFFER'} for SEED {a.seeds}; table in {out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
