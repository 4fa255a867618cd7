"""One test per chapter: it executes through the runner at SCALE='ci' and every verdict is as declared."""
import json

import pytest

from lib import ROOT, runner
from lib.runner import BUDGET

CHAPTERS = runner.discover()


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_chapter_runs_and_verdicts_hold(chapter, chapter_results):
    r = chapter_results[chapter.slug]
    assert r.ok, r.describe()
    ledger = json.loads((ROOT / "_build" / "claims" / f"{chapter.slug}.json").read_text())
    assert ledger["scale"] == "ci" and ledger["claims"], "the chapter checks no claim"
    for c in ledger["claims"]:
        assert c["as_declared"], f"{c['id']}: measured {c['verdict']}, declared {c['expected']}"
        assert c["test"] and c["measured"] and c["paper"], f"{c['id']}: incomplete ledger entry"
    # BOOK.md's budget at SCALE="ci" (the fixture runs two chapters at a time, one thread each)
    assert r.wall_s <= BUDGET["wall_s"], f"wall time {r.wall_s:.1f} s over the 45 s budget"
    assert r.peak_mb <= BUDGET["peak_mb"], f"peak memory {r.peak_mb:.0f} MB over the 2 GB budget"
