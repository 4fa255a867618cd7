"""Trained artifacts: models too costly to train inside a chapter, built once by `python -m lib build <name>`.

A lab module registers a builder with `@artifact(...)`; `build` runs it (deterministic from its seed), writes the
file under `data/` and records a `data/MANIFEST` block (sha256, command, config, build time, source hash, quality);
`load`/`path` verify the sha256 and that the source files have not changed since, and otherwise raise a one-line
`ArtifactError` that names the command to rebuild. `build(name, tiny=True, out=DIR)` is the cheap configuration the
tests run for every builder; it never touches `data/` or the MANIFEST.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import platform
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
MANIFEST = DATA / "MANIFEST"
# modules whose import registers builders (a lab module that does not exist yet is skipped)
LAB_MODULES = ("lib.tinydiff", "lib.tinylm", "lib.tinycode")
_FIELDS = ("file", "sha256", "command", "config", "built", "source", "quality")
_HEADER = """\
# data/MANIFEST: one block per artifact under data/, written by `python -m lib build <name>` (do not edit by hand).
#   file:     data/<file>
#   sha256:   digest of the file; the loader refuses a file that does not match
#   command:  the command of this repo that rebuilds it
#   config:   the build configuration (JSON)
#   built:    date, build wall time and CPU time, machine
#   source:   sha256 over the source files that produced it; the loader refuses a stale file
#   quality:  measured quality numbers (JSON), what the lab chapters check
"""


class ArtifactError(RuntimeError):
    """A missing, corrupted or stale artifact, or an unknown name; the message says how to fix it."""


@dataclass(frozen=True)
class Artifact:
    """A registered builder: `fn(out: Path, tiny: bool) -> {"config": {...}, "quality": {...}}` writes `out`."""

    name: str
    file: str
    fn: Callable
    sources: tuple[str, ...]  # repo-relative files whose content determines the artifact
    minutes: float  # rough one-off build cost on one free core, shown in error messages
    doc: str = ""

    @property
    def command(self) -> str:
        return f"python -m lib build {self.name}"


_REGISTRY: dict[str, Artifact] = {}


def artifact(name: str, file: str, sources: tuple[str, ...] = (), minutes: float = 1.0):
    """Decorator registering a builder; `sources` adds files to the builder's own module for the source hash."""

    def deco(fn):
        own = str(Path(fn.__code__.co_filename).resolve().relative_to(ROOT))
        srcs = tuple(sorted({own, *sources}))
        _REGISTRY[name] = Artifact(name, file, fn, srcs, minutes, (fn.__doc__ or "").strip().split("\n")[0])
        return fn

    return deco


def registry() -> dict[str, Artifact]:
    """Every registered artifact, after importing the lab modules."""
    for mod in LAB_MODULES:
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise
    return dict(sorted(_REGISTRY.items()))


def get(name: str) -> Artifact:
    reg = registry()
    if name not in reg:
        raise ArtifactError(f"unknown artifact {name!r}; known: {', '.join(reg) or 'none'} (python -m lib build --list)")
    return reg[name]


def sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def source_hash(art: Artifact) -> str:
    """sha256 over (path, content) of the artifact's source files."""
    h = hashlib.sha256()
    for rel in art.sources:
        h.update(rel.encode() + b"\0" + (ROOT / rel).read_bytes() + b"\0")
    return h.hexdigest()


def read_manifest(path: Path | None = None) -> dict[str, dict]:
    """The MANIFEST as {file name: {field: value}}; config and quality are parsed from JSON."""
    path = MANIFEST if path is None else path
    entries, cur = {}, None
    if not path.exists():
        return entries
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, val = line.partition(":")
        key, val = key.strip(), val.strip()
        if key == "file":
            cur = entries.setdefault(Path(val).name, {})
        if cur is None:
            raise ArtifactError(f"{path}: a '{key}:' line comes before any 'file:' line; rebuild with make data")
        cur[key] = json.loads(val) if key in ("config", "quality") else val
    return entries


def write_manifest(entries: dict[str, dict], path: Path | None = None) -> None:
    path = MANIFEST if path is None else path
    lines = [_HEADER]
    for fname in sorted(entries):
        e = entries[fname]
        for k in _FIELDS:
            v = e.get(k, "")
            v = json.dumps(v, sort_keys=True) if k in ("config", "quality") else v
            lines.append(f"{k + ':':<9} {v}")
        lines.append("")
    path.write_text("\n".join(lines))


