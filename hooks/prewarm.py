"""A cold build runs the executed blocks on both cores.

A build converts pages one after another, in one process: on a fresh clone, running the
executed blocks is most of it. Before the first page, when many blocks have no stored output
(mdext.exec_cache), a second process starts running them from the other end: the pages the
build converts last (the last language, the last folder) first. Each process stores what it
runs and reuses what the other stored; where they meet, a block may run twice. The build
never waits for this process: it is stopped when the build ends. `PREWARM=0` turns it off.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from build_order import documents, languages

from mdext.exec_cache import missing

WORTH_A_PROCESS = 40  # blocks without stored output; fewer run faster than a process starts
_helper: subprocess.Popen | None = None


def _pages_in_build_order(config) -> list[Path]:
    docs = Path(config.docs_dir)
    order = documents(docs)
    return [docs / path for lang in languages(config) for path in order if path.endswith(f".{lang}.md")]


def on_pre_build(config):
    global _helper
    if config.plugins["i18n"].building or _helper is not None or os.environ.get("PREWARM") == "0":
        return  # a second language of the same build, or turned off (the tests' failing builds stop early)
    pages = _pages_in_build_order(config)[::-1]
    if len(missing(pages)) >= WORTH_A_PROCESS:
        _helper = subprocess.Popen([sys.executable, "-m", "mdext.exec_cache", *map(str, pages)],
                                   cwd=Path(config.config_file_path).parent,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _stop() -> None:
    global _helper
    if _helper is not None:
        _helper.kill()
        _helper.wait()
        _helper = None


def on_post_build(config):
    if not config.plugins["i18n"].building:
        _stop()


def on_build_error(error, **kwargs):
    _stop()
