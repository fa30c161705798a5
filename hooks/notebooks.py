"""Executed notebooks in both languages: run each language once, render with mkdocs-jupyter.

Sources are Jupytext percent-format files, `docs/notebooks/<name>.<lang>.py`;
the two languages differ in their Markdown cells only. Before the build we
execute each language's notebook with `DERIVATIONS_LANG` set to its language, so
that the tables and labels it displays (`Published._repr_markdown_`) come out in
that language, and write `.ipynb` files to `.cache/notebook-pages/`.
Executed notebooks are kept in `.cache/notebooks/` (or `$NOTEBOOK_CACHE`, which
the tests share between their builds) under a key that covers the notebook's
code and the source of `derivations`: an edit to either re-executes it. A
failing cell stops the build naming the notebook and the cell.

mkdocs-static-i18n turns notebook files into plain static files (so they come
out as raw source, ultrabug/mkdocs-static-i18n#198). After it has reconfigured
the files, we put back a documentation page for each notebook of the current
language, with the i18n URL and alternates (for the language menu), whose source
is the executed `.ipynb`; mkdocs-jupyter then renders it without executing.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import time
from concurrent.futures import Future, ThreadPoolExecutor
from importlib import metadata
from pathlib import Path, PurePosixPath

import jupytext
import nbformat
import tinycss2
from build_order import documents, languages
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from mkdocs_jupyter import convert as mkdocs_jupyter_convert

from mdext.exec_cache import block_key, write_atomically
from mdmath import MathError, typeset_marked

log = logging.getLogger("mkdocs.hooks.notebooks")
SOURCE = re.compile(r"^notebooks/(?P<name>[\w-]+)\.(?P<lang>[a-z]{2})\.py$")
REFERENCE_LANG = "en"  # the other languages' code cells must equal this one's
LANG_VARIABLE = "DERIVATIONS_LANG"  # read by derivations.core.i18n.notebook_lang
_executed: dict[str, nbformat.NotebookNode] = {}  # cache key -> executed notebook
_pending: dict[tuple[str, str], Future] = {}  # (name, language) -> its .ipynb page being written
_pool = ThreadPoolExecutor(max_workers=1)  # one kernel, one notebook at a time (see _Kernel)


def _root(config) -> Path:
    return Path(config.config_file_path).parent


def _code(notebook) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def cache_key(notebook, lang: str) -> str:
    """Outputs depend on the code cells, the source of the modules they import, and the language."""
    code = "\n".join(_code(notebook))
    return hashlib.sha256("\0".join([block_key(code) or code, lang]).encode()).hexdigest()[:16]


# Run before each notebook in the shared kernel: its own namespace, language and plotting defaults,
# as in a fresh kernel; the modules it imports stay loaded (and their derivations computed).
PREAMBLE = """
get_ipython().reset(new_session=True)
import os, matplotlib, matplotlib.pyplot
os.environ[{variable!r}] = {lang!r}
matplotlib.pyplot.close("all")
if not hasattr(matplotlib, "_rc_of_a_fresh_kernel"):
    matplotlib._rc_of_a_fresh_kernel = {{k: v for k, v in matplotlib.rcParams.items() if k != "backend"}}
