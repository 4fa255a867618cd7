"""The claims ledger: declare a paper's claims, record what we measured, render the verdict table, write JSON.

Usage in a chapter:
    ledger = Ledger("ef21-reloaded", scale=SCALE, seed=SEED)
    ledger.claim("C1", "EF21-W needs >= 1.5x fewer rounds ...", paper="2-10x (Fig. 1)", expected="reproduced")
    ...experiment...
    ledger.check("C1", measured=mean_ci(speedups), test="min over seeds >= 1.5", holds=min(speedups) >= 1.5)
    ledger.finish()   # renders the table, writes JSON, raises VerdictMismatch if a verdict differs
"""
from __future__ import annotations

import datetime as _dt
import html
import json
import os
import platform
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import ROOT
from .stats import Estimate, _fmt

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not reproduced"
VERDICTS = (REPRODUCED, NOT_REPRODUCED)
LEDGER_DIR_ENV = "BOOK_LEDGER_DIR"  # set by the runner (a private folder it publishes from on success)


class VerdictMismatch(AssertionError):
    """A measured verdict differs from the verdict the chapter declared."""


@dataclass
class Claim:
    """One claim of a paper: what it says, the paper's evidence, our measurement and the verdict."""

    id: str
    statement: str
    paper: str
    expected: str
    measured: str = ""
    measured_value: dict | float | None = None
    test: str = ""
    holds: bool | None = None
    note: str = ""

    @property
    def verdict(self) -> str | None:
        """'reproduced' / 'not reproduced' once checked, else None."""
        if self.holds is None:
            return None
        return REPRODUCED if self.holds else NOT_REPRODUCED

    @property
    def as_declared(self) -> bool:
        return self.verdict == self.expected

    def to_dict(self) -> dict:
        return {"id": self.id, "statement": self.statement, "paper": self.paper, "measured": self.measured,
                "measured_value": self.measured_value, "test": self.test, "holds": self.holds,
                "verdict": self.verdict, "expected": self.expected, "as_declared": self.as_declared,
                "note": self.note}


@dataclass
class Ledger:
    """All claims of one chapter, for one (SCALE, SEED) run."""

    chapter: str
    scale: str = "ci"
    seed: int = 0
    claims: dict[str, Claim] = field(default_factory=dict)

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.chapter):
            raise ValueError(f"chapter slug must be lowercase words joined by '-', got {self.chapter!r}")

    def claim(self, cid: str, statement: str, *, paper: str, expected: str) -> None:
        """Declare a claim, the paper's evidence for it, and the verdict we expect at our scale."""
        if cid in self.claims:
            raise ValueError(f"claim {cid} declared twice in chapter {self.chapter}")
        if expected not in VERDICTS:
            raise ValueError(f"expected verdict for {cid} must be one of {VERDICTS}, got {expected!r}")
        self.claims[cid] = Claim(cid, statement, paper, expected)

    def check(self, cid: str, *, measured, test: str, holds, note: str = "") -> None:
        """Record our measured value (Estimate, number or text), the test applied, and whether it holds."""
        if cid not in self.claims:
            raise KeyError(f"claim {cid} was never declared; declared: {', '.join(self.claims) or 'none'}")
        if not isinstance(holds, bool):
            try:  # numpy / torch booleans
                holds = bool(holds.item()) if hasattr(holds, "item") else holds
            except (TypeError, ValueError):
                pass
        if not isinstance(holds, bool):
            raise TypeError(f"holds for {cid} must be a bool, got {type(holds).__name__}")
        c = self.claims[cid]
        if isinstance(measured, Estimate):
            c.measured, c.measured_value = str(measured), measured.to_dict()
        elif isinstance(measured, (int, float)) and not isinstance(measured, bool):
            c.measured, c.measured_value = _fmt(float(measured)), float(measured)
        else:
            c.measured, c.measured_value = str(measured), None
        c.test, c.holds, c.note = test, holds, note

    # -- output ---------------------------------------------------------------------------------
    def mismatches(self) -> list[Claim]:
        """Claims whose measured verdict differs from the declared one (unchecked claims included)."""
        return [c for c in self.claims.values() if not c.as_declared]

    def to_dict(self) -> dict:
        import torch  # recorded for provenance

        return {"chapter": self.chapter, "scale": self.scale, "seed": self.seed,
                "written": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                "python": platform.python_version(), "torch": torch.__version__,
                "claims": [c.to_dict() for c in self.claims.values()]}

    def write_json(self, directory: str | os.PathLike | None = None) -> Path:
        """Write the ledger atomically to <directory>/<chapter>.json.

        Default: $BOOK_LEDGER_DIR (set by the runner, which publishes it), else _build/interactive/claims, so a run
        from Jupyter or as a script never overwrites the ledger the book shows."""
        d = Path(directory or os.environ.get(LEDGER_DIR_ENV) or ROOT / "_build" / "interactive" / "claims")
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{self.chapter}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2))
        os.replace(tmp, path)
        return path

    def to_text(self) -> str:
        rows = [f"{c.id}: {c.verdict or 'NOT CHECKED'} (declared {c.expected}) | paper {c.paper} | ours {c.measured}"
                f" | test: {c.test}" for c in self.claims.values()]
        return "\n".join([f"Claims ledger: {self.chapter} (SCALE={self.scale}, SEED={self.seed})", *rows])

    def to_html(self) -> str:
        e = html.escape
        head = "".join(f"<th>{h}</th>" for h in ("Claim", "Statement", "Paper", "Ours", "Test", "Verdict"))
        body = []
        for c in self.claims.values():
            icon = {REPRODUCED: "✓", NOT_REPRODUCED: "✗", None: "!"}[c.verdict]
            verdict = f"{icon} {e(c.verdict or 'not checked')}"
            if not c.as_declared:
                verdict += f"<br><b>MISMATCH: declared {e(c.expected)}</b>"
            note = f"<br><small>{e(c.note)}</small>" if c.note else ""
            body.append(f"<tr><td><b>{e(c.id)}</b></td><td>{e(c.statement)}</td><td>{e(c.paper)}</td>"
                        f"<td>{e(c.measured)}</td><td>{e(c.test)}{note}</td><td>{verdict}</td></tr>")
        return (f'<table class="claims-ledger"><caption>Claims ledger, SCALE="{e(self.scale)}", SEED={self.seed}'
                f"</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")

    def display(self):
        """Show the verdict table (HTML in notebooks and the book, text in a terminal)."""
        try:
            from IPython.display import display
        except ImportError:  # pragma: no cover - IPython ships with the book's environment
            print(self.to_text())
            return
        display({"text/html": self.to_html(), "text/plain": self.to_text()}, raw=True)

    def finish(self, directory: str | os.PathLike | None = None) -> None:
        """Render the table, write the JSON ledger, then raise VerdictMismatch if any verdict differs."""
        self.display()
        path = self.write_json(directory)
        bad = self.mismatches()
        if bad:
            lines = [f"{c.id}: measured {c.verdict or 'nothing (never checked)'}, declared {c.expected}" for c in bad]
            raise VerdictMismatch(f"{self.chapter}: {len(bad)} verdict(s) differ from the declared ones: "
                                  + "; ".join(lines))
