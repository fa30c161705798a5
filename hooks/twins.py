"""Every page exists in both languages: a page without its twin stops the build.

The i18n plugin would silently fall back or leave a dangling nav entry; we
check the source folder itself, before anything is built.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from derivations.core.i18n import LANGS


def on_pre_build(config):
    docs = Path(config.docs_dir)
    pages = {(path.relative_to(docs).as_posix().rsplit(".", 2)[0], path.suffixes[-2].lstrip("."))
             for path in docs.rglob("*")
             if path.suffix in (".md", ".py") and len(path.suffixes) >= 2 and path.suffixes[-2].lstrip(".") in LANGS}
    missing = sorted(f"{name}.{lang}.md" for name, _ in pages for lang in LANGS if (name, lang) not in pages)
    if missing:
        raise PluginError(f"pages without their twin, add: {', '.join(missing)}")
