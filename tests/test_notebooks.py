"""Notebooks: twins with identical code, executed at build time, rendered as notebooks."""

from __future__ import annotations

import importlib.util
import json

import jupytext
import pytest
from conftest import DOCS, ROOT
from pages import LANGS, notebook_names

NOTEBOOKS = notebook_names()


def test_notebooks_found():
    assert {"notebooks/count-it", "notebooks/batch-sweep", "notebooks/speculative-sampling"} <= set(NOTEBOOKS)


def cells(name: str, lang: str, kind: str) -> list[str]:
    notebook = jupytext.read(DOCS / f"{name}.{lang}.py")
    return [cell.source for cell in notebook.cells if cell.cell_type == kind]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_twins_share_their_code_and_translate_their_prose(name):
    en, zh = (cells(name, lang, "code") for lang in LANGS)
    assert en == zh and en
    en, zh = (cells(name, lang, "markdown") for lang in LANGS)
    assert len(en) == len(zh)
    assert all(a != b for a, b in zip(en, zh, strict=True)), "an untranslated Markdown cell"


def load_hook(monkeypatch):
    """The hook, loaded as MkDocs loads it: its folder on sys.path while it runs."""
    monkeypatch.syspath_prepend(str(ROOT / "hooks"))
    spec = importlib.util.spec_from_file_location("notebooks_hook", ROOT / "hooks" / "notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_outputs_are_keyed_on_the_code_what_it_imports_and_the_language(derivations_copy, monkeypatch):
    copy = derivations_copy  # edited below instead of the real package
    hook = load_hook(monkeypatch)
    notebook = jupytext.read(DOCS / "notebooks/count-it.en.py")
    key = hook.cache_key(notebook, "en")
    assert hook.cache_key(notebook, "en") == key
    assert hook.cache_key(notebook, "zh") != key  # each language has its outputs
    unrelated = copy / "parallelism.py"
    unrelated.write_text(unrelated.read_text("utf-8") + "\n# edited\n", "utf-8")
    assert hook.cache_key(notebook, "en") == key  # a module it does not import
    imported = copy / "intensity.py"
    imported.write_text(imported.read_text("utf-8") + "\n# edited\n", "utf-8")
    edited = hook.cache_key(notebook, "en")
    assert edited != key  # a derivation edit re-executes
    notebook.cells[1].source += "\n# edited"
    assert hook.cache_key(notebook, "en") != edited  # so does a code edit
    prose = jupytext.read(DOCS / "notebooks/count-it.en.py")
    prose.cells[0].source += " Edited."
    assert hook.cache_key(prose, "en") == edited  # prose does not


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_pages_are_rendered_and_executed(site, name, lang):
    directory = site.site / ("" if lang == "en" else f"{lang}/") / name
    html = (directory / "index.html").read_text("utf-8")
    assert 'class="jp-Notebook"' in html, "rendered as raw source, not as a notebook"
    assert "jp-OutputArea-output" in html, "no outputs: the notebook was not executed"
    assert "cdnjs" not in html and "Load mathjax" not in html
    assert "Traceback" not in html
    downloaded = json.loads((directory / f"{name.split('/')[-1]}.{lang}.ipynb").read_text("utf-8"))
    code = [cell for cell in downloaded["cells"] if cell["cell_type"] == "code"]
    assert ["".join(cell["source"]) for cell in code] == cells(name, lang, "code")
    assert any(cell["outputs"] for cell in code)
    assert downloaded["metadata"]["kernelspec"]["name"] == "python3"


def test_counts_match_the_formulas(site):
    html = (site.site / "notebooks/count-it/index.html").read_text("utf-8")
    assert html.count("<td>✓</td>") >= 14 and "<td>✗</td>" not in html
