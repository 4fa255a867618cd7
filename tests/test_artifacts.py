"""Artifacts: the MANIFEST round-trips, the loader refuses missing/corrupt/stale files, every builder builds tiny."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from lib import artifacts as A


@pytest.fixture
def fake(tmp_path, monkeypatch):
    src = tmp_path / "src.py"
    src.write_text("x = 1\n")
    monkeypatch.setattr(A, "ROOT", tmp_path)
    monkeypatch.setattr(A, "DATA", tmp_path / "data")
    monkeypatch.setattr(A, "MANIFEST", tmp_path / "data" / "MANIFEST")

    def fn(out, tiny):
        torch.save({"w": torch.ones(3, dtype=torch.float16)}, out)
        return {"config": {"tiny": tiny}, "quality": {"acc": 0.9}}

    art = A.Artifact("fake", "fake.pt", fn, ("src.py",), 0.1)
    monkeypatch.setitem(A._REGISTRY, "fake", art)
    monkeypatch.setattr(A, "registry", lambda: {"fake": art})
    return src


def test_missing_then_built_then_stale(fake):
    with pytest.raises(A.ArtifactError, match="missing.*python -m lib build fake"):
        A.path("fake")
    entry = A.build("fake", log=lambda *_: None)
    assert entry["quality"] == {"acc": 0.9}
    assert A.load("fake")["w"].dtype == torch.float16
    assert A.manifest_entry("fake")["config"] == {"tiny": False}
    fake.write_text("x = 2\n")  # the source changed: the artifact is stale
    with pytest.raises(A.ArtifactError, match="stale.*python -m lib build fake"):
        A.path("fake")


def test_corrupt_file_refused(fake):
    A.build("fake", log=lambda *_: None)
    (A.DATA / "fake.pt").write_bytes(b"garbage")
    with pytest.raises(A.ArtifactError, match="sha256"):
        A.path("fake")


def test_tiny_build_needs_out_and_skips_manifest(fake, tmp_path):
    with pytest.raises(A.ArtifactError, match="--out"):
        A.build("fake", tiny=True)
    A.build("fake", tiny=True, out=tmp_path / "t", log=lambda *_: None)
    assert (tmp_path / "t" / "fake.pt").exists() and not A.MANIFEST.exists()


def test_unknown_name():
    with pytest.raises(A.ArtifactError, match="unknown artifact"):
        A.get("no-such-model")


def test_committed_artifacts_verify():
    """Every artifact in data/MANIFEST matches its file and its current sources (else: rebuild it)."""
    for name in A.registry():
        A.path(name)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(A.registry()))
def test_build_command_tiny(name, tmp_path):
    """Each build command runs end to end on its tiny configuration."""
    r = subprocess.run([sys.executable, "-m", "lib", "build", name, "--tiny", "--out", str(tmp_path)],
                       capture_output=True, text=True, cwd=A.ROOT, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path / A.get(name).file).exists()
