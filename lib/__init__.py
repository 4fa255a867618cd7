"""Shared helpers of the executable-papers book: claims ledger, statistics, plotting, seeding, data, runner."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository root
PARTS = ("optimization", "continual", "theory", "generative", "sciml", "internals", "alignment", "codegen")
