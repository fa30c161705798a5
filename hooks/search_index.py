"""One search index per language, and the words each index was cut into.

mkdocs-static-i18n merges every language's pages into one index at the site root. We split
it: English pages keep `search/search_index.json`, Chinese pages get `zh/search/…`, and
overrides/main.html points each language's search at its own. Beside each index,
`words.json` counts the Chinese words jieba cut the pages into (Material's search plugin
does that cutting): docs/assets/search.js cuts a Chinese query into the same words, so that
every word of it is searched.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from build_order import languages
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

HAN = re.compile(r"[\u3400-\u9fff〇]+")
END = "〇"  # ends each word of a query in docs/assets/search.js: it must never be indexed


@event_priority(-200)  # after mkdocs-static-i18n (-100) has written the merged index
def on_post_build(config):
    i18n = config.plugins["i18n"]
    if i18n.building:
        return  # a language built from inside i18n's own post-build: the merged index comes later
    site = Path(config.site_dir)
    merged = json.loads((site / "search/search_index.json").read_text("utf-8"))
    by_language = {lang: [] for lang in languages(config)}
    others = list(by_language)[1:]
    for doc in merged["docs"]:
        lang = next((lang for lang in others if doc["location"].startswith(f"{lang}/")), i18n.default_language)
        if lang != i18n.default_language:
            doc = {**doc, "location": doc["location"][len(lang) + 1:]}  # from that language's root
        by_language[lang].append(doc)
    for lang, docs in by_language.items():
        folder = site / ("" if lang == i18n.default_language else lang) / "search"
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / "search_index.json", {"config": merged["config"], "docs": docs})
        words = Counter(run for doc in docs for text in (doc["title"], doc["text"])
                        for piece in text.split("\u200b") for run in HAN.findall(piece))
        if END in "".join(words):
            raise PluginError(f"search: the pages use {END}, which docs/assets/search.js uses to end words")
        _write(folder / "words.json", dict(sorted(words.items())))


def _write(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
