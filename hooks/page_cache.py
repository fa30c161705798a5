"""Under `mkdocs serve`, convert again only the pages whose inputs changed.

MkDocs 1.6 rebuilds every page of both languages after any edit. A page's conversion (Markdown,
its executed blocks, KaTeX) depends on its Markdown, on what its executed blocks import
(`mdext.exec_cache.block_key`), on the Markdown configuration and on which files exist (links
to them are resolved and checked while converting). Kept in memory under a key of all these,
the result of `Page.render` (HTML, table of contents, title, anchors and links to check) is
reused by later builds of the same process; links to other pages' anchors are still checked
by MkDocs after every build. Search entries are kept the same way, keyed on what the indexer
reads. A cold build (or `mkdocs build`) converts everything: the cache starts empty.

Written against MkDocs 1.6.1 `Page.render` (tests/test_structure.py pins the version).
"""

from __future__ import annotations

import copy
import hashlib

from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from mdext.exec_cache import block_key, blocks

_rendered: dict[str, dict] = {}  # key -> what Page.render set; the hook module lives as long as the process
_indexed: dict[str, list] = {}  # key -> the search entries of one page
_used: set[str] = set()  # keys read or written by the current build, both languages


def _key(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def _links(links_to_anchors, by_uri: bool, files=None):
    """`links_to_anchors` with its File keys as source paths, or back to this build's File objects."""
    if links_to_anchors is None:
        return None
    if by_uri:
        return {file.src_uri: dict(links) for file, links in links_to_anchors.items()}
    found = {uri: files.get_file_from_path(uri) for uri in links_to_anchors}
    return {found[uri]: dict(links) for uri, links in links_to_anchors.items() if found[uri] is not None}


@event_priority(-1000)  # the Markdown every other plugin has finished with
def on_page_markdown(markdown, page, config, files):
    if getattr(page.render, "__func__", None) is not Page.render:
        return markdown  # another plugin renders this page (a notebook)
    executed = [block_key(code) or code for _, code in blocks(markdown)]
    documents = sorted(file.src_uri for file in files)
    key = _key(markdown, executed, config["docs_dir"], page.file.src_uri, page.url, documents,
               config["markdown_extensions"], config["mdx_configs"], config["use_directory_urls"])
    render = page.render
    _used.add(key)

    def cached_render(config, files):
        if key not in _rendered:
            render(config, files)
            _rendered[key] = {"content": page.content, "toc": page.toc, "title": page._title_from_render,
                              "anchors": set(page.present_anchor_ids or ()),
                              "links": _links(page.links_to_anchors, by_uri=True)}
            return
        stored = _rendered[key]
        page.content, page.toc, page._title_from_render = stored["content"], stored["toc"], stored["title"]
        page.present_anchor_ids = set(stored["anchors"])
        page.links_to_anchors = _links(stored["links"], by_uri=False, files=files)

    page.render = cached_render
    return markdown


def on_pre_build(config):
    plugin = config.plugins.get("material/search")
    index = getattr(plugin, "search_index", None)
    add = getattr(index, "add_entry_from_context", None)
    if add is None or not isinstance(getattr(index, "entries", None), list) or getattr(add, "keeps_entries", False):
        return  # not Material's search plugin, or already wrapped

    def add_entry_from_context(page):
        toc = [(item.id, item.title, item.level) for top in page.toc for item in _walk(top)]
        key = _key(page.content, page.url, page.title, toc, page.meta.get("search"))
        _used.add(key)
        if key not in _indexed:
            before = len(index.entries)
            add(page)
            _indexed[key] = copy.deepcopy(index.entries[before:])
        else:
            index.entries.extend(copy.deepcopy(_indexed[key]))

    add_entry_from_context.keeps_entries = True
    index.add_entry_from_context = add_entry_from_context


@event_priority(-200)  # after mkdocs-static-i18n (-100) has built the other languages
def on_post_build(config):
    """Forget what this build did not use (a page as it was before an edit), once all languages are built."""
    i18n = config.plugins.get("i18n")
    if i18n is not None and i18n.building:
        return
    for store in (_rendered, _indexed):
        for key in store.keys() - _used:
            del store[key]
    _used.clear()


def _walk(item):
    yield item
    for child in item.children:
        yield from _walk(child)
