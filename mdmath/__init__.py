r"""TeX math typeset when the site is built, as a Python-Markdown extension.

`$…$`, `\(…\)`, `$$…$$`, `\[…\]` and `\begin{…}…\end{…}` (pymdownx.arithmatex's syntax)
become KaTeX's HTML and MathML: the reader's browser runs no math script, and a formula
KaTeX cannot typeset stops the build. The stylesheet and fonts pages need are in
`mdmath.katex.ASSETS`.
"""

from mdmath.extension import MathExtension, makeExtension, typeset_marked
from mdmath.katex import MathError, typeset

__all__ = ["MathError", "MathExtension", "makeExtension", "typeset", "typeset_marked"]
