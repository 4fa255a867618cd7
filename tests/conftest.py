"""Shared fixtures: the chapters are executed once per test session, through the runner, into _build/."""
import pytest

from lib import ROOT, runner


@pytest.fixture(scope="session")
def chapter_results():
    """Run every chapter at SCALE='ci' (two at a time) and return {slug: Result}."""
    chapters = runner.discover()
    results = runner.run(chapters, scale="ci", seed=0, jobs=2, build_dir=ROOT / "_build")
    return {r.chapter.slug: r for r in results}
