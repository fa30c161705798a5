"""Every word the derivations print, in both languages: the one place translation lives.

Two kinds of entries, registered by the module that prints them:

- *terms* are the glossary a Chinese reader checks (算术强度, KV缓存, 流水线气泡): short
  names of things, listed on the glossary page and used by the pages' prose;
- *messages* are interface text: captions, axis labels, calculator labels, units and errors,
  often with `{placeholders}`.

A topic registers its own words (`register("parallelism", terms={...}, messages={...})`),
so adding a lecture never edits another lecture's words. A key is registered once, site-wide.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

LANGS = ("en", "zh")  # the site's languages, in the order every (en, zh) pair is written
NOTEBOOK_LANG_VARIABLE = "DERIVATIONS_LANG"  # set by the notebook runner for each twin


@dataclass(frozen=True)
class Entry:
    """One word or message of `topic`, in each language."""

    topic: str
    en: str
    zh: str

    def __post_init__(self):
        for lang in LANGS:
            if not isinstance(getattr(self, lang), str):
                raise ValueError(f"{lang} text must be a string, got {getattr(self, lang)!r}")

    def text(self, lang: str) -> str:
        return getattr(self, check_lang(lang))


TERMS: dict[str, Entry] = {}
MESSAGES: dict[str, Entry] = {}


def check_lang(lang: str) -> str:
    """`lang` if it is one of the site's languages.

    Examples:
        >>> check_lang("zh")
        'zh'
        >>> check_lang("fr")
        Traceback (most recent call last):
        ...
        ValueError: lang must be one of en, zh; got 'fr'
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}; got {lang!r}")
    return lang


def register(topic: str, *, terms: dict[str, tuple[str, str]] | None = None,
             messages: dict[str, tuple[str, str]] | None = None) -> None:
    """Add a topic's words; a key already registered by another topic is an error.

    Re-registering the same words (a module imported twice under `mkdocs serve`) is allowed.
    """
    for table, entries in ((TERMS, terms or {}), (MESSAGES, messages or {})):
        for key, (en, zh) in entries.items():
            entry = Entry(topic, en, zh)
            if key in TERMS or key in MESSAGES:
                known = TERMS.get(key) or MESSAGES[key]
                if known.topic != topic:
                    raise ValueError(f"word {key!r} of topic {topic!r} is already registered by {known.topic!r}")
            table[key] = entry


def term(key: str, lang: str) -> str:
    """A glossary term in `lang`.

    Examples:
        >>> term("symbol", "zh")
        '符号'
    """
    try:
        return TERMS[key].text(lang)
    except KeyError:
        raise ValueError(f"no term {key!r}; terms are registered with i18n.register(topic, terms=...)") from None


def message(key: str, lang: str, **fields) -> str:
    """An interface message in `lang`, its `{placeholders}` filled from `fields`.

    Examples:
        >>> message("of", "zh", what="批大小", value=8)
        '批大小：8'
    """
    try:
        text = MESSAGES[key].text(lang)
    except KeyError:
        raise ValueError(f"no message {key!r}; messages are registered with i18n.register(topic, messages=...)") \
            from None
    return text.format(**fields) if fields else text


def text(key: str, lang: str) -> str:
    """A term or a message, for code that looks words up by computed keys (table headers).

    Examples:
        >>> text("symbol", "zh"), text("colon", "zh")
        ('符号', '：')
    """
    return term(key, lang) if key in TERMS else message(key, lang)


def pair(en: str, zh: str, lang: str) -> str:
    """One of two texts written side by side where they are used (a claim's label, a note).

    Examples:
        >>> pair("fits", "放得下", "zh")
        '放得下'
    """
    return (en, zh)[LANGS.index(check_lang(lang))]


def notebook_lang() -> str:
    """The language a notebook's rich output (`_repr_markdown_`) is shown in."""
    return check_lang(os.environ.get(NOTEBOOK_LANG_VARIABLE, LANGS[0]))


# Words every topic prints (table headers of claims, notation and catalogs).
register("site", terms={
    "symbol": ("Symbol", "符号"),
    "meaning": ("Meaning", "含义"),
    "claim": ("Claim", "论断"),
    "derived": ("Derived at build time", "构建时推导结果"),
    "claimed": ("Claimed", "应满足"),
    "checked": ("Checked", "已验证"),
    "source": ("Source", "来源"),
    "term": ("Term", "术语"),
    "model": ("Model", "模型"),
    "accelerator": ("Accelerator", "加速器"),
}, messages={
    "datasheet": ("datasheet", "数据手册"),
    "yes": ("yes", "能"),
    "no": ("no", "不能"),
    "colon": (": ", "："),
    "of": ("{what}: {value}", "{what}：{value}"),
    "topic_site": ("Across the site", "全站通用"),
})
