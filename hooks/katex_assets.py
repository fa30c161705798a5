"""Serve KaTeX's stylesheet and fonts from the site itself: no CDN, so math reads offline.

Formulas are typeset when pages are converted (the `mdmath` Markdown extension); a page
needs only KaTeX's stylesheet, and a browser fetches only the fonts a page uses. Every
browser that runs the site's scripts reads woff2: the stylesheet names no other format.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.structure.files import File

from mdmath.katex import ASSETS

STYLESHEET = "assets/katex/katex.css"


def on_files(files, config):
    css = (ASSETS / "katex.min.css").read_text("utf-8")
    css = re.sub(r',url\([^)]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
    # mkdocs-static-i18n needs a source path for every file: write the stylesheet to one.
    written = Path(config.config_file_path).parent / ".cache" / STYLESHEET
    written.parent.mkdir(parents=True, exist_ok=True)
    if not written.exists() or written.read_text("utf-8") != css:
        written.write_text(css, "utf-8")
    files.append(File.generated(config, STYLESHEET, abs_src_path=str(written)))
    for font in sorted((ASSETS / "fonts").glob("*.woff2")):
        files.append(File.generated(config, f"assets/katex/fonts/{font.name}", abs_src_path=str(font)))
    return files
