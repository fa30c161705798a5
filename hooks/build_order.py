"""The order in which a build reaches pages: each language in turn, the default first, in nav order.

Shared by hooks: imported, not listed in mkdocs.yml (MkDocs puts a hook's folder on `sys.path`
while it loads the hook).
"""

from __future__ import annotations


def languages(config) -> list[str]:
    i18n = config.plugins["i18n"]
    others = [language.locale for language in i18n.config.languages if language.locale != i18n.default_language]
    return [i18n.default_language, *others]


def nav_paths(items) -> list[str]:
    """The nav's documents, as written in mkdocs.yml (`lecture-02/overview.md`), in order."""
    found = []
    for item in items or []:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                found += nav_paths(value if isinstance(value, list) else [value])
        elif isinstance(item, list):
            found += nav_paths(item)
    return found
