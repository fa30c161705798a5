"""The house rules that keep many lectures apart: symbols, words, languages, the rendering
protocol, and the plugin internals the hooks rely on."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import logging
import pkgutil
from importlib import metadata

import pytest
import sympy as sp
import yaml
from conftest import DOCS, ROOT
from pages import blocks, page_names, source

import derivations
from derivations.core import i18n, render
from derivations.core.cache import derived
from derivations.core.symbols import REGISTRY, define, unregistered
from derivations.notation import load_all

load_all()
MODULES = [importlib.import_module(info.name)
           for info in pkgutil.walk_packages(derivations.__path__, prefix="derivations.")]


DERIVED_CODE = derived(lambda: 0).__code__  # every @derived wrapper shares this code object


def _published_defaults():
    """Every public derivation that needs no argument, called: what pages print by default."""
    for module in MODULES:
        for name, function in vars(module).items():
            if name.startswith("_") or not callable(function) or getattr(function, "__module__", "") != module.__name__:
                continue
            if getattr(function, "__code__", None) is not DERIVED_CODE:
                continue  # only @derived functions: the results pages publish
            parameters = inspect.signature(function).parameters.values()
            if all(p.default is not inspect.Parameter.empty for p in parameters):
                yield f"{module.__name__}.{name}", function()


def _expressions(value, seen=None):
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, sp.Basic):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _expressions(getattr(value, field.name), seen)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _expressions(item, seen)
    elif isinstance(value, dict):
        for item in (*value.keys(), *value.values()):
            yield from _expressions(item, seen)


PUBLISHED = list(_published_defaults())


def test_derivations_without_arguments_are_found():
    assert len(PUBLISHED) > 20


@pytest.mark.parametrize("name, result", PUBLISHED, ids=[name for name, _ in PUBLISHED])
def test_every_symbol_a_result_contains_is_registered(name, result):
    stray = set().union(*(unregistered(expression) for expression in _expressions(result)))
    assert not stray, f"{name} contains symbols no topic defined: {stray} (define them with core.symbols.define)"


def test_a_name_belongs_to_one_topic(monkeypatch):
    import derivations.core.symbols as registry

    monkeypatch.setattr(registry, "REGISTRY", dict(REGISTRY))  # leave the real meanings alone
    assert define("inference", "B", en="x", zh="x") in registry.REGISTRY  # the same symbol, defined again
    with pytest.raises(ValueError, match="symbol 'B' of topic 'scaling' is already defined by 'inference'"):
        define("scaling", "B", en="batch", zh="批")


def test_registered_letters_print_as_their_letter_whatever_their_name():
    parameters = next(item.symbol for item in REGISTRY.values() if item.symbol.name == "N_params")
    heads = next(item.symbol for item in REGISTRY.values() if item.symbol.name == "N")
    assert parameters != heads
    assert render.latex(6 * parameters) == "6 N" == render.latex(6 * heads)


def test_a_word_belongs_to_one_topic(monkeypatch):
    monkeypatch.setattr(i18n, "TERMS", dict(i18n.TERMS))
    with pytest.raises(ValueError, match="already registered by 'site'"):
        i18n.register("elsewhere", terms={"symbol": ("Symbol", "符号")})


def test_every_word_has_both_languages():
    for key, entry in {**i18n.TERMS, **i18n.MESSAGES}.items():
        assert entry.en.strip() and entry.zh.strip(), key


def test_the_languages_are_defined_once():
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    plugin = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    assert tuple(language["locale"] for language in plugin["languages"]) == i18n.LANGS


def test_every_published_class_asks_for_the_language():
    classes = {cls for module in MODULES for cls in vars(module).values()
               if isinstance(cls, type) and issubclass(cls, render.Published) and cls is not render.Published}
    assert classes
    for cls in classes:
        lang = inspect.signature(cls.to_markdown).parameters.get("lang")
        assert lang is not None and lang.default is inspect.Parameter.empty, f"{cls.__name__}.to_markdown(lang)"


def _calls_without_chinese(code: str) -> list[str]:
    """Calls in a Chinese block that render words without passing "zh"."""
    tree = ast.parse(code)
    imported = {alias.asname or alias.name: (node.module, alias.name) for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) for alias in node.names}
    missing = []
    for call in (node for node in ast.walk(tree) if isinstance(node, ast.Call)):
        passes_zh = any(isinstance(a, ast.Constant) and a.value == "zh" for a in (*call.args,
                        *(k.value for k in call.keywords)))
        if isinstance(call.func, ast.Attribute) and call.func.attr == "to_markdown":
            wants_lang = True
        elif isinstance(call.func, ast.Name) and call.func.id in imported:
            module, name = imported[call.func.id]
            target = getattr(importlib.import_module(module), name)
            wants_lang = callable(target) and "lang" in inspect.signature(target).parameters
        else:
            wants_lang = False
        if wants_lang and not passes_zh:
            missing.append(ast.unparse(call))
    return missing


@pytest.mark.parametrize("name", page_names())
def test_chinese_blocks_render_chinese(name):
    for block_id, _ in blocks(source(name, "zh")):
        assert block_id, f"{name}: a block without an id"
    text = source(name, "zh")
    for match in __import__("pages").BLOCK.finditer(text):
        code = match["code"]
        assert '"en"' not in code and "'en'" not in code, f"{name}: a Chinese block asks for English"
        assert not _calls_without_chinese(code), f"{name}: {_calls_without_chinese(code)} without \"zh\""


def test_a_forgotten_language_is_caught():
    assert _calls_without_chinese('from derivations.symbols import dtype_table\nprint(dtype_table())')
    assert _calls_without_chinese('from derivations.intensity import mlp\nprint(mlp().to_markdown("en"))')
    assert not _calls_without_chinese('from derivations.intensity import mlp\nprint(mlp().to_markdown("zh"))')


# ---- what the hooks assume about the plugins ------------------------------------------------
# Each hook that reaches into a plugin was written against the version pinned in pyproject.toml.
WRITTEN_AGAINST = {
    "mkdocs": "1.6.1",  # hooks/*: event names and priorities
    "mkdocs-static-i18n": "1.3.1",  # hooks/notebooks.py: current_language, I18nFiles(plugin, files), priority -100
    "markdown-exec": "1.12.6",  # mdext/exec_guard.py: its failure warning; mdext/exec_cache.py: _run_python
    "mkdocs-material": "9.8.2",  # hooks/math_search.py: search_index.add_entry_from_context(page)
    "mkdocs-jupyter": "0.26.3",  # hooks/notebooks.py: renders .ipynb found under "notebooks"
    "nbconvert": None,  # hooks/notebooks.py strips its MathJax 2 and Mermaid scripts (checked by test_notebooks)
}


@pytest.mark.parametrize("package, version", [(p, v) for p, v in WRITTEN_AGAINST.items() if v])
def test_plugins_are_the_versions_the_hooks_were_written_against(package, version):
    assert metadata.version(package) == version, (
        f"{package} is {metadata.version(package)}, the hooks were written against {version}: re-check the hook "
        "that relies on it (see WRITTEN_AGAINST), then update the pin and this table")


def test_markdown_exec_reports_a_failing_block_as_the_exec_guard_expects(caplog):
    import markdown
    from markdown_exec import formatter, validator

    fences = [{"name": "python", "class": "python", "validator": validator, "format": formatter}]
    converter = markdown.Markdown(extensions=["pymdownx.superfences"],
                                  extension_configs={"pymdownx.superfences": {"custom_fences": fences}})
    with caplog.at_level(logging.WARNING):
        converter.convert('```python exec="1" id="boom"\nraise ValueError("no")\n```\n')
    messages = [record.getMessage() for record in caplog.records]
    assert any("Execution of python code block 'boom'" in m for m in messages), (
        "markdown-exec no longer logs 'Execution of … block' on failure (mdext/exec_guard.py relies on it): "
        f"{messages}")


@pytest.fixture
def exec_guard():
    from mdext import exec_guard

    yield exec_guard
    for name in exec_guard.LOGGERS:  # the guard is process-wide: take it away again
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if isinstance(h, exec_guard.RaiseOnFailedBlock)]:
            logger.removeHandler(handler)


def test_the_exec_guard_stops_any_markdown_conversion_at_a_failing_block(exec_guard):
    """Engine-independent: plain Python-Markdown with the site's extension, no MkDocs."""
    import markdown
    from markdown_exec import formatter, validator

    fences = [{"name": "python", "class": "python", "validator": validator, "format": formatter}]
    converter = markdown.Markdown(extensions=["pymdownx.superfences", "mdext.exec_guard"],
                                  extension_configs={"pymdownx.superfences": {"custom_fences": fences}})
    with pytest.raises(exec_guard.BlockFailed, match="'boom'"):
        converter.convert('```python exec="1" id="boom"\nraise ValueError("no")\n```\n')
    assert "<p>fine</p>" in converter.convert('```python exec="1" id="fine"\nprint("fine")\n```\n')


def test_i18n_plugin_has_what_the_notebook_hook_reads():
    from mkdocs_static_i18n.plugin import I18n
    from mkdocs_static_i18n.suffix import I18nFiles

    assert list(inspect.signature(I18nFiles.__init__).parameters) == ["self", "plugin", "files"], (
        "hooks/notebooks.py rebuilds the file list with type(files)(i18n, kept)")
    assert isinstance(getattr(I18n, "default_language", None), property), "hooks/notebooks.py reads default_language"
    assert getattr(I18n.on_files, "mkdocs_priority", None) == -100, (
        "hooks/notebooks.py runs its on_files at -200, after i18n's")


def test_docs_folder_has_only_twins_and_assets():
    strays = [p.relative_to(DOCS) for p in DOCS.rglob("*.md") if len(p.suffixes) < 2]
    assert not strays, f"pages need a language suffix: {strays}"
