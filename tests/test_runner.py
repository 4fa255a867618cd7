"""The runner: selection, errors, and a deliberately broken chapter that must not stop the others."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lib import ROOT, runner

TEMPLATE = (ROOT / "chapters" / "_template.py").read_text()


def write_chapter(folder: Path, part: str, slug: str, text: str) -> Path:
    (folder / part).mkdir(parents=True, exist_ok=True)
    p = folder / part / f"{slug}.py"
    p.write_text(text.replace('Ledger("template"', f'Ledger("{slug}"'))
    return p


def test_discover_and_select(tmp_path):
    write_chapter(tmp_path, "theory", "toy-a", TEMPLATE)
    write_chapter(tmp_path, "continual", "toy-b", TEMPLATE)
    write_chapter(tmp_path, "continual", "_skipped", TEMPLATE)
    chs = runner.discover(tmp_path)
    assert [c.slug for c in chs] == ["toy-b", "toy-a"]  # part order of BOOK.md, then name
    assert chs[0].title == "Paper title, exactly as published"
    assert [c.slug for c in runner.select(chs, ["theory"])] == ["toy-a"]
    assert [c.slug for c in runner.select(chs, ["toy-*"])] == ["toy-b", "toy-a"]
    assert [c.slug for c in runner.select(chs, ["continual/*", "toy-b"])] == ["toy-b"]
    with pytest.raises(runner.SelectionError, match="no chapter, part or pattern matches 'nope'.*toy-b, toy-a"):
        runner.select(chs, ["nope"])


def test_discover_rejects_unknown_part_and_duplicate_slugs(tmp_path):
    write_chapter(tmp_path, "misc", "toy", TEMPLATE)
    with pytest.raises(runner.SelectionError, match="not a part"):
        runner.discover(tmp_path)
    (tmp_path / "misc" / "toy.py").unlink()
    write_chapter(tmp_path, "theory", "toy", TEMPLATE)
    write_chapter(tmp_path, "continual", "toy", TEMPLATE)
    with pytest.raises(runner.SelectionError, match="unique"):
        runner.discover(tmp_path)


def test_broken_chapter_is_reported_with_its_cell_and_others_finish(tmp_path, capsys):
    chapters = tmp_path / "chapters"
    write_chapter(chapters, "theory", "good-one", TEMPLATE)
    broken = TEMPLATE.replace("errors = np.array(", "raise RuntimeError('deliberately broken')\nerrors = np.array(")
    write_chapter(chapters, "theory", "broken-one", broken)
    mismatch = TEMPLATE.replace("expected=REPRODUCED", "expected='not reproduced'")
    write_chapter(chapters, "theory", "mismatched", mismatch)
    build = tmp_path / "_build"
    # a good result from an earlier run must survive a failed rerun
    (build / "notebooks" / "theory").mkdir(parents=True)
    (build / "notebooks" / "theory" / "broken-one.ipynb").write_text("{}")

    results = runner.run(runner.discover(chapters), jobs=2, build_dir=build)
    out = capsys.readouterr().out
    by = {r.chapter.slug: r for r in results}

    assert by["good-one"].ok and (build / "notebooks" / "theory" / "good-one.ipynb").exists()
    assert json.loads((build / "claims" / "good-one.json").read_text())["claims"][0]["verdict"] == "reproduced"

    bad = by["broken-one"]
    assert bad.status == "failed" and "RuntimeError: deliberately broken" in bad.error
    assert bad.cell["index"] > 0 and "raise RuntimeError" in bad.cell["line"]
    assert "FAILED  broken-one" in out and f"in cell {bad.cell['index']}" in out
    assert (build / "failed" / "theory" / "broken-one.ipynb").exists()
    assert (build / "notebooks" / "theory" / "broken-one.ipynb").read_text() == "{}"  # last good kept

    mm = by["mismatched"]
    assert mm.status == "mismatch" and "VerdictMismatch" in mm.error
    assert not (build / "claims" / "mismatched.json").exists()
    assert (build / "failed" / "theory" / "mismatched.json").exists()

    timings = json.loads((build / "timings.json").read_text())
    assert timings["good-one"]["status"] == "ok" and timings["good-one"]["peak_mb"] > 10
    assert timings["broken-one"]["status"] == "failed"


def test_chapter_without_parameters_cell_or_ignoring_seed_fails_clearly(tmp_path):
    chapters = tmp_path / "chapters"
    write_chapter(chapters, "theory", "no-params", TEMPLATE.replace('# %% tags=["parameters"]', "# %%"))
    write_chapter(chapters, "theory", "fixed-seed", TEMPLATE.replace("seed=SEED)", "seed=0)"))
    by = {r.chapter.slug: r for r in runner.run(runner.discover(chapters), seed=2, build_dir=tmp_path / "_build")}
    assert by["no-params"].status == "failed" and "tagged 'parameters'" in by["no-params"].error
    assert by["fixed-seed"].status == "failed" and "SEED=0 but the run asked for" in by["fixed-seed"].error


def test_timeout_kills_the_chapter(tmp_path):
    slow = TEMPLATE.replace("errors = np.array(", "import time; time.sleep(60)\nerrors = np.array(")
    write_chapter(tmp_path / "chapters", "theory", "slow", slow)
    r = runner.run_chapter(runner.discover(tmp_path / "chapters")[0], build_dir=tmp_path / "_build", timeout=8)
    assert r.status in ("timeout", "failed") and r.error


def cli(*args):
    return subprocess.run([sys.executable, "-m", "lib", *args], cwd=ROOT, capture_output=True, text=True)


def test_cli_errors_are_one_line_and_helpful():
    p = cli("run", "no-such-chapter")
    assert p.returncode == 2 and "no chapter, part or pattern matches 'no-such-chapter'" in p.stderr
    assert "python -m lib list" in p.stderr and "Traceback" not in p.stderr
    p = cli("run", "--scale", "huge")
    assert p.returncode == 2 and "invalid choice: 'huge'" in p.stderr and "ci" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    p = cli("run", "--seed", "-1")
    assert p.returncode == 2 and "must be >= 0" in p.stderr
    p = cli("run", "--jobs", "0")
    assert p.returncode == 2 and "must be >= 1" in p.stderr


def test_cli_list_names_every_chapter():
    p = cli("list")
    assert p.returncode == 0
    for ch in runner.discover():
        assert ch.slug in p.stdout


def test_sweep_parses_seed_lists():
    from lib.sweep import parse_seeds

    assert parse_seeds("0-4") == [0, 1, 2, 3, 4] and parse_seeds("1,3,7") == [1, 3, 7]
    assert parse_seeds("0-1,5") == [0, 1, 5]
    with pytest.raises(Exception, match="seeds look like"):
        parse_seeds("a-b")
