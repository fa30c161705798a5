"""Reading the Markdown sources: twins, headings and executed blocks."""

from __future__ import annotations

import re

from conftest import DOCS

from derivations.core.i18n import LANGS as LANGS  # re-exported to the tests

HEADING = re.compile(r"^(#{1,6}) (.*?)(?:\s*\{\s*#([\w-]+)\s*\})?\s*$")
BLOCK = re.compile(r"^```python exec=\"1\"(?P<options>[^\n]*)\n(?P<code>.*?)^```$", re.M | re.S)
BLOCK_ID = re.compile(r'\bid="([^"]+)"')


def page_names() -> list[str]:
    """Every page, as its path under docs/ without the language suffix."""
    names = {str(path.relative_to(DOCS))[: -len(".en.md")] for path in DOCS.rglob("*.en.md")}
    names |= {str(path.relative_to(DOCS))[: -len(".zh.md")] for path in DOCS.rglob("*.zh.md")}
    return sorted(names)


def source(name: str, lang: str) -> str:
    return (DOCS / f"{name}.{lang}.md").read_text("utf-8")


def notebook_names() -> list[str]:
    """Every notebook, as its path under docs/ without the language suffix."""
    return sorted({str(path.relative_to(DOCS)).rsplit(".", 2)[0] for path in (DOCS / "notebooks").glob("*.*.py")})


def published_source(name: str, lang: str) -> str:
    """The source of a page or of a notebook."""
    page = DOCS / f"{name}.{lang}.md"
    return page.read_text("utf-8") if page.exists() else (DOCS / f"{name}.{lang}.py").read_text("utf-8")


def without_fences(text: str) -> str:
    return re.sub(r"^```.*?^```$", "", text, flags=re.M | re.S)


def headings(text: str) -> list[tuple[int, str, str | None]]:
    """(level, title, explicit id) for each heading outside code fences."""
    found = []
    for line in without_fences(text).splitlines():
        match = HEADING.match(line)
        if match:
            found.append((len(match[1]), match[2], match[3]))
    return found


def blocks(text: str) -> list[tuple[str, str]]:
    """(id, code) of each executed block, with the language argument normalised."""
    found = []
    for match in BLOCK.finditer(text):
        block_id = BLOCK_ID.search(match["options"])
        code = re.sub(r'"(en|zh)"', '"<lang>"', match["code"])
        found.append((block_id[1] if block_id else "", code))
    return found
