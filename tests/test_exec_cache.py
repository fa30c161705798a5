"""mdext.exec_cache: a block runs again exactly when its code or something it imports changes."""

from __future__ import annotations

import pytest

from mdext import exec_cache

BLOCK = 'from derivations.kv_cache import bytes_per_token\nprint("x")'


@pytest.fixture
def package(derivations_copy):
    return derivations_copy


def edit(path, text="\n# edited\n"):
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def test_the_key_follows_the_code(package):
    assert exec_cache.block_key(BLOCK) == exec_cache.block_key(BLOCK)
    assert exec_cache.block_key(BLOCK + "\n") != exec_cache.block_key(BLOCK)
    assert exec_cache.block_key("print(") is None  # not Python: never cached


@pytest.mark.parametrize("module", ["kv_cache.py", "catalog/models.py", "core/render.py", "__init__.py"])
def test_an_edit_to_a_module_it_imports_directly_or_not_changes_the_key(package, module):
    before = exec_cache.block_key(BLOCK)
    edit(package / module)
    assert exec_cache.block_key(BLOCK) != before


@pytest.mark.parametrize("module", ["scaling_laws.py", "lectures/lecture09.py", "parallelism.py"])
def test_an_edit_to_a_module_it_does_not_import_keeps_the_key(package, module):
    before = exec_cache.block_key(BLOCK)
    edit(package / module)
    assert exec_cache.block_key(BLOCK) == before


def test_a_module_that_imports_by_name_depends_on_the_whole_package(package):
    block = "from derivations.notation import glossary_page\nprint(1)"
    before = exec_cache.block_key(block)
    edit(package / "lectures/lecture09.py")  # imported by notation.load_all through pkgutil only
    assert exec_cache.block_key(block) != before


def test_a_new_module_and_a_data_file_beside_a_module_count(package):
    block = "import derivations.extra\nprint(1)"
    before = exec_cache.block_key(block)
    (package / "extra.py").write_text("X = 1\n", "utf-8")
    with_module = exec_cache.block_key(block)
    assert with_module != before
    edit(package / "calculator.js", "// edited\n")  # read by calculator.py, in the same folder
    assert exec_cache.block_key(block) != with_module


def test_the_runner_runs_once_and_never_stores_a_failure(package, tmp_path, monkeypatch):
    monkeypatch.setenv("EXEC_CACHE", str(tmp_path / "cache"))
    runs = []

    def run(code, returncode=None, session=None, id=None, **extra):  # noqa: A002 - markdown-exec's name
        runs.append(code)
        if "fail" in code:
            raise RuntimeError("failed")
        return f"output {len(runs)}"

    runner = exec_cache.cached(run)
    assert runner(BLOCK) == runner(BLOCK) == "output 1"
    assert len(runs) == 1
    edit(package / "kv_cache.py")
    assert runner(BLOCK) == "output 2"
    assert runner(BLOCK, session="s") == "output 3" and runner(BLOCK, session="s") == "output 4"  # shared state
    failing = BLOCK + "\n# fail"
    for _ in range(2):
        with pytest.raises(RuntimeError):
            runner(failing)
    assert runs.count(failing) == 2


def test_markdown_exec_still_runs_python_through_the_global_the_cache_wraps():
    import inspect

    from markdown_exec._internal.formatters import python

    assert list(inspect.signature(python._run_python).parameters) == ["code", "returncode", "session", "id", "extra"]
    assert "run=_run_python" in inspect.getsource(python._format_python)