matplotlib.rcParams.update(matplotlib._rc_of_a_fresh_kernel)
"""


class _Kernel:
    """One kernel runs every notebook that needs running, one after another.

    Starting a kernel and importing SymPy, matplotlib and `derivations` cost more than
    most notebooks' own work: a kernel per notebook and language was most of a cold build.
    """

    def __init__(self, root: Path):
        self.root, self.manager = root, None

    def _client(self, notebook):
        from nbclient import NotebookClient

        client = NotebookClient(notebook, km=self.manager, timeout=300, kernel_name="python3", allow_errors=False,
                                extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not its TCP notice
                                resources={"metadata": {"path": str(self.root)}})
        self.manager = client.km or self.manager
        return client

    def run(self, path: Path, notebook, lang: str) -> nbformat.NotebookNode:
        from nbclient.exceptions import CellExecutionError

        preamble = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            PREAMBLE.format(variable=LANG_VARIABLE, lang=lang))])
        client = self._client(preamble)
        client.execute(cleanup_kc=False)
        self.manager = client.km
        try:
            self._client(notebook).execute(cleanup_kc=False)
        except CellExecutionError as error:
            failing = next((i for i, cell in enumerate(notebook.cells)
                            if any(o.get("output_type") == "error" for o in cell.get("outputs", []))), "?")
            raise PluginError(f"notebook {path.name}: cell {failing} failed:\n{error}") from None
        return notebook

    def stop(self) -> None:
        if self.manager is not None and self.manager.has_kernel:
            from nbclient.util import run_sync

            run_sync(self.manager.shutdown_kernel)(now=True)
        self.manager = None


def _executed_copy(path: Path, config, kernel: _Kernel) -> Path:
    """The executed `.ipynb` of one language."""
    root = _root(config)
    notebook = jupytext.read(path)
    lang = path.suffixes[-2].lstrip(".")
    reference_path = path.with_name(path.name.replace(path.suffixes[-2], f".{REFERENCE_LANG}"))
    if _code(jupytext.read(reference_path)) != _code(notebook):
        raise PluginError(f"notebook {path.name}: its code cells differ from {reference_path.name}")
    key = cache_key(notebook, lang)
    cache = _cache(root)
    if key not in _executed:
        stored = cache / f"{path.stem}.{key}.ipynb"
        if stored.exists():
            _executed[key] = nbformat.read(stored, as_version=4)
        else:
            started = time.perf_counter()
            _executed[key] = kernel.run(path, jupytext.read(path), lang)
            log.info(f"executed notebook {path.name} in {time.perf_counter() - started:.1f} s")
            write_atomically(stored, nbformat.writes(_executed[key]))
    outputs = iter([cell for cell in _executed[key].cells if cell.cell_type == "code"])
    for cell in notebook.cells:
        if cell.cell_type == "code":
            done = next(outputs)
            cell.outputs, cell.execution_count = done.outputs, done.execution_count
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for index, cell in enumerate(notebook.cells):
        cell.id = f"cell-{index}"  # jupytext draws random ids: keep the HTML reproducible
    target = _pages(config) / f"{path.stem}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(notebook)
    if not target.exists() or target.read_text("utf-8") != text:
        target.write_text(text, "utf-8")
    return target


def _cache(root: Path) -> Path:
    return Path(os.environ.get("NOTEBOOK_CACHE", root / ".cache" / "notebooks"))


def _stored(convert, suffix: str):
    """One of mkdocs-jupyter's conversions of an executed notebook, kept beside the executed notebooks.

    nbconvert compiles its templates anew for every conversion: a second of every rebuild.
    """
    if getattr(convert, "is_stored", False):
        return convert

    @functools.wraps(convert)
    def stored_convert(path, **options):
        versions = [metadata.version(name) for name in ("nbconvert", "mkdocs-jupyter")]
        key = hashlib.sha256(Path(path).read_bytes() + repr([versions, sorted(options.items())]).encode())
        stored = _cache(Path.cwd()) / f"{Path(path).stem}.{key.hexdigest()[:16]}.{suffix}"
        if stored.is_file():
            return stored.read_text("utf-8")
        body = convert(path, **options)
        write_atomically(stored, body)
        return body

    stored_convert.is_stored = True
    return stored_convert


# the page, and the Markdown mkdocs-jupyter reads the table of contents from
mkdocs_jupyter_convert.nb2html = _stored(mkdocs_jupyter_convert.nb2html, "html")
mkdocs_jupyter_convert.nb2md = _stored(mkdocs_jupyter_convert.nb2md, "md")


def _pages(config) -> Path:
    """Where each language's executed .ipynb is written; "notebooks" matches mkdocs-jupyter's include."""
    return _root(config) / ".cache" / "notebook-pages" / "notebooks"


class NotebookPage(File):
    """A notebook as a documentation page at its i18n URL, sourced from the executed .ipynb."""

    def __init__(self, file: File, executed: Path, url: str, dest_path: str, site_dir: str):
        self.__dict__.update(file.__dict__)
        self.abs_src_path = str(executed)
        self.dest_path = dest_path
        self.abs_dest_path = str(Path(site_dir) / dest_path)
        self.url = url

    def is_documentation_page(self) -> bool:
        return True


def _page_location(name: str, lang: str, default: str, use_directory_urls: bool) -> tuple[str, str]:
    prefix = "" if lang == default else f"{lang}/"
    directory = PurePosixPath(f"{prefix}notebooks/{name}")
    if use_directory_urls:
        return f"{directory}/", f"{directory}/index.html"
    return f"{directory}.html", f"{directory}.html"


def on_pre_build(config):
    """Start executing the notebooks, in the order the build reaches them; pages are built meanwhile
    and each waits for its own notebook in on_pre_page.
    """
    docs = Path(config.docs_dir)
    order = languages(config)
    place = {path: index for index, path in enumerate(documents(docs))}
    found = [(SOURCE.match(path.relative_to(docs).as_posix()), path) for path in sorted(docs.glob("notebooks/*.py"))]
    found = sorted(((match["name"], match["lang"], path) for match, path in found if match),
                   key=lambda item: (order.index(item[1]), place[item[2].relative_to(docs).as_posix()]))
    kernel = _Kernel(_root(config))
    _pending.clear()
    _pending.update({(name, lang): _pool.submit(_executed_copy, path, config, kernel) for name, lang, path in found})
    _pool.submit(kernel.stop)


def on_build_error(error, **kwargs):
    for pending in _pending.values():  # a failed build should not wait for notebooks
        pending.cancel()


@event_priority(100)  # before mkdocs-jupyter reads the file to key its cache
def on_pre_page(page, **kwargs):
    if isinstance(page.file, NotebookPage):
        match = SOURCE.match(page.file.src_uri)
        _pending[(match["name"], match["lang"])].result()  # raises if a cell failed
    return page


@event_priority(-200)  # after mkdocs-static-i18n (-100) has rebuilt the file list
def on_files(files, config):
    i18n = config.plugins["i18n"]
    current, default = i18n.current_language, i18n.default_language
    languages = [language.locale for language in i18n.config.languages]
    kept = []
    for file in files:
        match = SOURCE.match(file.src_uri)
        if not match:
            kept.append(file)
            continue
        if match["lang"] != current:
            continue  # the other language's source: not published in this build
        source = Path(config.docs_dir) / file.src_uri
        executed = _pages(config) / f"{source.stem}.ipynb"
        url, dest = _page_location(match["name"], current, default, config.use_directory_urls)
        page = NotebookPage(file, executed, url, dest, config.site_dir)
        page.alternates = {
            lang: _Link(_page_location(match["name"], lang, default, config.use_directory_urls)[0])
            for lang in languages
        }
        kept.append(page)
    return type(files)(i18n, kept)


class _Link:
    """What the language menu reads from an alternate: its URL, from the site root."""

    def __init__(self, url: str):
        self.url = url


MATHJAX2 = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
MERMAID = re.compile(
    r'<script type="module">\s*document\.addEventListener\("DOMContentLoaded".*?mermaid.*?</script>', re.S)
RENDERED = re.compile(r'(<div class="[^"]*jp-Rendered(?:Markdown|Latex)[^"]*"[^>]*>)(.*?)(</div>)', re.S)
DISPLAY, INLINE = re.compile(r"\$\$(.+?)\$\$", re.S), re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<!\\)\$")
STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
HEADING = re.compile(r'<h([1-6]) id="([^"]*)">(.*?)<a class="anchor-link" href="#[^"]*">', re.S)
_heading_ids: dict[str, list[str]] = {}  # notebook -> its heading ids in the reference language, in order


def _mark_math(match: re.Match) -> str:
    """TeX in notebook Markdown and LaTeX output, marked up the way arithmatex marks pages."""
    body = DISPLAY.sub(lambda m: f'<div class="arithmatex">\\[{m[1]}\\]</div>', match[2])
    body = INLINE.sub(lambda m: f'<span class="arithmatex">\\({m[1]}\\)</span>', body)
    return match[1] + body + match[3]


def used_css(css: str, page_classes: set[str]) -> str:
    """The rules of `css` that can apply to a page using `page_classes`, and the custom
    properties those rules read: JupyterLab's styles are 0.6 MB, a notebook page uses a sixth.
    """
    kept = "".join(_used_rules(_parsed(css), frozenset(page_classes)))
    defined = re.compile(r"(--[\w-]+)\s*:")
    read = set(re.findall(r"var\(\s*(--[\w-]+)", defined.sub("", kept)))
    while True:  # custom properties read by the custom properties read, and so on
        more = {name for value_of in re.findall(r"(--[\w-]+)\s*:([^;}]*)", kept) if value_of[0] in read
                for name in re.findall(r"var\(\s*(--[\w-]+)", value_of[1])} - read
        if not more:
            break
        read |= more
    return re.sub(r"(--[\w-]+)\s*:[^;}]*;?", lambda m: m[0] if m[1] in read else "", kept)


@functools.lru_cache(maxsize=4)  # every notebook page carries the same styles: parse them once
def _parsed(css: str) -> tuple:
    return _rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))


def _rules(nodes) -> tuple:
    """("rule", ((selector, its classes), …), body) | ("block", head, rules) | ("other", text, None)."""
    rules = []
    for node in nodes:
        if node.type == "qualified-rule":
            selectors = tuple((selector, _classes(selector)) for selector in _split_selectors(node.prelude))
            rules.append(("rule", selectors, "{" + tinycss2.serialize(node.content) + "}"))
        elif node.type == "at-rule" and node.lower_at_keyword in ("media", "supports", "layer") and node.content:
            inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
            rules.append(("block", f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}", _rules(inner)))
        elif node.type == "at-rule" and node.lower_at_keyword != "charset":
            rules.append(("other", node.serialize(), None))
    return tuple(rules)


def _used_rules(rules: tuple, page_classes: frozenset) -> list[str]:
    kept = []
    for kind, head, body in rules:
        if kind == "rule":
            selectors = [selector for selector, classes in head if classes <= page_classes]
            if selectors:
                kept.append(",".join(selectors) + body)
        elif kind == "block":
            inner = _used_rules(body, page_classes)
            if inner:
                kept.append(head + "{" + "".join(inner) + "}")
        else:
            kept.append(head)
    return kept


def _classes(selector: str) -> frozenset[str]:
    """The classes an element must have to match; a class under :not() need not be on the page."""
    return frozenset(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", re.sub(r":not\([^)]*\)", "", selector)))


def _split_selectors(prelude: list) -> list[str]:
    parts, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    return [tinycss2.serialize(part).strip() for part in parts]


def _shared_anchors(html_text: str, page) -> str:
    """Headings get the reference language's ids, as page headings do: nbconvert gives Chinese
    headings an empty id, which breaks their links and leaves search sections without an address.
    """
    match = SOURCE.match(page.file.src_uri)
    if match["lang"] == REFERENCE_LANG:  # built first: i18n builds the default language first
        _heading_ids[match["name"]] = [heading[2] for heading in HEADING.finditer(html_text)]
        return html_text
    reference = _heading_ids.get(match["name"], [])
    toc = [item for top in page.toc for item in _flatten(top)]
    if not (len(reference) == len(toc) == len(HEADING.findall(html_text))):
        raise PluginError(f"notebook {page.file.src_uri}: its headings differ from the {REFERENCE_LANG} twin's")
    anchors = iter(reference)

    def heading(found: re.Match) -> str:
        anchor = next(anchors)
        return f'<h{found[1]} id="{anchor}">{found[3]}<a class="anchor-link" href="#{anchor}">'

    for item, anchor in zip(toc, reference, strict=True):
        item.id = anchor
    return HEADING.sub(heading, html_text)


def _flatten(item):
    yield item
    for child in item.children:
        yield from _flatten(child)


def on_page_content(html_text, page, **kwargs):
    if not isinstance(page.file, NotebookPage):
        return html_text
    html_text = _shared_anchors(html_text, page)
    # nbconvert's template loads MathJax 2 and (for diagrams) Mermaid from a CDN; the site
    # reads offline, and its math is typeset at build time.
    try:
        html_text = typeset_marked(RENDERED.sub(_mark_math, MERMAID.sub("", MATHJAX2.sub("", html_text))))
    except MathError as error:
        raise PluginError(f"notebook {page.file.src_uri}: {error}") from None
    page_classes = {name for names in re.findall(r'class="([^"]*)"', html_text) for name in names.split()}
    # One stylesheet, in the order of nbconvert's: one block's rules read another's custom properties.
    css = used_css("\n".join(STYLE.findall(html_text)), page_classes)
    first = STYLE.search(html_text)
    if first is None:
        return html_text
    return html_text[:first.start()] + f"<style>{css}</style>" + STYLE.sub("", html_text[first.start():])
