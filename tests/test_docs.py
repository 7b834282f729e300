"""The manual never rots: it builds strictly, its tutorials and doctests run, its links hold.

* the Sphinx build with warnings as errors (skipped, with the reason, when Sphinx is not
  installed: it is in the ``docs`` extra);
* every tutorial's ```` ```python ```` blocks, run in order in a fresh interpreter;
* every docstring example in both packages, as a doctest;
* equation cross-links, both ways: each equation a source file cites exists in the page
  it names, and each numbered equation of a theory page is cited by some source file;
* every public module has an API reference entry.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import itertools
import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PACKAGES = ("asymptotics", "verify")
HAS_SPHINX = all(importlib.util.find_spec(m) is not None
                 for m in ("sphinx", "myst_parser", "numpydoc"))
SPHINX_REASON = ("Sphinx, myst-parser and numpydoc are not installed (they are in the `docs` "
                 "extra: pip install -e '.[docs]')")

# ---------------------------------------------------------------------------------------
# Helpers (pure, so they are tested below on small inputs)
# ---------------------------------------------------------------------------------------
_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)
_REQUIRES = re.compile(r"<!--\s*requires:\s*([\w\s,.-]+?)\s*-->")
# `$$ ... $$ (LABEL.n)` with the label on the closing line (MyST dollarmath).
_EQUATION = re.compile(r"\$\$[ \t]*\(([A-Za-z][\w-]*\.\d+[a-z]?)\)[ \t]*$", re.M)
# A source file's citation of a docs equation: `docs/theory/x.md (LC.3)` or `... Eq. (LC.3)`.
_LABEL = r"\(([A-Za-z][\w-]*\.\d+[a-z]?)\)"
_CITATION = re.compile(r"(docs/[\w./-]+\.md),?\s*(?:[Ee]q(?:uation)?s?\.?\s*)?"
                       + r"((?:\([A-Za-z][\w-]*\.\d+[a-z]?\)(?:\s*(?:-|–|,|and)\s*)?)+)")


def python_blocks(markdown: str) -> list[str]:
    """The ```` ```python ```` blocks of a Markdown page, in order."""
    return [m.group(1) for m in _FENCE.finditer(markdown)]


def required_modules(markdown: str) -> list[str]:
    """Optional dependencies a page declares with ``<!-- requires: dask, distributed -->``."""
    out: list[str] = []
    for m in _REQUIRES.finditer(markdown):
        out.extend(x for x in re.split(r"[\s,]+", m.group(1)) if x)
    return out


def equation_labels(markdown: str) -> list[str]:
    """The labels of the numbered equations ``$$ ... $$ (LABEL.n)`` of a page."""
    return _EQUATION.findall(markdown)


def citations(source: str) -> list[tuple[str, str]]:
    """``(page, label)`` for every docs equation cited in a source file.

    A run of labels after one page counts for each (``(LC.1), (LC.2)``), and a range of
    one prefix is expanded (``(RG.1)-(RG.3)`` cites RG.1, RG.2 and RG.3).
    """
    out = []
    for page, run in _CITATION.findall(source):
        labels = re.findall(_LABEL, run)
        for first, last in itertools.pairwise(labels):
            a, b = first.rsplit(".", 1), last.rsplit(".", 1)
            if (a[0] == b[0] and a[1].isdigit() and b[1].isdigit()
                    and re.search(re.escape(f"({first})") + r"\s*[-–]\s*"
                                  + re.escape(f"({last})"), run)):
                labels += [f"{a[0]}.{k}" for k in range(int(a[1]) + 1, int(b[1]))]
        out += [(page, label) for label in dict.fromkeys(labels)]
    return out


def _doc_pages() -> list[Path]:
    return sorted(p for p in DOCS.rglob("*.md") if "_build" not in p.parts)


def _tutorials() -> list[Path]:
    return sorted(p for p in (DOCS / "tutorials").glob("*.md") if p.name != "index.md")


def _modules(public_only: bool = False) -> list[str]:
    names = []
    for pkg_name in PACKAGES:
        pkg = importlib.import_module(pkg_name)
        names.append(pkg_name)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg_name}."):
            if public_only and any(part.startswith("_") for part in info.name.split(".")):
                continue
            names.append(info.name)
    return sorted(names)


def _sources() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


# ---------------------------------------------------------------------------------------
# The helpers themselves
# ---------------------------------------------------------------------------------------
def test_python_blocks_keeps_order_and_skips_other_languages():
    page = "# T\n```python\na = 1\n```\ntext\n```bash\nls\n```\n```python\nb = a + 1\n```\n"
    assert python_blocks(page) == ["a = 1\n", "b = a + 1\n"]


def test_required_modules_reads_the_comment():
    assert required_modules("x\n<!-- requires: dask, distributed -->\n") == ["dask",
                                                                          "distributed"]
    assert required_modules("no comment here") == []


def test_equation_labels_and_citations_parse_the_house_syntax():
    page = "$$\nE = n\\kappa\n$$ (LC.3)\n\nand $$ x $$ (REG.12b)\n$$ y $$\n"
    assert equation_labels(page) == ["LC.3", "REG.12b"]
    src = "x = 1  # docs/theory/learning_curves.md (LC.3)\n    docs/sweeps.md Eq. (SW.1)\n"
    assert citations(src) == [("docs/theory/learning_curves.md", "LC.3"),
                              ("docs/sweeps.md", "SW.1")]
    ranged = "see docs/fitting.md (CMP.2)-(CMP.4) and docs/a.md (X.1), (Y.2); (Z.9)"
    assert citations(ranged) == [("docs/fitting.md", "CMP.2"), ("docs/fitting.md", "CMP.4"),
                                 ("docs/fitting.md", "CMP.3"), ("docs/a.md", "X.1"),
                                 ("docs/a.md", "Y.2")]


# ---------------------------------------------------------------------------------------
# conf.py's build-time steps
# ---------------------------------------------------------------------------------------
def _conf():
    spec = importlib.util.spec_from_file_location("_docs_conf", DOCS / "conf.py")
    mod = importlib.util.module_from_spec(spec)
    if not HAS_SPHINX:
        pytest.skip(SPHINX_REASON)
    spec.loader.exec_module(mod)
    return mod


def test_docstring_citations_become_eq_links():
    conf = _conf()
    assert (conf.link_equation_citations("Implements docs/theory/learning_curves.md (LC.3).")
            == "Implements docs/theory/learning_curves.md :eq:`LC.3`.")
    assert (conf.link_equation_citations("see docs/fitting.md Eq. (FIT.2)")
            == "see docs/fitting.md Eq. :eq:`FIT.2`")
    assert (conf.link_equation_citations("docs/theory/regimes.md (RG.1)-(RG.3).")
            == "docs/theory/regimes.md :eq:`RG.1`-:eq:`RG.3`.")
    # Not a citation: no page, or a plain parenthesis.
    for text in ("the kappa equation (LC.3)", "docs/fitting.md (see below)"):
        assert conf.link_equation_citations(text) == text


def test_gallery_fragment_lists_the_figures(tmp_path):
    conf = _conf()
    (tmp_path / "figures").mkdir()
    for name in ("b.png", "figures/a.svg", "table.tex"):
        (tmp_path / name).write_text("x")
    text = conf.build_gallery(tmp_path, run=False)
    assert text.count("```{figure}") == 2
    assert "figures/a.svg" in text and "b.png" in text and "table.tex" not in text
    assert (tmp_path / "figures.md").read_text() == text


