"""A reader's browser for the tests: the built site on 127.0.0.1, driven in Debian's Chromium.

Playwright's own browser download does not work here, so we launch the system Chromium
(`CHROMIUM_PATH`, default /usr/bin/chromium). The site is served under the path of its
`site_url`, as GitHub Pages serves it, so absolute links resolve as they do in production.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

HOST = "127.0.0.1"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
    # Nothing leaves the machine: every host but the loopback one goes through a proxy that is
    # not there. Blocking in Playwright instead (a route) would intercept every request and turn
    # off the HTTP cache, which made each page load cost about twice the CPU.
    "--proxy-server=127.0.0.1:9",
]
TIMEOUT_MS = 5_000  # any single wait; a page of this site is ready within a second or two
QUIET_S = 0.05  # no request for this long, once search is ready: the page has stopped loading


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def chromium_missing() -> str | None:
    """Why the browser cannot run, or None."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return (
        f"no Chromium at {CHROMIUM} (install Debian's chromium and fonts-noto-cjk, "
        "or point CHROMIUM_PATH at a Chromium binary)"
    )


# -- the site, served ----------------------------------------------------------------------

def site_path(site: Path) -> str:
    """The path part of the site_url the site was built with, e.g. "/" or "/repo/"."""
    html = (site / "index.html").read_text("utf-8")
    match = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    path = urlsplit(match[1]).path if match else "/"
    return path if path.endswith("/") else path + "/"


class _Handler(SimpleHTTPRequestHandler):
    prefix = "/"
    stubs: dict[str, bytes] = {}  # path under the site -> what is served instead of the file

    def send_head(self):
        if not self.path.startswith(self.prefix):  # outside the site's path: GitHub Pages has nothing there
            self.send_error(404)
            return None
        stub = self.stubs.get(urlsplit(self.path).path[len(self.prefix):])
        if stub is None:
            return super().send_head()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(stub)))
        self.end_headers()
        return io.BytesIO(stub)

    def translate_path(self, path: str) -> str:
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # the browser left mid-response: fine
            super().handle_error(request, client_address)


def empty_search_indexes(site: Path) -> dict[str, bytes]:
    """Each language's search index with its configuration but no page: Material's worker still
    loads its language scripts, but has nothing to index (indexing the real one is most of the
    CPU a page load costs). The search tests read the real indexes."""
    stubs = {}
    for index in site.glob("**/search/search_index.json"):
        try:
            config = json.loads(index.read_text("utf-8"))["config"]
        except (ValueError, KeyError):  # served as built: the pages' tests then show what a reader gets
            continue
        stubs[index.relative_to(site).as_posix()] = json.dumps({"config": config, "docs": []}).encode()
    return stubs


class SiteServer:
    """The built site on 127.0.0.1, on a free port, in a background thread; with
    `empty_search`, each search index is served empty (`empty_search_indexes`)."""

    def __init__(self, site: Path, empty_search: bool = False):
        stubs = empty_search_indexes(site) if empty_search else {}
        handler = type("Handler", (_Handler,), {"prefix": site_path(site), "stubs": stubs})
        self.httpd = _Server((HOST, 0), functools.partial(handler, directory=str(site)))
        self.root = f"http://{HOST}:{self.httpd.server_port}{handler.prefix}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="site-server", daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def url(self, name: str, lang: str) -> str:
        """The address of a page: en at <root><name>/, zh at <root>zh/<name>/, index at the root."""
        prefix = "" if lang == "en" else f"{lang}/"
        directory = "" if name == "index" else f"{name}/"
        return f"{self.root}{prefix}{directory}"


# -- what a reader would notice --------------------------------------------------------------

def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname == HOST


