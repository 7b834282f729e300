"""The built documentation renders its equations offline: MathJax is served from the
build's own ``_static`` (the ``sphinx-mathjax-offline`` extension), and no page loads a
script from another host."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HAS_SPHINX = all(importlib.util.find_spec(m) is not None for m in ("sphinx", "myst_parser"))
HAS_OFFLINE = importlib.util.find_spec("sphinx-mathjax-offline") is not None
REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//", re.I)


def remote_scripts(html_dir: Path) -> dict[str, list[str]]:
    """Page -> the script tags that load from another host."""
    hits = {}
    for page in html_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        tags = [m.group(0) for m in REMOTE_SCRIPT.finditer(text)]
        if tags:
            hits[str(page.relative_to(html_dir))] = tags
    return hits


def _check_offline(html: Path) -> None:
    assert remote_scripts(html) == {}
    assert (html / "_static" / "mathjax" / "tex-chtml.js").stat().st_size > 10_000
    pages = [p.read_text(encoding="utf-8") for p in html.glob("*.html")]
    assert any('src="_static/mathjax/tex-chtml.js' in p for p in pages)


def test_the_detector_sees_remote_scripts(tmp_path):
    (tmp_path / "a.html").write_text('<script defer src="https://cdn.example/mathjax.js">'
                                     '</script><script src="_static/x.js"></script>')
    (tmp_path / "b.html").write_text("<script src='//cdn.example/x.js'></script>")
    (tmp_path / "c.html").write_text('<a href="https://example.org">a link is fine</a>')
    assert sorted(remote_scripts(tmp_path)) == ["a.html", "b.html"]


def test_conf_enables_the_offline_mathjax():
    text = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    assert '"sphinx-mathjax-offline"' in text and "mathjax_path" not in text


@pytest.mark.skipif(not (HAS_SPHINX and HAS_OFFLINE), reason="sphinx, myst-parser and "
                    "sphinx-mathjax-offline are needed (the docs extra)")
def test_a_page_with_math_builds_with_no_remote_script(tmp_path):
    """A one-page build with the docs' math extensions (about 2 s): the cheap version of the
    full-build check below."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_parser", "sphinx.ext.mathjax", "sphinx-mathjax-offline"]\n'
        'myst_enable_extensions = ["dollarmath", "amsmath"]\n')
    (src / "index.md").write_text("# Math\n\n$$ L \\sim D^{-\\alpha_D} $$ (X.1)\n")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(src),
                           str(tmp_path / "html")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    _check_offline(tmp_path / "html")


@pytest.mark.slow
@pytest.mark.skipif(not (HAS_SPHINX and HAS_OFFLINE), reason="the docs extra is needed")
def test_the_full_docs_reference_no_remote_script(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html",
                           str(ROOT / "docs"), str(tmp_path / "html")], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "SCALING_DOCS_GALLERY": "0",
                               "MPLBACKEND": "Agg"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    _check_offline(tmp_path / "html")
