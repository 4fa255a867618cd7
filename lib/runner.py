"""The chapter runner: discover, select and execute chapters with papermill; collect ledgers, times and memory."""
from __future__ import annotations

import datetime as _dt
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import PARTS, ROOT
from .config import SCALES

TIMEOUTS = {"ci": 300, "paper": 6 * 3600}  # seconds per chapter; override with $BOOK_TIMEOUT
BUDGET = {"wall_s": 45.0, "peak_mb": 2048.0}  # the ci-scale budget of BOOK.md


_ACTIVE: set = set()  # worker processes running now (killed on Ctrl-C)


class SelectionError(ValueError):
    """A selector that names no chapter, part or pattern."""


@dataclass(frozen=True)
class Chapter:
    """One chapter source file: chapters/<part>/<slug>.py."""

    part: str
    slug: str
    path: Path

    @property
    def title(self) -> str:
        """The first markdown heading of the chapter (its paper title)."""
        for line in self.path.read_text().splitlines():
            m = re.match(r"#\s+#\s+(.+)", line)
            if m:
                return m.group(1).strip()
        return self.slug


def discover(chapters_dir: Path | None = None) -> list[Chapter]:
    """All chapters under chapters_dir (default: the book's), in part order then file name; `_*.py` are skipped."""
    root = Path(chapters_dir or ROOT / "chapters")
    found = []
    for p in sorted(root.glob("*/*.py")):
        if p.name.startswith("_") or p.parent.name.startswith("_"):
            continue
        if p.parent.name not in PARTS:
            raise SelectionError(f"{p}: folder {p.parent.name!r} is not a part; parts are {', '.join(PARTS)}")
        found.append(Chapter(p.parent.name, p.stem, p))
    slugs = [c.slug for c in found]
    dup = sorted({s for s in slugs if slugs.count(s) > 1})
    if dup:
        raise SelectionError(f"chapter slugs must be unique across parts; repeated: {', '.join(dup)}")
    return sorted(found, key=lambda c: (PARTS.index(c.part), c.slug))


def select(chapters: list[Chapter], selectors: list[str]) -> list[Chapter]:
    """Chapters matching any selector (a slug, a part, or a glob over slug or part/slug); none = all."""
    if not selectors:
        return list(chapters)
    chosen: list[Chapter] = []
    for s in selectors:
        hits = [c for c in chapters if s in (c.slug, c.part) or fnmatch.fnmatch(c.slug, s)
                or fnmatch.fnmatch(f"{c.part}/{c.slug}", s)]
        if not hits:
            have = ", ".join(c.slug for c in chapters) or "(none)"
            raise SelectionError(f"no chapter, part or pattern matches {s!r}. Chapters: {have}. "
                                 f"Parts: {', '.join(PARTS)}. Try `python -m lib list`.")
        chosen += [c for c in hits if c not in chosen]
    return chosen


@dataclass
class Result:
    """The outcome of one chapter run."""

    chapter: Chapter
    status: str  # ok | failed | timeout | mismatch
    wall_s: float | None = None
    peak_mb: float | None = None
    cell: dict | None = None
    error: str | None = None
    claims: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def verdict_summary(self) -> str:
        if not self.claims:
            return "no claims"
        n_rep = sum(c["verdict"] == "reproduced" for c in self.claims)
        bad = [c["id"] for c in self.claims if not c["as_declared"]]
        s = f"{len(self.claims)} claims: {n_rep} reproduced, {len(self.claims) - n_rep} not reproduced"
        return s + (f"; MISMATCH in {', '.join(bad)}" if bad else ", all as declared")

    def describe(self) -> str:
        c = self.chapter
        if self.ok:
            return f"ok      {c.slug:<36} {self.wall_s:6.1f} s {self.peak_mb:7.0f} MB  {self.verdict_summary()}"
        where = ""
        if self.cell:
            line = self.cell.get("line") or self.cell["first_line"]
            where = f" in cell {self.cell['index']} (`{line[:70]}`)"
        return f"{self.status.upper():<7} {c.slug:<36}{where}: {self.error}"


def _thread_env(threads: int, ledger_dir: Path) -> dict:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                "VECLIB_MAXIMUM_THREADS"):
        env[var] = str(threads)
    env["BOOK_LEDGER_DIR"] = str(ledger_dir)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.pop("MPLBACKEND", None)  # the kernel's inline backend puts figures into the notebook
    return env


def _write_json_atomic(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, path)


