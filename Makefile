# The book's single entry point. `make book` and `make test` create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help venv book run html test unit seeds data clean

help:
	@echo "make book   - install (first time), execute every chapter at SCALE=ci, build _build/html"
	@echo "make test   - install (first time), run the unit tests, every chapter and the book build"
	@echo "make unit   - only the fast unit tests"
	@echo "make html   - rebuild the HTML from the chapters already executed"
	@echo "make seeds SELECT=<slug> - run chapters for SEED 0-4 (in _build/seeds) and tabulate every claim"
	@echo "make data   - rebuild every trained artifact under data/ (python -m lib build --all; CPU-minutes)"
	@echo "make clean  - remove _build (keeps .venv)"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (torch 2.13 CPU wheel); set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	@echo "Installing pinned dependencies into $(VENV) (torch CPU build) ..."
	@start=$$(date +%s); \
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt && \
	echo "Installed in $$(( $$(date +%s) - start )) s"
	@# make `import lib` work from any folder (notebooks, papermill kernels) without a build step
	$(BIN)/python -c "import site, pathlib; pathlib.Path(site.getsitepackages()[0], 'executable_papers.pth').write_text('$(CURDIR)\n')"
	@touch $(STAMP)

venv: $(STAMP)

book: $(STAMP)
	@$(BIN)/python -m lib run; rc=$$?; $(BIN)/python -m lib book || exit 1; exit $$rc

run: $(STAMP)
	$(BIN)/python -m lib run

html: $(STAMP)
	$(BIN)/python -m lib book

test: $(STAMP)
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

seeds: $(STAMP)
	$(BIN)/python -m lib.sweep $(or $(SELECT),$(error set SELECT=<chapter slug, part or glob>)) --seeds $(or $(SEEDS),0-4)

data: $(STAMP)
	$(BIN)/python -m lib build --all

clean:
	rm -rf _build
