"""An offline copy of the GX Data Docs: pages without CDN scripts and stylesheets, and a static index of every page."""

import html
import re
import shutil
from pathlib import Path

# a <script src="http…"></script>, a <link … href="http…"> or an <img src="http…">: assets GX loads from CDNs
REMOTE = re.compile(
    r"""<script\b[^>]*\bsrc=["']https?://[^"']*["'][^>]*>\s*</script>"""
    r"""|<link\b[^>]*\bhref=["']https?://[^"']*["'][^>]*>"""
    r"""|<img\b[^>]*\bsrc=["']https?://[^"']*["'][^>]*>""",
    re.IGNORECASE,
)
STYLE = """<style>
body { font-family: sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: .5em 0; } td, th { border: 1px solid #ccc; padding: .25em .5em; }
.collapse:not(.show) { display: block; } .d-none { display: none; }
.fa-check-circle::before { content: "\\2714"; color: #1a7f37; } .fa-times::before { content: "\\2718"; color: #c00; }
</style>"""  # the status icons GX draws with Font Awesome (from a CDN), as plain characters


def offline_page(text: str) -> str:
    """A GX page with every remote asset removed and a small inline stylesheet (the page's own links stay)."""
    text = REMOTE.sub("", text)
    return text.replace("</head>", STYLE + "\n</head>", 1) if "</head>" in text else STYLE + text


def pages(root: Path) -> tuple[list[Path], list[Path]]:
    """(expectation suite pages, validation result pages) under a Data Docs site, sorted (newest results last)."""
    suites = sorted((root / "expectations").rglob("*.html")) if (root / "expectations").exists() else []
    results = sorted((root / "validations").rglob("*.html")) if (root / "validations").exists() else []
    return suites, results


def index(root: Path) -> str:
    """A static index.html (no script, no remote asset) linking every suite and validation page of the site."""
    suites, results = pages(root)

    def link(p: Path, label: str) -> str:
        return f'<li><a href="{html.escape(p.relative_to(root).as_posix())}">{html.escape(label)}</a></li>'

    rows = [link(p, p.stem) for p in suites]
    by_suite: dict[str, list[str]] = {}
    for p in results:  # validations/<suite>/<run name>/<run time>/<batch>.html
        parts = p.relative_to(root / "validations").parts
        label = f"{parts[-2] if len(parts) > 2 else ''} {p.stem}".strip()
        by_suite.setdefault(parts[0], []).append(link(p, label))
    sections = "".join(f"<h3>{html.escape(s)}</h3><ul>{''.join(reversed(v))}</ul>" for s, v in sorted(by_suite.items()))
    return (
        '<!doctype html><html><head><meta charset="utf-8"><title>nianbao · GX Data Docs</title>'
        f"{STYLE}</head><body><h1>nianbao · GX Data Docs</h1>"
        "<p>Written by the asset checks of each run (expectations/README.md); this copy works without a network."
        f"</p><h2>Expectation suites</h2><ul>{''.join(rows) or '<li>none yet</li>'}</ul>"
        f"<h2>Validation results (newest first)</h2>{sections or '<p>none yet: run make run</p>'}</body></html>"
    )


def build(site: Path, out: Path) -> Path:
    """Copy the Data Docs site to `out` with every page made offline and a static index; returns the index path."""
    if out.exists():
        shutil.rmtree(out)
    if site.exists():
        shutil.copytree(site, out)
    else:
        out.mkdir(parents=True)
    for page in out.rglob("*.html"):
        page.write_text(offline_page(page.read_text(encoding="utf-8")), encoding="utf-8")
    target = out / "index.html"
    target.write_text(index(out), encoding="utf-8")
    return target
