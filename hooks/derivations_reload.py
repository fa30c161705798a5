"""Keep `derivations` fresh under `mkdocs serve`, and computed once per build.

Python keeps an imported package in `sys.modules`, so a running `mkdocs serve`
would keep publishing the old derivations. Before each build we hash the
package's source; only when it changed do we drop the package, which also
empties its caches. The i18n plugin's second-language build finds the hash
unchanged and reuses every derivation the first language computed.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.derivations")


def _source_hash(package_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def on_pre_build(config):
    package_dir = Path(config.config_file_path).parent / "derivations"
    current = _source_hash(package_dir)
    loaded = sys.modules.get("derivations")
    if loaded is not None and getattr(loaded, "_source_hash", None) != current:
        for name in [name for name in sys.modules if name == "derivations" or name.startswith("derivations.")]:
            del sys.modules[name]
        log.info("derivations changed: reloading")
    import derivations

    derivations._source_hash = current


def on_post_build(config):
    cache = sys.modules.get("derivations.core.cache")
    if cache is not None and cache.COMPUTED:
        counts = "; ".join(f"{call}×{count}" for call, count in sorted(cache.COMPUTED.items()))
        log.info(f"derivations computed: {counts}")
