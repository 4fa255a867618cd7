"""Builds the HTML book from executed notebooks: stages the sources, writes Scoreboard and Computation times."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from . import PARTS, ROOT
from .runner import BUDGET

STATIC = ("_config.yml", "_toc.yml", "intro.md", "references.md", "references.bib", "_static")


def part_title(part: str, root: Path | None = None) -> str:
    """A part's title: the first heading of chapters/<part>/index.md (the one place it is written)."""
    index = Path(root or ROOT) / "chapters" / part / "index.md"
    for line in index.read_text().splitlines() if index.exists() else []:
        if line.startswith("# "):
            return line[2:].strip()
    return part


def toc_files(toc_path: Path | None = None) -> list[str]:
    """Every `file:` entry of _toc.yml (root included), in order."""
    toc = yaml.safe_load(Path(toc_path or ROOT / "_toc.yml").read_text())
    out = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                out.append(node["file"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(toc.get("parts", toc.get("chapters", [])))
    return out


def toc_chapters(toc_path: Path | None = None) -> list[str]:
    """The chapter entries of _toc.yml as 'part/slug' (part index pages excluded)."""
    return [f[len("chapters/"):] for f in toc_files(toc_path)
            if f.startswith("chapters/") and not f.endswith("/index")]


def md_escape(text: str) -> str:
    """Escape text for a MyST markdown table cell."""
    return re.sub(r"([\\`*_\[\]<>|${}~#])", r"\\\1", str(text)).replace("\n", " ")


def _load(build: Path) -> tuple[dict, dict]:
    ledgers = {}
    for p in sorted((build / "claims").glob("*.json")):
        ledgers[p.stem] = json.loads(p.read_text())
    tpath = build / "timings.json"
    timings = json.loads(tpath.read_text()) if tpath.exists() else {}
    return ledgers, timings


def scoreboard_md(chapters: list[str], ledgers: dict, timings: dict) -> str:
    """The Scoreboard page: verdicts per part and per claim, from the ledgers of the published runs."""
    lines = ["# Scoreboard", "",
             "Every claim the book checks, from the claims ledgers of the runs shown in this book. A claim is "
             "*reproduced* when its test passes at our scale; a chapter fails when a verdict differs from the one "
             "its author declared.", ""]
    allc = [c for s in ledgers.values() for c in s["claims"]]
    n_rep = sum(c["verdict"] == "reproduced" for c in allc)
    n_bad = sum(not c["as_declared"] for c in allc)
    lines += [f"**{len(ledgers)} chapters, {len(allc)} claims: {n_rep} reproduced, {len(allc) - n_rep} not "
              f"reproduced; {n_bad} verdicts differ from the declared ones.**", "", "## By part", "",
              "| Part | Chapters | Claims | Reproduced | Not reproduced | As declared |", "|---|---|---|---|---|---|"]
    by_part: dict[str, list[str]] = {}
    for ch in chapters:
        part, slug = ch.split("/")
        by_part.setdefault(part, []).append(slug)
    for part in PARTS:
        slugs = [s for s in by_part.get(part, []) if s in ledgers]
        cl = [c for s in slugs for c in ledgers[s]["claims"]]
        r = sum(c["verdict"] == "reproduced" for c in cl)
        ok = sum(c["as_declared"] for c in cl)
        lines.append(f"| {part_title(part)} | {len(slugs)} | {len(cl)} | {r} | {len(cl) - r} | {ok}/{len(cl)} |")
    lines += ["", "## By chapter", ""]
    for part in PARTS:
        slugs = by_part.get(part, [])
        if not slugs:
            continue
        lines += [f"### {part_title(part)}", "",
                  "| Chapter | Claim | Paper | Ours | Verdict | Run |", "|---|---|---|---|---|---|"]
        for slug in slugs:
            link = f"{{doc}}`{slug} <chapters/{part}/{slug}>`"
            t = timings.get(slug, {})
            if slug not in ledgers:
                lines.append(f"| {link} | | | | not executed yet | {md_escape(t.get('status', ''))} |")
                continue
            led = ledgers[slug]
            run = f"SCALE={led['scale']}, SEED={led['seed']}"
            if t.get("wall_s") is not None and t.get("status") == "ok":
                run += f", {t['wall_s']:.0f} s"
            if t and t.get("status") != "ok":
                run += f"; latest run {t.get('status')} (showing the last good run)"
            for i, c in enumerate(led["claims"]):
                icon = "✓" if c["verdict"] == "reproduced" else "✗"
                verdict = f"{icon} {c['verdict']}" + ("" if c["as_declared"] else f" (**declared {c['expected']}**)")
                lines.append(f"| {link if i == 0 else ''} | **{md_escape(c['id'])}** {md_escape(c['statement'])} | "
                             f"{md_escape(c['paper'])} | {md_escape(c['measured'])} | {verdict} | "
                             f"{md_escape(run) if i == 0 else ''} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def timings_md(chapters: list[str], timings: dict, figure: str | None = None) -> str:
    """The Computation-times page: wall time and peak memory of each chapter's latest run."""
    lines = ["# Computation times", "",
             f"Wall time (papermill execution, kernel start included) and peak memory of each chapter's latest run, "
             f"as recorded by the runner in `_build/timings.json`. Budget at `SCALE=\"ci\"`: at most "
             f"{BUDGET['wall_s']:.0f} s on one core and {BUDGET['peak_mb'] / 1024:.0f} GB.", "",
             *([f"![Wall time and peak memory of each chapter's latest run]({figure})", ""] if figure else []),
             "| Chapter | Run | Wall (s) | Peak (MB) | Budget | Status | Finished (UTC) |",
             "|---|---|---|---|---|---|---|"]
    total = 0.0
    for ch in chapters:
        part, slug = ch.split("/")
        t = timings.get(slug)
        link = f"{{doc}}`{slug} <chapters/{part}/{slug}>`"
        if not t:
            lines.append(f"| {link} | | | | | not run | |")
            continue
        wall, peak = t.get("wall_s"), t.get("peak_mb")
        total += wall or 0
        within = ""
        if t["scale"] == "ci" and wall is not None and peak is not None:
            within = "✓ within" if wall <= BUDGET["wall_s"] and peak <= BUDGET["peak_mb"] else "✗ **over**"
        fmt = lambda v, f: "" if v is None else format(v, f)  # noqa: E731
        run = f"{t['scale']}, SEED={t['seed']}, {t['threads']} thread{'s' if t['threads'] > 1 else ''}"
        lines.append(f"| {link} | {run} | {fmt(wall, '.1f')} | {fmt(peak, '.0f')} | {within} | "
                     f"{md_escape(t['status'])} | {t['finished'].replace('+00:00', '').replace('T', ' ')} |")
    lines += ["", f"Total chapter time: {total:.0f} s."]
    return "\n".join(lines) + "\n"


def timings_figure(chapters: list[str], timings: dict, path: Path) -> bool:
    """Bar chart of each chapter's wall time and peak memory against the budget; False when nothing has run."""
    rows = [(c.split("/")[1], timings[c.split("/")[1]]) for c in chapters if c.split("/")[1] in timings]
    rows = [(s, t) for s, t in rows if t.get("wall_s") is not None and t.get("peak_mb") is not None]
    if not rows:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plot

    plot.use_style()
    names = [s for s, _ in rows][::-1]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(plot.WIDTH, 0.9 + 0.32 * len(rows)), sharey=True)
    ax.barh(names, [t["wall_s"] for _, t in rows][::-1], color=plot.COLORS["method"])
    ax.axvline(BUDGET["wall_s"], color=plot.COLORS["highlight"], ls="--", label="budget at ci")
    ax.set(xlabel="wall time (s)")
    ax.legend(loc="center right", fontsize=8)
    bx.barh(names, [t["peak_mb"] for _, t in rows][::-1], color=plot.COLORS["variant"])
    bx.axvline(BUDGET["peak_mb"], color=plot.COLORS["highlight"], ls="--")
    bx.set(xlabel="peak memory (MB)")
    fig.savefig(path)
    plt.close(fig)
    return True


def placeholder_md(part: str, slug: str) -> str:
    """Page shown for a chapter that has no successfully executed notebook yet."""
    return (f"# {slug}\n\nThis chapter has not been executed successfully yet, so there is nothing to show. "
            f"Run it with\n\n```bash\npython -m lib run {slug}\n```\n\nand rebuild the book with `make book`.\n")


def mathjax_file() -> Path:
    """The MathJax 3 bundle (SVG output, fonts inlined) shipped by the pinned django-static-mathjax package."""
    from importlib.resources import files

    path = Path(str(files("mathjax"))) / "static" / "mathjax" / "es5" / "tex-svg.js"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: reinstall the environment (make venv) so that math renders offline")
    return path


def stage(build_dir: Path | None = None, root: Path | None = None) -> Path:
    """Assemble the book's sources in <build>/book-src from the repo's pages and the executed notebooks."""
    root, build = Path(root or ROOT), Path(build_dir or ROOT / "_build")
    src = build / "book-src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for name in STATIC:
        if (root / name).is_dir():
            shutil.copytree(root / name, src / name)
        else:
            shutil.copy2(root / name, src / name)
    (src / "_static" / "mathjax").mkdir(parents=True, exist_ok=True)  # _config.yml: mathjax_path
    shutil.copy2(mathjax_file(), src / "_static" / "mathjax" / "tex-svg.js")
    for index in sorted((root / "chapters").glob("*/index.md")):
        (src / "chapters" / index.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy2(index, src / "chapters" / index.parent.name / "index.md")
    chapters = toc_chapters(root / "_toc.yml")
    for ch in chapters:
        part, slug = ch.split("/")
        nb = build / "notebooks" / part / f"{slug}.ipynb"
        dest = src / "chapters" / part
        dest.mkdir(parents=True, exist_ok=True)
        if nb.exists():
            shutil.copy2(nb, dest / f"{slug}.ipynb")
        else:
            (dest / f"{slug}.md").write_text(placeholder_md(part, slug))
    ledgers, timings = _load(build)
    ledgers = {k: v for k, v in ledgers.items() if any(ch.endswith(f"/{k}") for ch in chapters)}
    (src / "scoreboard.md").write_text(scoreboard_md(chapters, ledgers, timings))
    fig = "timings.png" if timings_figure(chapters, timings, src / "timings.png") else None
    (src / "timings.md").write_text(timings_md(chapters, timings, fig))
    return src


def build(strict: bool = True, build_dir: Path | None = None, root: Path | None = None) -> int:
    """Stage the sources and run Jupyter Book (warnings are errors when strict); HTML lands in <root>/_build/html."""
    root, build_path = Path(root or ROOT), Path(build_dir or (root or ROOT) / "_build")
    src = stage(build_path, root)
    for old in (build_path / "html", build_path / ".doctrees"):  # a clean build: no stale pages, every warning seen
        shutil.rmtree(old, ignore_errors=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb if jb.exists() else "jupyter-book"), "build", str(src), "--path-output", str(build_path.parent),
           "--builder", "html", "--all"]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    print(f"Building the book from {src} ...", flush=True)
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    log = build_path / "book-build.log"
    log.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        warn = [l for l in (proc.stdout + proc.stderr).splitlines() if "WARNING" in l or "ERROR" in l]
        print("\n".join(warn[-30:]) or (proc.stdout + proc.stderr)[-3000:], file=sys.stderr)
        print(f"Book build FAILED (exit {proc.returncode}); full log: {log}", file=sys.stderr)
        return 1
    print(f"Book built: open {build_path / 'html' / 'index.html'} (log: {log})")
    return 0
