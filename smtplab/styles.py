"""The inline CSS of the HTML views: the transcript's table (render.py), one style per kind
of cell, and a message's anatomy (anatomy.py); the sequence diagram's colours
(diagram.py). Tables only."""

__all__: list[str] = []

MONO = "SFMono-Regular,Menlo,Consolas,monospace"
SANS = "system-ui,sans-serif"

# Written for JupyterLab's sanitizer, which keeps an untrusted output's inline styles but
# drops each declaration its patterns reject, var() among them: a plain font first, then
# the theme's font (kept when trusted); numbers written in full (0.5em, not .5em).
TRANSCRIPT_STYLE = {
    "table": (
        "border-collapse:collapse;border:none;margin:0;table-layout:auto;width:auto;"
        "font-size:12.5px;line-height:1.45"
    ),
    "line": (
        "text-align:left;vertical-align:top;white-space:pre;padding:0 1em 0 0.5em;"
        f"font-family:{MONO};font-family:var(--jp-code-font-family,{MONO})"  # i18n: keep CSS
    ),
    "note": (
        "text-align:left;vertical-align:top;white-space:normal;padding:0 0.5em;opacity:0.72;"
        f"font-family:{SANS};font-family:var(--jp-ui-font-family,{SANS})"  # i18n: keep CSS
    ),
    "C": (
        "background:rgba(9,105,218,0.10);"
        "border-left:3px solid rgba(9,105,218,0.75)"  # i18n: keep CSS
    ),
    "S": (
        "background:rgba(130,80,223,0.10);"
        "border-left:3px solid rgba(130,80,223,0.75)"  # i18n: keep CSS
    ),
    "fail": (
        "background:rgba(207,34,46,0.14);"
        "border-left:3px solid rgba(207,34,46,0.85)"  # i18n: keep CSS
    ),
    "band": (
        f"font-family:{SANS};font-family:var(--jp-ui-font-family,{SANS});"  # i18n: keep CSS
        "text-align:center;font-weight:bold;padding:0.25em 0.5em;white-space:normal;"
        "background:rgba(26,127,55,0.20);border-top:2px solid rgba(26,127,55,0.8);"
        "border-bottom:2px solid rgba(26,127,55,0.8)"
    ),
    "loud": (
        f"font-family:{SANS};font-family:var(--jp-ui-font-family,{SANS});"  # i18n: keep CSS
        "text-align:center;font-weight:bold;padding:0.25em 0.5em;white-space:normal;"
        "background:rgba(207,34,46,0.25);border-top:3px solid rgba(207,34,46,0.9);"
        "border-bottom:3px solid rgba(207,34,46,0.9)"
    ),
    "note_row": (
        "text-align:left;font-style:italic;opacity:0.72;"
        "padding:0 0.5em;white-space:pre"  # i18n: keep CSS
    ),
    "secret": "font-weight:bold;letter-spacing:0.05em",
}

# Anatomy._repr_html_: the envelope/headers tables, a blind copy's mark, the raw header
# values and the MIME tree.
ANATOMY_STYLE = {
    "view": "color:inherit",
    "table": "border-collapse:collapse;margin-bottom:6px",
    "cell": "padding:2px 8px;text-align:left;vertical-align:top;border:0",  # i18n: keep CSS
    "blind": "background:rgba(255,170,0,0.25)",
    "raw": "margin:0;white-space:pre-wrap;background:none;color:inherit",
    "tree": "margin:0;background:none;color:inherit",
}

# The sequence diagram: client and server arrows, a failure, notes and lifelines, the TLS shade.
DIAGRAM_COLORS = {
    "C": "#0550ae",
    "S": "#6639ba",
    "fail": "#cf222e",
    "muted": "#59636e",
    "tls": "#1a7f37",
}
