"""Executes one chapter in its own process (so its kernel's peak memory can be measured); used by lib.runner."""
import json
import re
import resource
import sys
import time
import traceback
from pathlib import Path


def _failing_line(tb: list) -> str:
    """The source line IPython marks with '---->' in the innermost frame of the chapter's traceback."""
    marked = [re.sub(r"\x1b\[[0-9;]*m", "", t) for t in tb or []]
    hits = [f"line {m.group(1)}: {m.group(2).strip()}" for t in marked
            for m in re.finditer(r"---->\s*(\d+)\s(.*)", t)]
    return hits[0] if hits else ""


def check_parameters_cell(nb) -> None:
    """A chapter must have a cell tagged `parameters` that sets SCALE and SEED (else --seed would be ignored)."""
    cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise ValueError(f"the chapter needs exactly one code cell tagged 'parameters' (found {len(cells)}); "
                         'start it with `# %% tags=["parameters"]` as in chapters/_template.py')
    for name in ("SCALE", "SEED"):
        if not re.search(rf"^{name}\s*=", cells[0].source, re.M):
            raise ValueError(f"the parameters cell does not set {name}; see chapters/_template.py")


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    result = {"status": "failed", "wall_s": None, "peak_mb": None, "cell": None, "error": None}
    t0 = time.perf_counter()
    try:
        import jupytext
        import nbformat
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        nb = jupytext.read(spec["source"])
        check_parameters_cell(nb)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        tmp_in = Path(spec["partial"]).with_name(Path(spec["partial"]).stem + ".in.ipynb")
        nbformat.write(nb, tmp_in)
        t0 = time.perf_counter()
        try:
            pm.execute_notebook(str(tmp_in), spec["partial"], parameters=spec["parameters"], kernel_name="python3",
                                cwd=spec["cwd"], progress_bar=False, log_output=False,
                                execution_timeout=spec["timeout"])
            result["status"] = "ok"
        except PapermillExecutionError as e:
            src = e.source.strip().splitlines()
            result["cell"] = {"index": e.cell_index, "exec_count": e.exec_count,
                              "first_line": src[0] if src else "", "line": _failing_line(e.traceback)}
            result["error"] = f"{e.ename}: {e.evalue}"
        finally:
            tmp_in.unlink(missing_ok=True)
    except Exception as e:  # a broken source file, a kernel that does not start, ...
        result["error"] = f"{type(e).__name__}: {e}"
        result["traceback"] = traceback.format_exc(limit=5)
    result["wall_s"] = round(time.perf_counter() - t0, 2)
    # peak resident memory of the largest finished child process: the chapter's kernel (KiB on Linux)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    Path(spec["result"]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
