"""What a reader downloads to read one built page, counted from the built files."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

BUDGET_BYTES = 600_000  # every page, both languages (issue 14)

# Scripts, stylesheets, the icon and images a page references. Fonts are fetched on demand
# and cached across pages, the search index only when the reader searches: not counted.
REFERENCE = re.compile(
    r'<script\b[^>]*?\bsrc="([^"]+)"'
    r'|<link\b(?=[^>]*\brel="(?:stylesheet|icon)")[^>]*?\bhref="([^"]+)"'
    r'|<img\b[^>]*?\bsrc="([^"]+)"'
)


def page_files(html_file: Path) -> list[Path]:
    """The page's HTML file and every local file it references, each once."""
    html = html_file.read_text("utf-8")
    files = [html_file]
    for match in REFERENCE.finditer(html):
        url = next(group for group in match.groups() if group)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path:  # data: URIs are inside the HTML already
            continue
        path = (html_file.parent / parts.path).resolve()
        if path not in files:
            files.append(path)
    return files


def page_bytes(html_file: Path) -> int:
    return sum(path.stat().st_size for path in page_files(html_file))
