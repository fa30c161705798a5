"""Run an executed block again only when something it imports has changed.

markdown-exec runs every `python exec="1"` block on every build. A block of this site prints
what `derivations` computes, so its printed Markdown is a function of its code and of the
source of the modules it imports. We keep that output on disk (`.cache/exec/`, or
`$EXEC_CACHE`), keyed on the block's code, the source of every package module the code
imports (followed through the package's own imports) and the versions of the libraries that
render it. A prose edit then runs no block; an edit to `derivations/kv_cache.py` runs only the
blocks that import it, directly or not. A block that fails is never stored, so it fails again.

A module that imports modules by name (`importlib`, `pkgutil`) depends on the whole package.
Blocks with a markdown-exec `session` share state between blocks and are not cached.

Written against markdown-exec 1.12.6: its Python formatter looks up its runner, the module
global `_run_python(code, returncode, session, id, **extra) -> str`, at every call
(tests/test_structure.py checks the name and signature).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import os
import re
import sys
from importlib import metadata
from pathlib import Path

from markdown import Extension

# An executed block in a Markdown page, indented or not (inside an admonition, say).
BLOCK = re.compile(
    r'^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})python\b(?P<options>[^\n]*\bexec="(?:1|true|on)"[^\n]*)\n'
    r"(?P<code>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.S | re.M)


def blocks(markdown: str) -> list[tuple[str, str]]:
    r"""(options, code) of each executed block, the code as SuperFences hands it to markdown-exec.

    Examples:
        >>> blocks('??? note\n    ```python exec="1" id="a"\n    print(1)\n\n    print(2)\n    ```\n')
        [(' exec="1" id="a"', 'print(1)\n\nprint(2)')]
    """
    found = []
    for block in BLOCK.finditer(markdown):
        indent = len(block["indent"])
        code = "\n".join(line[indent:] for line in block["code"].removesuffix("\n").split("\n"))
        found.append((block["options"], code))
    return found


PACKAGES = ("derivations",)  # the code whose edits should re-run blocks
RENDERING = ("sympy", "numpy", "matplotlib", "markdown-exec")  # libraries whose output we store
DYNAMIC = ("importlib", "pkgutil", "__import__")
VERSION = "1"  # bump when the stored format changes


def cache_dir() -> Path:
    """Where outputs are kept: `$EXEC_CACHE`, else `.cache/exec` under the working directory."""
    return Path(os.environ.get("EXEC_CACHE") or Path.cwd() / ".cache" / "exec")


@functools.cache
def _root(package: str) -> Path | None:
    """The folder of a top-level package, found without importing it."""
    spec = importlib.util.find_spec(package)
    return Path(spec.origin).parent if spec and spec.origin else None


def _package_modules() -> dict[str, Path]:
    """Every module of PACKAGES by dotted name, listed again when a file is added or removed."""
    found = {}
    for package in PACKAGES:
        root = _root(package)
        if root is not None:
            folders = _folders(root)
            found.update(_modules(root, tuple(folder.stat().st_mtime_ns for folder in folders)))
    return found


@functools.lru_cache(maxsize=None)
def _folders(root: Path) -> tuple[Path, ...]:
    return (root, *sorted(path for path in root.rglob("*") if path.is_dir() and path.name != "__pycache__"))


@functools.lru_cache(maxsize=None)
def _modules(root: Path, folder_mtimes: tuple[int, ...]) -> dict[str, Path]:
    found = {}
    for path in root.rglob("*.py"):
        parts = (root.name, *path.relative_to(root).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Names of the modules an AST imports, relative imports resolved against `module`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = module.split(".")
                base = parts if is_package else parts[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            names.add(prefix)
            names.update(f"{prefix}.{alias.name}" for alias in node.names)  # `from pkg import module`
    # a module imports its parent packages' __init__ too
    return {".".join(name.split(".")[:i]) for name in names for i in range(1, name.count(".") + 2)}


@functools.lru_cache(maxsize=None)
def _module(name: str, path: Path, mtime_ns: int) -> tuple[bytes, frozenset[str] | None]:
    """A digest of a module's source, and the modules it imports (None: it imports by name)."""
    source = path.read_bytes()
    if any(word.encode() in source for word in DYNAMIC):
        return hashlib.sha256(source).digest(), None
    return hashlib.sha256(source).digest(), frozenset(_imported(ast.parse(source), name, path.name == "__init__.py"))