def test_gallery_fragment_says_why_it_is_empty(tmp_path):
    text = _conf().build_gallery(tmp_path, run=False)
    assert "```{note}" in text and "figure}" not in text


# ---------------------------------------------------------------------------------------
# The strict build
# ---------------------------------------------------------------------------------------
def _sphinx_build(out: Path, gallery: bool) -> subprocess.CompletedProcess:
    env = {**os.environ, "MPLBACKEND": "Agg", "SCALING_DOCS_GALLERY": "1" if gallery else "0"}
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q",
                           "-b", "html", str(DOCS), str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                          check=False)


@pytest.mark.skipif(not HAS_SPHINX, reason=SPHINX_REASON)
def test_docs_build_strictly_without_gallery(tmp_path):
    proc = _sphinx_build(tmp_path / "html", gallery=False)
    assert proc.returncode == 0, proc.stderr[-6000:]
    assert (tmp_path / "html" / "index.html").exists()


@pytest.mark.slow
@pytest.mark.skipif(not HAS_SPHINX, reason=SPHINX_REASON)
def test_docs_build_strictly_with_the_gallery(tmp_path):
    proc = _sphinx_build(tmp_path / "html", gallery=True)
    assert proc.returncode == 0, proc.stderr[-6000:]
    assert (tmp_path / "html" / "gallery.html").exists()


