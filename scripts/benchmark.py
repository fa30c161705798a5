"""Measure the site's speed on this machine: cold and warm builds, rebuilds under
`mkdocs serve`, time in derivations and in notebooks; and what a reader downloads: every
page with its scripts, styles and images against the budget, fonts, search indexes.
Prints Markdown for the README.

    uv run python scripts/benchmark.py [--runs 3]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
sys.path.insert(0, str(ROOT / "tests"))
from pages import blocks, page_names, source  # noqa: E402
from weight import BUDGET_BYTES, page_files  # noqa: E402


def build(site: Path, cold: bool) -> tuple[float, float]:
    """Seconds for a strict build, and seconds its log reports executing notebooks.

    Cold: no executed-notebook cache, as on a fresh clone. Warm: the cache of the
    previous build, as after an edit that changes neither a notebook nor derivations.
    """
    shutil.rmtree(site, ignore_errors=True)
    if cold:
        shutil.rmtree(ROOT / ".cache", ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                            cwd=ROOT, env=ENV, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    notebooks = sum(float(t) for t in re.findall(r"executed notebook \S+ in ([\d.]+) s", result.stdout + result.stderr))
    return seconds, notebooks


def derivation_time() -> float:
    """Run every executed block of every page, in both languages, in one fresh process."""
    code = "\n".join(body for name in page_names() for lang in ("en", "zh")
                     for _, body in blocks(source(name, lang)).__iter__()).replace('"<lang>"', '"en"')
    script = ("import io, contextlib, time\nstart = time.perf_counter()\n"
              "with contextlib.redirect_stdout(io.StringIO()):\n")
    script += "".join(f"    {line}\n" for line in code.splitlines())
    script += "print(time.perf_counter() - start)\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=ENV, check=True,
                            capture_output=True, text=True)
    return float(result.stdout.strip().splitlines()[-1])


class Serve:
    """`mkdocs serve` in the background, with a way to wait for its next rebuild."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.builds = 0
        self.serving = False
        self.log: list[str] = []
        self.condition = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        with self.condition:  # watching starts with "Serving on", after the first build
            if not self.condition.wait_for(lambda: self.serving, 180):
                raise TimeoutError("mkdocs serve did not start")
        time.sleep(5)  # "Serving on" comes before the file watcher is up on a large site

    def _read(self):
        for line in self.process.stdout:
            self.log.append(line)
            with self.condition:
                # not "Documentation built in …": MkDocs drops a message it logged before (DuplicateFilter),
                # so a rebuild as fast as an earlier one went unseen
                self.builds += "Reloading browsers" in line
                self.serving = self.serving or "Serving on" in line
                self.condition.notify_all()

    def wait_for_build(self, seen: int, timeout: float = 180) -> None:
        with self.condition:
            if not self.condition.wait_for(lambda: self.builds > seen, timeout):
                raise TimeoutError("mkdocs serve did not rebuild; its last lines:\n" + "".join(self.log[-15:]))

    def rebuild_after(self, path: Path, addition: str) -> float:
        """Seconds from an edit of `path` to the end of the rebuild it triggers; then undo it."""
        original = path.read_text("utf-8")
        seen = self.builds
        start = time.perf_counter()
        path.write_text(original + addition, "utf-8")
        try:
            self.wait_for_build(seen)
            return time.perf_counter() - start
        finally:
            seen = self.builds
            path.write_text(original, "utf-8")
            self.wait_for_build(seen)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def stored_blocks() -> set[str]:
    """The outputs mdext.exec_cache holds: one file per block and version of what it imports."""
    return {path.name for path in (ROOT / ".cache" / "exec").glob("*.md")}


def all_blocks() -> set[str]:
    from mdext.exec_cache import blocks as executed_blocks

    return {code for path in (ROOT / "docs").rglob("*.md") for _, code in executed_blocks(path.read_text("utf-8"))}


def page_weight(html_path: Path) -> tuple[int, int]:
    """Bytes of a page's HTML plus what it references (tests/weight.py): raw and gzipped."""
    files = page_files(html_path)
    return sum(path.stat().st_size for path in files), sum(len(gzip.compress(path.read_bytes())) for path in files)


