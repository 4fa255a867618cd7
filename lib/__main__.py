"""Command line: `python -m lib run [SELECTOR ...] [--scale ci|paper] [--seed N] [--jobs N]`, `python -m lib list`,
`python -m lib book` (build the HTML book from the executed chapters) and `python -m lib build NAME|--all|--list`
(trained artifacts under data/, see lib/artifacts.py)."""
import argparse
import os
import sys

from . import runner
from .config import SCALES


def _nonneg(s: str) -> int:
    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {s!r}") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {v}")
    return v


def _positive(s: str) -> int:
    v = _nonneg(s)
    if v < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return v


class _OneLineParser(argparse.ArgumentParser):
    """Argument errors as one line that says what is wrong and where to look."""

    def error(self, message):
        self.exit(2, f"error: {message} (see `{self.prog} --help`)\n")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["build"]:  # its own parser: python -m lib build --help
        from . import artifacts

        return artifacts.main(argv[1:])
    p = _OneLineParser(prog="python -m lib", description="Run and publish the book's chapters.")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_OneLineParser)
    r = sub.add_parser("run", help="execute chapters with papermill and check their claims")
    r.add_argument("selectors", nargs="*", metavar="SELECTOR", help="chapter slug, part slug or glob (none = all)")
    r.add_argument("--scale", default="ci", choices=SCALES, help="ci (default, <= 45 s each) or paper")
    r.add_argument("--seed", default=0, type=_nonneg, help="the SEED parameter (default 0)")
    r.add_argument("--jobs", default=os.cpu_count() or 1, type=_positive,
                   help="chapters run at once; each gets cores/jobs threads (default: one per core)")
    sub.add_parser("list", help="list the chapters")
    b = sub.add_parser("book", help="build the HTML book into _build/html from the executed notebooks")
    b.add_argument("--no-strict", action="store_true", help="do not turn Sphinx warnings into errors")
    sub.add_parser("build", help="build trained artifacts into data/ (python -m lib build --help)")
    a = p.parse_args(argv)
    try:
        chapters = runner.discover()
        if a.cmd == "list":
            for c in chapters:
                print(f"{c.part:<13} {c.slug:<36} {c.title}")
            print(f"{len(chapters)} chapter(s)")
            return 0
        if a.cmd == "run":
            results = runner.run(runner.select(chapters, a.selectors), scale=a.scale, seed=a.seed, jobs=a.jobs)
            return 0 if all(r.ok for r in results) else 1
        if a.cmd == "book":
            from . import book

            return book.build(strict=not a.no_strict)
    except runner.SelectionError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
