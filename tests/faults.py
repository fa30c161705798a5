"""The faults injected into copies of the project, one build each (see conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def break_attention_flops(project: Path) -> None:
    """The note series' error: count only Q·Kᵀ."""
    intensity = project / "derivations" / "intensity.py"
    source = intensity.read_text("utf-8")
    broken = source.replace(
        "flops = 2 * B * S * T * D + 2 * B * S * T * D  # Q·Kᵀ, then softmax(A)·V",
        "flops = 2 * B * S * T * D  # Q·Kᵀ only",
    )
    assert broken != source, "the line to break has moved"
    intensity.write_text(broken, "utf-8")
    without_notebooks(project)  # new derivations would mean new notebook runs, which it does not test


def without_notebooks(project: Path) -> None:
    """For a build that tests no notebook: kernels are most of a build's work."""
    shutil.rmtree(project / "docs" / "notebooks")


def break_links(project: Path) -> None:
    append(project / "docs/index.en.md", "\n\nSee [gone](no-such-page.md) and [gone](notation.md#no-such-anchor).\n")


def break_a_notebook(project: Path) -> None:
    for lang in ("en", "zh"):
        notebook = project / f"docs/notebooks/speculative-sampling.{lang}.py"
        append(notebook, '\n# %%\nraise RuntimeError("a broken cell")\n')


def raise_in_a_block(project: Path) -> None:
    append(project / "docs/notation.zh.md", '\n```python exec="1" id="broken"\nraise ValueError("no")\n```\n')
    without_notebooks(project)


def remove_a_twin(project: Path) -> None:
    (project / "docs/notation.zh.md").unlink()
    without_notebooks(project)


def print_a_broken_formula(project: Path) -> None:
    """Printed by an executed block, the way derivations print math: SuperFences must not swallow it."""
    append(project / "docs/index.en.md", '\n\n```python exec="1" id="formula"\nprint(r"$$\\frac{B}{S$$")\n```\n')
    without_notebooks(project)


# Builds that reuse none of the clean build's executed blocks: the reproducibility test compares
# their pages with the clean build's, so both must have computed every derivation themselves.
OWN_BLOCKS = {"broken links"}

FAULTS = {
    # name: (inject the fault, extra build arguments)
    "wrong derivation": (break_attention_flops, ("--no-strict",)),  # the exec guard stops it anyway
    "raising block": (raise_in_a_block, ("--no-strict",)),
    "missing twin": (remove_a_twin, ("--no-strict",)),  # a hook stops it
    # --no-strict (mkdocs.yml says strict), so that the build completes: its warnings are what
    # fails a strict build, and its pages double as the second build of the reproducibility test.
    "broken links": (break_links, ("--no-strict",)),
    "failing notebook cell": (break_a_notebook, ("--no-strict",)),
    "broken formula": (print_a_broken_formula, ("--no-strict",)),  # mdmath stops it anyway
}
