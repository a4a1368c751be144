"""Build ``cheatsheet.html`` (one printed page) from ``cheatsheet.md``.

The markdown file is the source; everything after its ``<!-- print:start -->`` marker is
rendered with mistune (a dependency of nbconvert, so it is in the lab and test
environments) into an HTML page whose print stylesheet fits one A4 or Letter page.
``tests/test_instructor_pack.py`` checks that the HTML is current and, with Chromium,
that it prints on one page of either size. Run from anywhere::

    python docs/instructor/cheatsheet.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "cheatsheet.md"
TARGET = HERE / "cheatsheet.html"
MARKER = "<!-- print:start -->"

STYLE = """
  @page { margin: 8mm; }
  * { box-sizing: border-box; }
  body { font: 7.1pt/1.22 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #000;
         margin: 0 auto; max-width: 200mm; padding: 4mm; }
  h1 { font-size: 12pt; margin: 0 0 1mm; }
  h2 { font-size: 8.6pt; margin: 2mm 0 0.8mm; break-after: avoid; }
  p { margin: 0.6mm 0; break-inside: avoid; }
  main { column-count: 2; column-gap: 5mm; }
  table { border-collapse: collapse; width: 100%; break-inside: avoid; margin: 0.5mm 0; }
  th, td { border: 0.3pt solid #999; padding: 0.3mm 0.9mm; vertical-align: top;
           text-align: left; }
  th { background: #eee; }
  code { font: 6.8pt "DejaVu Sans Mono", Menlo, Consolas, monospace; }
  strong { font-weight: 700; }
  @media print {
    body { padding: 0; max-width: none; }
    a { color: inherit; text-decoration: none; }
  }
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<!-- Generated from cheatsheet.md by docs/instructor/cheatsheet.py: do not edit. -->
<style>{style}</style>
</head>
<body>
<h1>{title}</h1>
<main>
{body}</main>
</body>
</html>
"""


def render(markdown: str) -> str:
    """The HTML page for the cheat sheet's markdown."""
    import mistune

    title = markdown.splitlines()[0].lstrip("# ").strip()
    if MARKER not in markdown:
        raise ValueError(f"{SOURCE.name} has no {MARKER} marker")
    body = mistune.html(markdown.split(MARKER, 1)[1])
    return PAGE.format(title=title, style=STYLE, body=body)


def main() -> int:
    TARGET.write_text(render(SOURCE.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