# Material's search has answered its first query: the summary line above the results, which
# reads "Initializing search" until then, shows one of the texts Material writes for an answer.
SEARCH_READY_JS = r"""() => {
  const meta = document.querySelector(".md-search-result__meta");
  if (!meta) return true;  // a page without search
  const t = JSON.parse(document.getElementById("__config").textContent).translations;
  const text = meta.textContent.trim();
  const other = t["search.result.other"].replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace("#", ".+");
  return [t["search.result.placeholder"], t["search.result.none"], t["search.result.one"]].includes(text)
    || new RegExp(`^${other}$`).test(text);
}"""


class Watch:
    """Everything that goes wrong on a page: console errors, uncaught exceptions, failed
    requests, HTTP errors and requests to other hosts (which fail: see CHROMIUM_ARGS)."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.pending: dict[object, str] = {}
        self.last_activity = time.monotonic()
        self.settled: int | None = None  # problems noted when a test last waited for the page
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._note(f"uncaught exception: {error}"))
        page.on("request", self._request)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def _console(self, message):
        if message.type == "error":
            where = message.location.get("url", "")
            self._note(f"console error: {message.text}" + (f" ({where})" if where else ""))

    def _request(self, request):
        self.last_activity = time.monotonic()
        self.pending[request] = request.url
        if not is_local(request.url):
            self._note(f"request to another host: {request.url}")

    def _finished(self, request):
        self.last_activity = time.monotonic()
        self.pending.pop(request, None)

    def _failed(self, request):
        self._finished(request)
        if is_local(request.url):
            self._note(f"failed request: {request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self._note(f"HTTP {response.status}: {response.url}")

    def settle(self, timeout_ms: int = TIMEOUT_MS, search: bool = True) -> None:
        """Wait until the page has stopped loading: Material's search ready (`SEARCH_READY_JS`),
        or a problem noted, then nothing in flight and nothing new for a moment.

        Search readiness ends the page's longest chain: the index, fetched after the page's
        scripts run, the worker's language scripts, imported after it, and words.json, fetched
        before the worker's first answer. The quiet moment covers events still on their way.
        """
        deadline = time.monotonic() + timeout_ms / 1000
        ready = not search
        while not ready or self.pending or time.monotonic() - self.last_activity < QUIET_S:
            if time.monotonic() > deadline:
                raise AssertionError(f"after {timeout_ms} ms, search ready: {ready}, "
                                     f"requests in flight: {sorted(self.pending.values())}")
            self.page.wait_for_timeout(20)
            ready = ready or bool(self.problems) or self.page.evaluate(SEARCH_READY_JS)
        if search:
            self.settled = len(self.problems)

    def reset(self) -> None:
        """Forget the last page once its requests have finished. Problems it had after a test
        waited for it to settle (and read the problems) are not dropped: they fail here, named."""
        self.settle(search=False)
        late = self.problems[self.settled:] if self.settled is not None else []
        self.problems.clear()
        self.settled = None
        if late:
            raise AssertionError(f"{self.page.url} went on after its test: " + "\n".join(late))


class Tabs:
    """Pages opened in a known order in two tabs: while a test checks one page, the next page in
    the order loads in the other tab, so Chromium's work overlaps the test's waiting. Each tab
    has its own Watch, emptied just before its page is opened."""

    def __init__(self, context, order: list[str]):
        self.order = order
        self.watches = [Watch(context.new_page()) for _ in range(2)]
        self.loading: dict[str, tuple[Watch, object]] = {}  # url -> (tab, response or the error)

    def _start(self, watch: Watch, url: str) -> None:
        self.loading = {u: loading for u, loading in self.loading.items() if loading[0] is not watch}
        try:
            watch.reset()
            response = watch.page.goto(url, wait_until="commit")
        except Exception as error:  # noqa: BLE001 - raised by the test of this page, not the one running
            response = error
        self.loading[url] = (watch, response)

    def open(self, url: str):
        """The tab showing `url`, loaded, and the response to it; the next page starts loading."""
        index = self.order.index(url) if url in self.order else len(self.order)
        following = self.order[index + 1] if index + 1 < len(self.order) else None
        if url not in self.loading:
            busy = self.loading.get(following, (None,))[0]
            self._start(next(w for w in self.watches if w is not busy), url)
        watch, response = self.loading.pop(url)
        if isinstance(response, Exception):
            raise response
        if following is not None and following not in self.loading:
            self._start(next(w for w in self.watches if w is not watch), following)
        watch.page.wait_for_load_state("load")
        return watch, response


# -- reading a page ----------------------------------------------------------------------------

MATH_JS = r"""async (timeout) => {
  const timer = new Promise(resolve => setTimeout(() => resolve("timeout"), timeout));
  const outcome = await Promise.race([document.fonts.ready.then(() => "done"), timer]);
  const formulas = [...document.querySelectorAll(".arithmatex")];
  const TYPESET = ".katex-html, .katex-number";  // KaTeX's drawing, or a number mdmath set as text
  // what a formula shows besides KaTeX's markup: raw TeX, were it left untypeset
  const raw = e => {
    const copy = e.cloneNode(true);
    copy.querySelectorAll(".katex, .katex-number").forEach(k => k.remove());
    return copy.textContent.trim();
  };
  const katexFonts = [...document.fonts].filter(f => f.family.replace(/"/g, "").startsWith("KaTeX_"));
  return {
    outcome,
    formulas: formulas.length,
    by_katex: formulas.filter(e => e.querySelector(".katex-html")).length,
    untypeset: formulas.filter(e => !e.querySelector(TYPESET) || raw(e)).map(e => raw(e).slice(0, 80)),
    errors: [...document.querySelectorAll(".katex-error")].map(e => e.title || e.textContent),
    // drawn, and in KaTeX's own fonts (served with the site) rather than a fallback
    empty: formulas.filter(e => e.getClientRects().length && e.querySelector(TYPESET)  // else untypeset
                                && !e.querySelector(TYPESET).getBoundingClientRect().width).length,
    fonts_loaded: katexFonts.filter(f => f.status === "loaded").map(f => f.family),
    fonts_failed: katexFonts.filter(f => f.status === "error").map(f => f.family),
  };
}"""

SEARCH_META = ".md-search-result__meta"  # "3 matching documents", or the placeholder
SEARCH_RESULTS_JS = """() => [...document.querySelectorAll(".md-search-result__item a[href]")]
  .map(a => new URL(a.href).pathname)"""


def typeset_math(page) -> dict:
    """Wait for the page's fonts, then describe every formula on it (typeset when the site was built)."""
    return page.evaluate(MATH_JS, TIMEOUT_MS)


def switch_language(page, lang: str) -> None:
    """Open the header's language menu and follow the link to `lang`, as a reader would."""
    page.click(".md-header__option .md-select button")
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.click(f"a.md-select__link[hreflang={lang}]")


def search(page, query: str) -> list[str]:
    """Type `query` into the search box and return the paths the results link to, in order.

    Material rewrites the results' summary line for each answer of its worker: once the summary's
    text node from before typing is gone, and the line is not the placeholder (the answer to an
    empty query, such as the one Material sends when the index is ready), the results are ours.
    """
    box = page.locator("input.md-search__input")
    if box.input_value() == query:  # Material sends no query for an unchanged box: these are its results
        return page.evaluate(SEARCH_RESULTS_JS)
    page.evaluate(f"window.__stale = document.querySelector('{SEARCH_META}').firstChild")
    box.fill(query)
    box.press("End")  # Material reads the query on keyup; fill() alone sends no key event
    # The summary line is updated before the results are listed: wait for both, or for "none".
    page.wait_for_function(f"""() => {{
      const meta = document.querySelector('{SEARCH_META}');
      const texts = JSON.parse(document.getElementById('__config').textContent).translations;
      const summary = meta.textContent.trim();
      if (meta.firstChild === window.__stale || summary === texts['search.result.placeholder']) return false;
      return summary === texts['search.result.none'] || document.querySelector('.md-search-result__item') !== null;
    }}""")
    return page.evaluate(SEARCH_RESULTS_JS)
