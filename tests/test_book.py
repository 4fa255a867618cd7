"""The book: table of contents agrees with the chapter files, and the HTML builds (warnings are errors)."""
import json
import re

import nbformat
import pytest

from lib import PARTS, ROOT, book, runner


def test_toc_lists_every_chapter_and_only_existing_ones():
    files = {f"{c.part}/{c.slug}" for c in runner.discover()}
    toc = set(book.toc_chapters())
    assert files - toc == set(), f"chapters missing from _toc.yml: {sorted(files - toc)}"
    assert toc - files == set(), f"_toc.yml names chapters that do not exist: {sorted(toc - files)}"
    for part in PARTS:
        assert f"chapters/{part}/index" in book.toc_files(), f"part page of {part} missing from _toc.yml"
        assert (ROOT / "chapters" / part / "index.md").exists()


def test_every_chapter_is_cited_in_references():
    bib = (ROOT / "references.bib").read_text()
    for c in runner.discover():
        keys = re.findall(r"\{cite\}`([^`]+)`", c.path.read_text())
        assert keys, f"{c.slug} cites no paper"
        for k in keys:
            assert f"{{{k}," in bib, f"{c.slug} cites {k}, which is not in references.bib"


def test_display_math_stands_in_its_own_paragraph():
    """A `$$...$$` line glued to the text around it renders as garbage in MyST: it needs blank lines around it."""
    for c in runner.discover():
        lines = c.path.read_text().splitlines()
        for i, line in enumerate(lines):
            if re.match(r"^# *\$\$", line) and i > 0:
                assert lines[i - 1].rstrip() == "#", f"{c.slug}:{i + 1}: add a blank '#' line before display math"
            if re.match(r"^# *\$\$.*\$\$\s*$", line) and i + 1 < len(lines):
                assert lines[i + 1].rstrip() in ("#", ""), f"{c.slug}:{i + 1}: add a blank '#' line after display math"


def test_scoreboard_and_timings_pages_render_from_ledgers():
    ledgers = {"toy": {"scale": "ci", "seed": 0, "claims": [
        {"id": "C1", "statement": "a | b $x$", "paper": "Fig. 1", "measured": "0.5 [0.4, 0.6]",
         "verdict": "not reproduced", "expected": "not reproduced", "as_declared": True}]}}
    timings = {"toy": {"part": "theory", "scale": "ci", "seed": 0, "threads": 1, "wall_s": 12.3, "peak_mb": 400,
                       "status": "ok", "finished": "2026-01-01T00:00:00+00:00"}}
    md = book.scoreboard_md(["theory/toy"], ledgers, timings)
    assert "1 chapters, 1 claims: 0 reproduced, 1 not reproduced; 0 verdicts differ" in md
    assert r"a \| b \$x\$" in md and "{doc}`toy <chapters/theory/toy>`" in md
    tm = book.timings_md(["theory/toy"], timings)
    assert "| ci, SEED=0, 1 thread | 12.3 | 400 | ✓ within |" in tm


@pytest.mark.slow
def test_book_builds_with_chapters_figures_and_verdicts(chapter_results):
    assert book.build(strict=True) == 0, "Sphinx build failed or warned; see _build/book-build.log"
    html = ROOT / "_build" / "html"
    assert (html / "intro.html").exists() and (html / "index.html").exists()
    for part in PARTS:
        assert (html / "chapters" / part / "index.html").exists()
    score = (html / "scoreboard.html").read_text()
    times = (html / "timings.html").read_text()
    for c in runner.discover():
        page = (html / "chapters" / c.part / f"{c.slug}.html").read_text()
        assert "claims-ledger" in page, f"{c.slug}: no verdict table in the HTML"
        assert re.search(r'<img[^>]+src="[^"]*_images/[^"]+\.png"', page), f"{c.slug}: no figure in the HTML"
        assert "Traceback" not in page, f"{c.slug}: a traceback is shown in the HTML"
        assert c.slug in score and c.slug in times
        nb = nbformat.read(ROOT / "_build" / "notebooks" / c.part / f"{c.slug}.ipynb", as_version=4)
        errors = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert not errors, f"{c.slug}: executed notebook contains an error output"
        ledger = json.loads((ROOT / "_build" / "claims" / f"{c.slug}.json").read_text())
        for claim in ledger["claims"]:
            assert claim["verdict"] in score
    assert (html / "references.html").exists()
