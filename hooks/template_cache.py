"""Compile the theme's templates once, not on every build.

MkDocs makes a new Jinja environment for every build (each language, each rebuild under
`mkdocs serve`), which compiles Material's templates again: seconds of every build. Jinja's
bytecode cache keeps each compiled template under `.cache/jinja/`, keyed on its source.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemBytecodeCache


def on_env(env, config, files):
    folder = Path(config.config_file_path).parent / ".cache" / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))
    return env
