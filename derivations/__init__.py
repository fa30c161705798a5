"""The arithmetic of CS336's quantitative lectures, derived exactly with SymPy.

Code by topic, one module each; pages, notebooks and tests import from here:

- `core`: what every topic shares. `symbols` (the registry of letters), `i18n` (every word,
  both languages), `render` (LaTeX, tables, numbers, the `Published` protocol), `claims`
  (asserts checked when made), `cache` (each derivation computed once), `validate` (input).
- `catalog`: accelerators and model shapes, each typed once with its source.
- topic modules: `symbols` (lecture 10's letters), `intensity`, `stats` (the decode model),
  `kv_cache`, `speculative`, and one module per later topic.
- `figures`, `calculator`: SVG figures and calculator JavaScript from the same expressions.
- `lectures`: one module per lecture, with its presets, claims and constants "as lectured".
- `notation`: the notation and glossary pages, from the registries.
"""

from . import inference_words  # noqa: F401  (registers the inference topics' words)