# ---------------------------------------------------------------------------------------
# Tutorials run as written
# ---------------------------------------------------------------------------------------
_DRIVER = """\
import json, sys
blocks = json.loads(sys.stdin.read())
namespace = {"__name__": "__main__"}
for i, src in enumerate(blocks, 1):
    exec(compile(src, f"<{sys.argv[1]} block {i}>", "exec"), namespace)
"""


@pytest.mark.parametrize("page", _tutorials(), ids=lambda p: p.stem)
def test_tutorial_runs_as_written(page, tmp_path):
    text = page.read_text(encoding="utf-8")
    missing = [m for m in required_modules(text) if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{page.name} needs the optional dependencies {missing}")
    blocks = python_blocks(text)
    assert blocks, f"{page.name} has no ```python blocks to run"
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "error"}
    proc = subprocess.run([sys.executable, "-c", _DRIVER, page.name], input=json.dumps(blocks),
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, f"{page.name} failed:\n{proc.stderr[-6000:]}"


def test_readme_tour_runs_as_written(tmp_path):
    """The README's tour: at most 20 lines, public-face imports only, and it runs."""
    blocks = python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) == 1, "the README has one ```python block, the tour"
    lines = [line for line in blocks[0].splitlines() if line.strip()]
    assert len(lines) <= 20, f"the tour has {len(lines)} lines"
    deep = [line for line in lines if re.match(r"\s*from (asymptotics|verify)\.\w", line)]
    assert not deep, f"the tour deep-imports instead of using the public faces: {deep}"
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "error"}
    proc = subprocess.run([sys.executable, "-c", _DRIVER, "README.md"], input=json.dumps(blocks),
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, f"README.md failed:\n{proc.stderr[-6000:]}"


# ---------------------------------------------------------------------------------------
# Docstring examples are doctests
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("module_name", _modules())
def test_docstring_examples_run(module_name):
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = [t for t in finder.find(module, module_name) if t.examples]
    for test in tests:
        runner.run(test, out=lambda s: sys.stdout.write(s))
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {module_name}"


# ---------------------------------------------------------------------------------------
# Cross-links between equations and code
# ---------------------------------------------------------------------------------------
def _labels_by_page() -> dict[str, list[str]]:
    return {p.relative_to(ROOT).as_posix(): equation_labels(p.read_text(encoding="utf-8"))
            for p in _doc_pages()}


def test_equation_labels_are_unique_across_the_manual():
    seen: dict[str, str] = {}
    duplicates = []
    for page, labels in _labels_by_page().items():
        for label in labels:
            if label in seen:
                duplicates.append(f"{label} in {seen[label]} and {page}")
            seen[label] = page
    assert not duplicates, duplicates


def test_every_cited_equation_exists_in_the_page_cited():
    labels = _labels_by_page()
    broken = []
    for path in _sources():
        for page, label in citations(path.read_text(encoding="utf-8")):
            if page not in labels:
                broken.append(f"{path.relative_to(ROOT)} cites {page} ({label}): no such page")
            elif label not in labels[page]:
                broken.append(f"{path.relative_to(ROOT)} cites {page} ({label}): no such "
                              "equation")
    assert not broken, "\n".join(sorted(set(broken)))


def test_every_numbered_equation_is_cited_by_the_code():
    cited = {(page, label) for path in _sources()
             for page, label in citations(path.read_text(encoding="utf-8"))}
    uncited = [f"{page} ({label})" for page, labels in _labels_by_page().items()
               for label in labels if (page, label) not in cited]
    assert not uncited, "numbered equations no function cites back:\n" + "\n".join(uncited)


# ---------------------------------------------------------------------------------------
# The API reference covers every public module
# ---------------------------------------------------------------------------------------
def test_every_public_module_has_an_api_entry():
    text = "\n".join(p.read_text(encoding="utf-8") for p in (DOCS / "api").glob("*.md"))
    documented = set(re.findall(r"\.\. automodule::\s+([\w.]+)", text))
    missing = [m for m in _modules(public_only=True)
               if m not in documented and ".commands" not in m]
    assert not missing, f"public modules without an API entry in docs/api/: {missing}"
