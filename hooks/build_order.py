"""The order in which a build reaches pages: each language in turn, the default first; within
one, the order MkDocs reads the docs folder (a folder's files, `index` first, then its
sub-folders, all by name).

Shared by hooks: imported, not listed in mkdocs.yml (MkDocs puts a hook's folder on `sys.path`
while it loads the hook).
"""

from __future__ import annotations

import os
from pathlib import Path


def languages(config) -> list[str]:
    i18n = config.plugins["i18n"]
    others = [language.locale for language in i18n.config.languages if language.locale != i18n.default_language]
    return [i18n.default_language, *others]


def documents(docs: Path) -> list[str]:
    """Every file under `docs`, as a path from it, in the order MkDocs reads them."""
    found = []
    for folder, folders, files in os.walk(docs):
        folders.sort()
        for name in sorted(files, key=lambda name: (os.path.splitext(name)[0] not in ("index", "README"), name)):
            found.append(Path(folder, name).relative_to(docs).as_posix())
    return found
