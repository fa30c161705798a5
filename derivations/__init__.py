"""The arithmetic of LLM inference (CS336 lecture 10), derived exactly with SymPy.

One module per topic; pages, notebooks and tests import from here:

- `symbols`: the lecture's letters (B, S, T, ...) and byte sizes, defined once.
- `hardware`, `models`: accelerator and model constants, each with its source.
- `intensity`: FLOPs, bytes and arithmetic intensity of matmul, MLP and attention.
- `stats`: the lecture's decode model: memory, latency, throughput.
- `kv_cache`: KV-cache sizes under MHA, GQA, MQA, MLA, windows and shared layers.
- `speculative`: exactness of speculative sampling, expected tokens, the sampler.
- `figures`, `calculator`: SVG figures and calculator JavaScript from the same expressions.
- `claims`, `render`, `glossary`, `cache`, `validate`: checking, display, words, caching, input.
"""
