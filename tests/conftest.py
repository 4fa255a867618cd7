"""Shared fixtures: the chapters are executed once per test session, through the runner, into _build/."""
import contextlib

import pytest

from lib import ROOT, runner


@pytest.fixture(scope="session")
def chapter_results(pytestconfig):
    """Run every chapter at SCALE='ci' (two at a time) and return {slug: Result}; progress shows live."""
    capture = pytestconfig.pluginmanager.getplugin("capturemanager")
    live = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
    with live:
        print()
        results = runner.run(runner.discover(), scale="ci", seed=0, jobs=2, build_dir=ROOT / "_build")
    return {r.chapter.slug: r for r in results}