def run_chapter(ch: Chapter, *, scale: str = "ci", seed: int = 0, threads: int = 1, build_dir: Path | None = None,
                timeout: float | None = None) -> Result:
    """Execute one chapter in a fresh process and kernel; keep the last good notebook and ledger on failure."""
    build = Path(build_dir or ROOT / "_build")
    timeout = float(timeout or os.environ.get("BOOK_TIMEOUT") or TIMEOUTS[scale])
    nb_dir = build / "notebooks" / ch.part
    nb_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{ch.slug}-", dir=build))
    try:
        partial = work / f"{ch.slug}.ipynb"
        spec = {"source": str(ch.path), "partial": str(partial), "cwd": str(ch.path.parent),
                "parameters": {"SCALE": scale, "SEED": seed}, "timeout": timeout, "result": str(work / "result.json")}
        (work / "spec.json").write_text(json.dumps(spec))
        proc = subprocess.Popen([sys.executable, "-m", "lib._worker", str(work / "spec.json")], cwd=ROOT,
                                env=_thread_env(threads, work / "claims"), start_new_session=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        _ACTIVE.add(proc)
        t0 = time.perf_counter()
        try:
            out, _ = proc.communicate(timeout=timeout + 30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return Result(ch, "timeout", wall_s=round(time.perf_counter() - t0, 1),
                          error=f"did not finish within {timeout:.0f} s (set BOOK_TIMEOUT to allow more)")
        finally:
            _ACTIVE.discard(proc)
            _kill(proc)  # the kernel runs in the worker's session: never leave it behind
        if not (work / "result.json").exists():
            return Result(ch, "failed", error=f"runner worker crashed (exit {proc.returncode}): {out.strip()[-500:]}")
        r = json.loads((work / "result.json").read_text())
        ledger_file = work / "claims" / f"{ch.slug}.json"
        ledger = json.loads(ledger_file.read_text()) if ledger_file.exists() else {}
        res = Result(ch, r["status"], r["wall_s"], r["peak_mb"], r["cell"], r["error"], ledger.get("claims", []))
        if res.ok and ledger and (ledger.get("scale"), ledger.get("seed")) != (scale, seed):
            res.status, res.error = "failed", (f"the ledger records SCALE={ledger.get('scale')!r}, "
                                               f"SEED={ledger.get('seed')!r} but the run asked for SCALE={scale!r}, "
                                               f"SEED={seed}: pass SCALE and SEED to Ledger(...)")
        if res.ok and not ledger_file.exists():
            res.status, res.error = "failed", ("the chapter wrote no claims ledger: it must end with ledger.finish(), "
                                               "and Ledger(...) must be given the file name as slug")
        if res.ok and any(not c["as_declared"] for c in res.claims):
            res.status, res.error = "mismatch", res.verdict_summary()
        if res.status == "failed" and "VerdictMismatch" in (res.error or ""):
            res.status = "mismatch"
        if res.ok:  # publish atomically: the book only ever sees complete, verified runs
            os.replace(partial, nb_dir / f"{ch.slug}.ipynb")
            (build / "claims").mkdir(parents=True, exist_ok=True)
            os.replace(ledger_file, build / "claims" / f"{ch.slug}.json")
        else:  # keep the evidence next to (not over) the last good result
            failed = build / "failed" / ch.part
            failed.mkdir(parents=True, exist_ok=True)
            if partial.exists():
                os.replace(partial, failed / f"{ch.slug}.ipynb")
            if ledger_file.exists():
                os.replace(ledger_file, failed / f"{ch.slug}.json")
        return res
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def record_timings(results: list[Result], scale: str, seed: int, threads: int, build_dir: Path) -> Path:
    """Merge these runs into <build>/timings.json (one entry per chapter: its latest run)."""
    path = Path(build_dir) / "timings.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    for r in results:
        data[r.chapter.slug] = {"part": r.chapter.part, "title": r.chapter.title, "status": r.status,
                                "wall_s": r.wall_s, "peak_mb": r.peak_mb, "scale": scale, "seed": seed,
                                "threads": threads, "finished": now, "error": r.error,
                                "cell": r.cell}
    _write_json_atomic(path, data)
    return path


def run(chapters: list[Chapter], *, scale: str = "ci", seed: int = 0, jobs: int = 1, build_dir: Path | None = None,
        timeout: float | None = None, out=None) -> list[Result]:
    """Run chapters, `jobs` at a time, each with cores/jobs threads; print progress; record timings."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}; got {scale!r}")
    if seed < 0 or jobs < 1:
        raise ValueError("seed must be >= 0 and jobs >= 1")
    out = out or sys.stdout
    build = Path(build_dir or ROOT / "_build")
    build.mkdir(parents=True, exist_ok=True)
    threads = max(1, (os.cpu_count() or 1) // jobs)
    print(f"Running {len(chapters)} chapter(s) at SCALE={scale!r}, SEED={seed}, {jobs} at a time, "
          f"{threads} thread(s) each", file=out, flush=True)
    lock, done, stopping = threading.Lock(), [], threading.Event()

    def one(ch: Chapter) -> Result:
        with lock:
            print(f"  start   {ch.part}/{ch.slug}", file=out, flush=True)
        r = run_chapter(ch, scale=scale, seed=seed, threads=threads, build_dir=build, timeout=timeout)
        if stopping.is_set():  # killed by Ctrl-C: not a result
            return r
        with lock:
            done.append(r)
            print(f"  [{len(done)}/{len(chapters)}] {r.describe()}", file=out, flush=True)
        return r

    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        results = list(pool.map(one, chapters))
    except KeyboardInterrupt:  # stop every kernel; finished chapters are already published
        stopping.set()
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in list(_ACTIVE):
            _kill(proc)
        print(f"\nInterrupted: {len(done)} of {len(chapters)} chapter(s) finished and kept; "
              "the running ones were stopped.", file=out, flush=True)
        if done:
            record_timings(done, scale, seed, threads, build)
        raise
    pool.shutdown()
    record_timings(results, scale, seed, threads, build)
    bad = [r for r in results if not r.ok]
    total = sum(r.wall_s or 0 for r in results)
    print(f"\nSummary: {len(results) - len(bad)} of {len(results)} chapter(s) ok, chapter time {total:.0f} s; "
          f"ledgers in {build / 'claims'}, notebooks in {build / 'notebooks'}", file=out)
    over = [r for r in results if r.ok and scale == "ci" and (r.wall_s > BUDGET["wall_s"] or r.peak_mb > BUDGET["peak_mb"])]
    for r in over:
        print(f"  over budget: {r.chapter.slug} ({r.wall_s:.1f} s, {r.peak_mb:.0f} MB; budget 45 s, 2 GB)", file=out)
    for r in bad:
        print(f"  {r.describe()}", file=out)
        print(f"          executed notebook with the error: {build / 'failed' / r.chapter.part / (r.chapter.slug + '.ipynb')}",
              file=out)
    out.flush()
    return results
