"""Serve MathJax from the site itself: no CDN, so math renders offline.

MathJax 3 comes from the pinned `django-static-mathjax` wheel (plain static
files, no Django needed). We add the CommonHTML bundle and its woff2 fonts to
the site's files, keeping MathJax's own layout so it finds its fonts.
"""

from __future__ import annotations

from pathlib import Path

import mathjax
from mkdocs.structure.files import File

_ES5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
_FONTS = "output/chtml/fonts/woff-v2"


def on_files(files, config):
    wanted = ["tex-chtml.js"] + [f"{_FONTS}/{font.name}" for font in sorted((_ES5 / _FONTS).glob("*.woff"))]
    for relative in wanted:
        files.append(File.generated(config, f"assets/mathjax/{relative}", abs_src_path=str(_ES5 / relative)))
    return files
