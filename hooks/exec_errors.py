"""Stop the build at the first executed block that fails, naming page and block.

markdown-exec only logs a failing block as a warning and renders its traceback
into the page (pawamoy/markdown-exec#75). SuperFences lets a
`SuperFencesException` through, and MkDocs turns a `PluginError` into a clean
"Aborted with a BuildError" instead of a traceback; this exception is both.
"""

from __future__ import annotations

import logging

from mkdocs.exceptions import PluginError
from pymdownx.superfences import SuperFencesException

_current_page = {"src": "?"}


class BlockFailed(SuperFencesException, PluginError):
    """A failing block: SuperFences lets it through, MkDocs reports it as a BuildError."""


class RaiseOnFailedBlock(logging.Handler):
    """Turns markdown-exec's warning about a failing block into `BlockFailed`."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()  # "markdown_exec: Execution of python code block 'id' exited ..."
        if "Execution of " not in message:
            return
        headline, _, details = message.partition("\n")
        headline = headline[headline.index("Execution of "):]
        raise BlockFailed(f"{_current_page['src']}: {headline}\n{details.strip()}")


def on_config(config):
    # MkDocs reloads hook modules on every serve rebuild: replace, don't stack, handlers.
    for name in ("mkdocs.plugins.markdown_exec", "markdown_exec"):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if type(handler).__name__ == RaiseOnFailedBlock.__name__:
                logger.removeHandler(handler)
        logger.addHandler(RaiseOnFailedBlock(level=logging.WARNING))
    return config


def on_page_markdown(markdown, page, **kwargs):
    _current_page["src"] = page.file.src_uri
    return markdown
