"""The arithmetic of LLM inference (CS336 lecture 10), derived exactly with SymPy.

One module per topic; pages, notebooks and tests import from here:

- `symbols`: the lecture's letters (B, S, T, ...) and byte sizes, defined once.
- `hardware`: accelerator constants with their sources.
- `intensity`: FLOPs, bytes and arithmetic intensity of matmul, MLP and attention.
- `render`: how exact results become Markdown and LaTeX on a page.
"""
