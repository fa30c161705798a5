"""Stop the conversion at the first executed block that fails, naming the block.

markdown-exec only logs a failing block as a warning and renders its traceback into the
page (pawamoy/markdown-exec#75): a plain build would publish the traceback. This extension
listens to markdown-exec's log and raises instead. SuperFences lets a
`SuperFencesException` through to the engine, which reports the page it was converting
(MkDocs: "Error reading page '…'"); under MkDocs the exception is also a `PluginError`, so
the build ends with a one-line "Aborted with a BuildError" instead of a traceback.

Written against markdown-exec 1.12.6, whose warning reads "Execution of <lang> code block
'<id>' exited with errors" (tests/test_structure.py checks it).
"""

from __future__ import annotations

import logging

from markdown import Extension
from pymdownx.superfences import SuperFencesException

try:  # the engine's own error type, where the engine is MkDocs
    from mkdocs.exceptions import PluginError as _EngineError
except ImportError:  # pragma: no cover - another engine
    _EngineError = Exception

LOGGERS = ("markdown_exec", "mkdocs.plugins.markdown_exec")  # its name alone, and under MkDocs


class BlockFailed(SuperFencesException, _EngineError):
    """A failing executed block."""


class RaiseOnFailedBlock(logging.Handler):
    """Turns markdown-exec's warning about a failing block into `BlockFailed`."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "Execution of " not in message:
            return
        headline, _, details = message.partition("\n")
        raise BlockFailed(f"{headline[headline.index('Execution of '):]}\n{details.strip()}")


class ExecGuardExtension(Extension):
    """Installs the handler once per process, whatever the number of conversions."""

    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        for name in LOGGERS:
            logger = logging.getLogger(name)
            for handler in list(logger.handlers):  # modules are reloaded under `mkdocs serve`
                if type(handler).__name__ == RaiseOnFailedBlock.__name__:
                    logger.removeHandler(handler)
            logger.addHandler(RaiseOnFailedBlock(level=logging.WARNING))


def makeExtension(**kwargs):  # noqa: N802 (Python-Markdown's entry point)
    """The extension, as `markdown_extensions: [mdext.exec_guard]` loads it."""
    return ExecGuardExtension(**kwargs)