def print_weights(site: Path) -> None:
    weights = {page.parent.relative_to(site).as_posix(): page_weight(page) for page in sorted(site.rglob("index.html"))}
    print(f"\n| page (with its scripts, styles, images; budget {BUDGET_BYTES / 1e3:.0f} kB) | en kB | zh kB | "
          "en kB gzipped | zh kB gzipped |\n|---|---|---|---|---|")
    for name, (raw, zipped) in weights.items():
        if name == "zh" or name.startswith("zh/"):
            continue
        zh_raw, zh_zipped = weights["zh" if name == "." else f"zh/{name}"]
        over = " **over budget**" if max(raw, zh_raw) > BUDGET_BYTES else ""
        print(f"| {'/' if name == '.' else name}{over} | {raw / 1e3:.0f} | {zh_raw / 1e3:.0f} | "
              f"{zipped / 1e3:.0f} | {zh_zipped / 1e3:.0f} |")
    print()
    for kind in ("lecture-", "notebooks/", "reference/", "tools/"):
        for lang in ("en", "zh"):
            name, (raw, zipped) = max(((n, w) for n, w in weights.items()
                                       if kind in n and (n.startswith("zh/") == (lang == "zh"))),
                                      key=lambda item: item[1][0])
            print(f"- heaviest {kind.strip('-/')} page, {lang}: {name}, {raw / 1e3:.0f} kB "
                  f"({zipped / 1e3:.0f} kB gzipped)")
    fonts = sorted((site / "assets/katex/fonts").glob("*.woff2"))
    print(f"\nKaTeX's fonts load only when a page uses them, cached across pages: {len(fonts)} files, "
          f"{sum(f.stat().st_size for f in fonts) / 1e3:.0f} kB in all, "
          f"the largest {max(f.stat().st_size for f in fonts) / 1e3:.0f} kB.")
    for folder in (site / "search", site / "zh/search"):
        index, words = folder / "search_index.json", folder / "words.json"
        print(f"Search index `{index.relative_to(site)}`, fetched when a page loads the search: "
              f"{index.stat().st_size / 1e3:.0f} kB "
              f"({len(gzip.compress(index.read_bytes())) / 1e3:.0f} kB gzipped); `words.json` beside it "
              f"{words.stat().st_size / 1e3:.0f} kB, fetched on the first query.")


def serve_rows(row, runs: int) -> None:
    """Rebuilds under `mkdocs serve`: after a prose edit, and after edits of derivations narrow to wide."""
    serve = Serve()
    try:
        row("rebuild under `mkdocs serve` after a prose edit", statistics.median(
            serve.rebuild_after(ROOT / "docs/lecture-10/theory-intensity.en.md", "\nEdited.\n")
            for _ in range(runs)))
        for module in ("derivations/scaling_laws.py", "derivations/kv_cache.py", "derivations/core/render.py"):
            before = stored_blocks()
            # a new edit each run: an edit made before would find its blocks stored
            seconds = statistics.median(serve.rebuild_after(ROOT / module, f"\n# edited {time.time_ns()}\n")
                                        for _ in range(runs))
            rerun = len(stored_blocks() - before) // runs  # each run stores the blocks it ran
            row(f"rebuild under `mkdocs serve` after an edit of `{module}` ({rerun} of {len(all_blocks())} "
                "executed blocks import it, and run again)", seconds)
    finally:
        serve.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--weights-only", action="store_true", help="one build, then page weights only")
    parser.add_argument("--serve-only", action="store_true", help="the rebuilds under `mkdocs serve` only")
    args = parser.parse_args()
    site = Path(tempfile.mkdtemp()) / "site"
    if args.weights_only:
        build(site, cold=False)
        print_weights(site)
        return

    median = statistics.median

    def row(measure: str, seconds: float) -> None:  # printed as measured: a later failure keeps it
        print(f"| {measure} | {seconds:.1f} |", flush=True)

    print(f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {args.runs} runs.\n")
    print("| measure | seconds |\n|---|---|", flush=True)
    if args.serve_only:
        serve_rows(row, args.runs)
        return
    cold = [build(site, cold=True) for _ in range(args.runs)]
    row("cold `mkdocs build --strict`, both languages, notebooks executed", median(t for t, _ in cold))
    row("notebook execution, summed (one kernel runs them one after another, beside the build)",
        median(n for _, n in cold))
    row("warm build (executed blocks, notebooks and templates cached in `.cache/`)",
        median(build(site, cold=False)[0] for _ in range(args.runs)))
    row("all executed blocks of all pages, both languages, fresh process",
        median(derivation_time() for _ in range(args.runs)))
    serve_rows(row, args.runs)
    print_weights(site)


if __name__ == "__main__":
    main()
