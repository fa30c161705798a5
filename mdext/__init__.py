"""The site's Python-Markdown extensions: logic every Markdown engine runs, not MkDocs hooks.

MkDocs 1.x is unmaintained and Material for MkDocs ends on 2027-05-05; its successor engine
runs Python-Markdown extensions but ignores `hooks:`. What must survive a change of engine
lives here: `mdext.exec_guard` stops the build at a failing executed block.
"""