def manifest_entry(name: str) -> dict:
    """The MANIFEST block of a built artifact (its config and quality numbers), after verifying the file."""
    path(name)
    return read_manifest()[get(name).file]


def path(name: str) -> Path:
    """The verified path of artifact `name`; ArtifactError (naming the rebuild command) if missing, corrupt or stale."""
    art = get(name)
    p = DATA / art.file
    fix = f"rebuild it with `{art.command}` (about {art.minutes:g} CPU-min)"
    if not p.exists():
        raise ArtifactError(f"data/{art.file} is missing: {fix}")
    entry = read_manifest().get(art.file)
    if entry is None:
        raise ArtifactError(f"data/{art.file} has no entry in data/MANIFEST: {fix}")
    if sha256_file(p) != entry.get("sha256"):
        raise ArtifactError(f"data/{art.file} does not match its sha256 in data/MANIFEST (corrupt or edited): {fix}")
    if source_hash(art) != entry.get("source"):
        raise ArtifactError(f"data/{art.file} is stale: its sources ({', '.join(art.sources)}) changed since it was "
                            f"built: {fix}")
    return p


def load(name: str):
    """torch.load of the verified artifact (a dict the lab module knows how to turn into a model)."""
    import torch

    return torch.load(path(name), map_location="cpu", weights_only=False)


def build(name: str, tiny: bool = False, out: Path | None = None, log=print) -> dict:
    """Run the builder; full builds write data/<file> and its MANIFEST block, tiny ones only `out`."""
    art = get(name)
    if tiny and out is None:
        raise ArtifactError("a tiny build needs an output folder (--out DIR); it never writes data/")
    folder = Path(out) if out is not None else DATA
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / art.file
    tmp = target.with_name(target.name + ".partial")
    log(f"building {name} ({'tiny' if tiny else 'full'} configuration) -> {target}")
    t0, c0 = time.perf_counter(), time.process_time()
    res = art.fn(tmp, tiny)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    if not tmp.exists():
        raise ArtifactError(f"builder of {name} did not write its output file")
    tmp.replace(target)  # only a finished build replaces the previous file
    entry = dict(file=f"data/{art.file}", sha256=sha256_file(target), command=art.command,
                 config=res.get("config", {}),
                 built=f"{date.today().isoformat()}, {wall:.0f} s wall, {cpu:.0f} s CPU, {platform.machine()}",
                 source=source_hash(art), quality=res.get("quality", {}))
    if not tiny:
        import fcntl

        with open(folder / ".MANIFEST.lock", "w") as lock:  # concurrent builds must not drop each other's entries
            fcntl.flock(lock, fcntl.LOCK_EX)
            entries = read_manifest()
            entries[art.file] = entry
            write_manifest(entries)
    log(f"built {name} in {wall:.0f} s wall ({cpu:.0f} s CPU); quality {json.dumps(entry['quality'])}")
    return entry


def main(argv=None) -> int:
    """`python -m lib build NAME ... | --all | --list [--tiny --out DIR]`."""
    import argparse
    import sys

    p = argparse.ArgumentParser(prog="python -m lib build", description="Build trained artifacts into data/.")
    p.add_argument("names", nargs="*", metavar="NAME")
    p.add_argument("--all", action="store_true", help="build every registered artifact (what `make data` runs)")
    p.add_argument("--list", action="store_true", help="list the artifacts and whether each verifies")
    p.add_argument("--tiny", action="store_true", help="cheap configuration (tests); needs --out, skips data/")
    p.add_argument("--out", type=Path, help="output folder (default data/)")
    a = p.parse_args(argv)
    try:
        reg = registry()
        if a.list:
            for n, art in reg.items():
                try:
                    path(n)
                    state = "ok"
                except ArtifactError as e:
                    state = str(e)
                print(f"{n:<24} data/{art.file:<28} {state}")
            return 0
        names = list(reg) if a.all else a.names
        if not names:
            p.error("name an artifact, or use --all / --list")
        for n in names:
            build(n, tiny=a.tiny, out=a.out)
    except ArtifactError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0