def _closure(tree: ast.AST) -> dict[str, bytes]:
    """A digest of the source of every package module reachable from `tree` through imports, by name.

    A module that imports modules by name reaches the whole package.
    """
    modules = _package_modules()
    found: dict[str, bytes] = {}
    todo = list(_imported(tree, "__block__", False))
    while todo:
        name = todo.pop()
        path = modules.get(name)
        if path is None or name in found:
            continue
        found[name], imports = _module(name, path, path.stat().st_mtime_ns)
        todo.extend(modules if imports is None else imports)
    return found


def _package_data(names) -> list[Path]:
    """Files beside the modules that are not Python (a script a module reads, say)."""
    modules = _package_modules()
    folders = {modules[name].parent for name in names}
    return sorted(p for folder in folders for p in folder.iterdir()
                  if p.is_file() and p.suffix not in (".py", ".pyc"))


@functools.lru_cache(maxsize=None)
def _file_digest(path: Path, mtime_ns: int) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


@functools.cache
def _versions() -> str:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "-"

    return ";".join([VERSION, sys.version, *(f"{name}={version(name)}" for name in RENDERING)])


def block_key(code: str) -> str | None:
    """The cache key of a block's output, or None when the code does not parse."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    digest = hashlib.sha256(_versions().encode())
    digest.update(code.encode())
    modules = _closure(tree)
    for name, source in sorted(modules.items()):
        digest.update(name.encode())
        digest.update(source)
    for path in _package_data(modules):
        digest.update(path.name.encode())
        digest.update(_file_digest(path, path.stat().st_mtime_ns))
    return digest.hexdigest()[:24]


def write_atomically(path: Path, text: str) -> None:
    """Write `text` whole or not at all: builds running side by side share the caches."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(text, "utf-8")
    partial.replace(path)


def cached(run):
    """Wrap markdown-exec's runner: stored output for a known key, else run and store."""
    if getattr(run, "is_cached_runner", False):
        return run

    @functools.wraps(run)
    def runner(code: str, returncode=None, session=None, id=None, **extra):  # noqa: A002 - its name
        key = None if session else block_key(code)
        path = cache_dir() / f"{key}.md" if key else None
        if path is not None and path.is_file():
            return path.read_text("utf-8")
        output = run(code, returncode=returncode, session=session, id=id, **extra)
        if path is not None:
            write_atomically(path, output)
        return output

    runner.is_cached_runner = True
    return runner


def missing(pages: list[Path]) -> list[tuple[str, str]]:
    """(key, code) of the blocks of these Markdown pages whose output is not stored, in page order."""
    found = []
    for page in pages:
        for options, code in blocks(page.read_text("utf-8")):
            key = None if "session=" in options else block_key(code)
            if key is not None and not (cache_dir() / f"{key}.md").is_file():
                found.append((key, code))
    return found


def prewarm(pages: list[Path]) -> None:
    """Run and store the blocks of these pages that are not stored yet, as markdown-exec would run them.

    A build starts this in a second process on the pages it will convert last (hooks/prewarm.py),
    so that a cold build uses both cores. A block that fails is left to the build, which reports it.
    """
    from markdown_exec._internal.formatters.python import _run_python

    for key, code in missing(pages):
        path = cache_dir() / f"{key}.md"
        if path.is_file():  # the build got there first
            continue
        try:
            output = _run_python(code)
        except Exception:  # noqa: BLE001 - the build runs it again and names the page and block
            continue
        write_atomically(path, output)


class ExecCacheExtension(Extension):
    """Installs the cached runner into markdown-exec's Python formatter."""

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        from markdown_exec._internal.formatters import python

        python._run_python = cached(python._run_python)


def makeExtension(**kwargs):  # noqa: N802 (Python-Markdown's entry point)
    """The extension, as `markdown_extensions: [mdext.exec_cache]` loads it."""
    return ExecCacheExtension(**kwargs)


if __name__ == "__main__":
    prewarm([Path(page) for page in sys.argv[1:]])
