"""Sphinx configuration: the scaling-law toolkit's manual (MyST Markdown, numpydoc, MathJax).

The build is strict by design: CI runs ``sphinx-build -W --keep-going -b html docs OUT`` and
``nitpicky`` is on, so a broken equation label, a ``{eq}`` reference to a missing equation,
a ``{func}`` link to a function that does not exist, or a malformed docstring fails it.

Two build-time steps live here (both are plain functions, so the tests can call them):

* :func:`link_equation_citations` turns a docstring's citation of a docs equation, such as
  ``docs/theory/learning_curves.md (LC.3)``, into a live ``:eq:`` link, so an equation
  cited by the code but missing from the docs is a build error;
* :func:`face_entries` lists a public face's names (``__all__``) with the place each is
  documented, so the ``face-summary`` directive that opens every API page links each name
  to its entry (a face name documented nowhere is a build error);
* :func:`build_gallery` runs the main job (``python -m verify --quick``) and writes the
  Markdown fragment that ``gallery.md`` includes. Set ``SCALING_DOCS_GALLERY=0`` to skip
  it (the gallery page then says it was skipped, and why).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

from asymptotics import __version__  # noqa: E402

project = "scaling-law-toolkit"
author = "The scaling-law-toolkit developers"
copyright = "2026, The scaling-law-toolkit developers"
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",   # the tables of the public faces (`face-summary`, below)
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",   # MathJax 3 copied into _static: equations render offline
    "numpydoc",
]

# --- MyST: $...$ / $$...$$ math, numbered equations `$$ ... $$ (LABEL.n)`, amsmath blocks ---
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_dmath_double_inline = True
myst_heading_anchors = 3
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"

# Equations are numbered by their written label, e.g. (LC.3): the equation shows "(LC.3)",
# and so does every `{eq}` reference to it (see `LabelNumberedMathDomain` below).
math_numfig = False
math_eqref_format = "({number})"

# --- API reference: autodoc + numpydoc ---
autodoc_typehints = "none"          # signatures stay readable; types are in the docstrings
autodoc_member_order = "bysource"
# Members are those in each module's `__all__`; constants without a docstring (REGIMES,
# VERDICTS, ...) are listed too, so `:data:` references to them resolve.
autodoc_default_options = {"members": True, "undoc-members": True, "show-inheritance": False}
# An override without a docstring (SerialExecutor.submit) must not inherit the standard
# library's, whose ``*args`` markup is not reST.
autodoc_inherit_docstrings = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# --- strictness: every cross-reference inside the project must resolve ---
nitpicky = True
nitpick_ignore_regex = [
    # third-party and builtin types named in docstrings: there is no intersphinx offline
    (r"py:.*", r"(numpy|np|mpmath|mp|sympy|sp|scipy|matplotlib|concurrent|dask|distributed|"
               r"pathlib|collections|typing|argparse|dataclasses|enum|ast)(\..*)?"),
    (r"py:.*", r"(int|float|complex|str|bytes|bool|None|object|dict|list|tuple|set|"
               r"callable|Callable|Sequence|Mapping|Iterable|optional|array_like|"
               r"ndarray|Generator|Path|Any|Expr|mpf)"),
]

# A numpydoc "References" entry that the text does not cite is a bibliography, not a broken
# link; a citation of a missing entry is still an error.
suppress_warnings = ["ref.citation"]

templates_path: list[str] = []
exclude_patterns = [
    "_build",
    "Thumbs.db",
    ".DS_Store",
    # Stopgap exclusions of pages whose markup breaks the strict build go here, each with a
    # comment naming the page's owner and the error (see the report of issue #7).
]

html_theme = "alabaster"
html_title = f"scaling-law-toolkit {release}"
html_static_path: list[str] = []

# --- equation numbers are their labels ----------------------------------------------------
from sphinx.domains.math import MathDomain  # noqa: E402


class LabelNumberedMathDomain(MathDomain):
    """The math domain, with each equation's number being its label (``LC.3``, not ``7``).

    Code cites equations by label (``docs/theory/learning_curves.md (LC.3)``), so the page
    must show the same text; Sphinx's sequential numbers would not match the citation.
    """

    def note_equation(self, docname: str, labelid: str, location=None) -> None:
        super().note_equation(docname, labelid, location)   # keeps the duplicate-label warning
        self.equations[labelid] = (self.equations[labelid][0], labelid)


# --- docstring citations of docs equations become links ---------------------------------
_LABEL = re.compile(r"\(([A-Za-z][\w-]*\.\d+[a-z]?)\)")
_CITATION = re.compile(r"(docs/[\w./-]+\.md,?\s*(?:[Ee]q(?:uation)?s?\.?\s*)?)"
                       r"((?:\([A-Za-z][\w-]*\.\d+[a-z]?\)(?:\s*(?:-|–|,|and)\s*)?)+)(?!`)")


def link_equation_citations(text: str) -> str:
    """Rewrite ``docs/<page>.md (LABEL.n)`` as ``docs/<page>.md :eq:`LABEL.n```.

    Every label of a run after the page is linked: ``(RG.1)-(RG.3)``, ``(LC.1), (LC.2)``.

    Parameters
    ----------
    text : str
        One docstring line.

    Returns
    -------
    str
        The line with every equation citation turned into an ``:eq:`` role, which the
        math domain resolves to the numbered equation (a missing label is a warning, and
        with ``-W`` an error).
    """
    return _CITATION.sub(lambda m: m.group(1) + _LABEL.sub(r":eq:`\1`", m.group(2)), text)


def _process_docstring(app, what, name, obj, options, lines) -> None:
    lines[:] = [link_equation_citations(line) for line in lines]


# --- the public faces: a table of each face's names, linked to where they are documented ----
API_DIR = DOCS / "api"
_AUTO_DIRECTIVE = re.compile(r"^\.\. auto(module|function|class|data|exception)::\s+([\w.]+)"
                             r"[ \t]*\n((?:[ \t]+:[^\n]*\n?)*)", re.M)


def documented_names(pages: list[str] | None = None) -> set[str]:
    """Every qualified name that an autodoc directive of ``docs/api`` documents.

    ``.. automodule:: M`` documents ``M`` and, unless it says ``:no-members:``, every name of
    ``M.__all__``; ``.. autofunction:: M.f`` (``autoclass``, ``autodata``, ...) documents
    ``M.f``. Nothing is imported except the modules named by an ``automodule``.

    Parameters
    ----------
    pages : list of str, optional
        The pages' texts; by default those of ``docs/api/*.md``.

    Returns
    -------
    set of str
        The documented names, e.g. ``"verify.fit"`` and ``"verify.fit.fit_power_law"``.
    """
    import importlib

    if pages is None:
        pages = [p.read_text(encoding="utf-8") for p in sorted(API_DIR.glob("*.md"))]
    out: set[str] = set()
    for text in pages:
        for kind, name, options in _AUTO_DIRECTIVE.findall(text):
            out.add(name)
            if kind == "module" and ":no-members:" not in options:
                module = importlib.import_module(name)
                out.update(f"{name}.{member}" for member in getattr(module, "__all__", ()))
    return out


def face_entries(face: str, documented: set[str] | None = None) -> list[tuple[str, str]]:
    """``(name, target)`` for each public name of a face: where the API pages document it.

    The target is the documented name bound to the same object, preferring the module
    that defines it (``obj.__module__``), then the deepest module; a face's own entry
    (``verify.scenarios.QUICK``) counts when nothing deeper documents the object.

    Parameters
    ----------
    face : str
        A public face, e.g. ``"verify.dimension"``.
    documented : set of str, optional
        The documented names; by default :func:`documented_names`.

    Returns
    -------
    list of tuple of str
        In the order of ``face.__all__``; dunder names (``__version__``) are left out.

    Raises
    ------
    LookupError
        If a name of the face is documented nowhere in ``docs/api``.
    """
    import importlib

    if documented is None:
        documented = documented_names()
    module = importlib.import_module(face)
    missing = object()
    out = []
    for name in module.__all__:
        if name.startswith("__"):
            continue
        obj = getattr(module, name)
        candidates = []
        for qualified in documented:
            owner, _, last = qualified.rpartition(".")
            if last != name or not owner:
                continue
            try:
                same = getattr(importlib.import_module(owner), name, missing) is obj
            except ImportError:
                continue
            if same:
                candidates.append(owner)
        if not candidates:
            raise LookupError(f"{face}.{name} is documented nowhere in docs/api (add the module "
                              "that defines it, with its members, to an API page)")
        defining = getattr(obj, "__module__", None)
        best = max(candidates, key=lambda m: (m == defining, m != face, m.count("."), m))
        out.append((name, f"{best}.{name}"))
    return out


_ROLE = re.compile(r":(?:py:)?\w+:`(~?)([^`<]*?)(?:\s*<[^`>]*>)?`")


def _literal_roles(summary: str) -> str:
    """A summary line with its cross-references as literals (``:func:`~a.b``` -> ````b````).

    The table stands in the face's module, where a docstring's relative reference would
    not resolve; the name it links is the row's own entry anyway.
    """
    return _ROLE.sub(lambda m: "``" + (m.group(2).rsplit(".", 1)[-1] if m.group(1)
                                       else m.group(2)) + "``", summary)


def _summary(qualified: str) -> str:
    """The first paragraph of a function's or class's docstring, on one line ("" otherwise).

    Autosummary's own summary stops at the first ``". "``, which can fall inside a literal
    (``i = 1 .. size``) and leave it unterminated.
    """
    import importlib
    import inspect

    owner, _, name = qualified.rpartition(".")
    obj = getattr(importlib.import_module(owner), name)
    if not (inspect.isclass(obj) or inspect.isroutine(obj)):
        return ""
    doc = inspect.getdoc(obj) or ""
    return " ".join(doc.split("\n\n", 1)[0].split())


def _face_summary_directive():
    from sphinx.ext.autosummary import Autosummary

    class FaceSummary(Autosummary):
        """``.. face-summary:: verify.dimension``: the autosummary table of a face's names."""

        required_arguments = 1

        def run(self):
            current = self.env.ref_context.get("py:module") or ""
            names = []
            for _, target in face_entries(self.arguments[0]):
                if current and target.startswith(current + "."):
                    target = target[len(current) + 1:]   # autosummary wants it relative
                names.append(f"~{target}")
            items = [(name, sig, _literal_roles(_summary(real) or summary), real)
                     for name, sig, summary, real in self.get_items(names)]
            return self.get_table(items)

    return FaceSummary


# --- the figure gallery -------------------------------------------------------------------
GALLERY_DIR = DOCS / "_build" / "gallery"
GALLERY_FRAGMENT = GALLERY_DIR / "figures.md"
_FIGURE_SUFFIXES = (".png", ".svg", ".jpg")


def build_gallery(out: Path = GALLERY_DIR, *, run: bool | None = None) -> str:
    """Regenerate the main job's figures in ``out`` and write the gallery's Markdown fragment.

    Parameters
    ----------
    out : pathlib.Path
        Output folder of ``python -m verify --quick --out OUT``.
    run : bool, optional
        Whether to run the main job; by default, unless ``SCALING_DOCS_GALLERY=0``.

    Returns
    -------
    str
        The fragment written to ``out / "figures.md"``: one figure per image the job wrote,
        or a note saying why there is none.
    """
    out.mkdir(parents=True, exist_ok=True)
    if run is None:
        run = os.environ.get("SCALING_DOCS_GALLERY", "1") != "0"
    has_report = (ROOT / "verify" / "commands" / "report.py").exists()
    note = ""
    if not has_report:
        note = "The main job (`verify/commands/report.py`) does not exist yet: no figures."
    elif not run:
        note = "Gallery skipped for this build (`SCALING_DOCS_GALLERY=0`)."
    else:
        env = {**os.environ, "MPLBACKEND": "Agg"}
        proc = subprocess.run([sys.executable, "-m", "verify", "--quick", "--out", str(out)],
                              cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if proc.returncode not in (0, 1):   # 1: a check failed; the figures still exist
            raise RuntimeError(f"`python -m verify --quick` failed (status {proc.returncode}):\n"
                               f"{proc.stderr[-2000:]}")
    figures = sorted((p for p in out.rglob("*") if p.suffix in _FIGURE_SUFFIXES),
                     key=lambda p: (p.stem != "overview", p.as_posix()))  # the overview first
    if figures:
        rel = os.path.relpath(out, DOCS)
        blocks = [f"```{{figure}} {rel}/{p.relative_to(out).as_posix()}\n:width: 90%\n\n"
                  f"`{p.relative_to(out).as_posix()}`\n```\n" for p in figures]
        text = "\n".join(blocks)
    else:
        text = "```{note}\n" + (note or "The main job wrote no figures.") + "\n```\n"
    (out / "figures.md").write_text(text, encoding="utf-8")
    return text


def _builder_inited(app) -> None:
    build_gallery()


# --- bibliography entries: `{ref}`ref-KEY`` links docs/references.md's entry as "[KEY]" -----
def _title_bibliography_labels(app, env) -> list[str]:
    """Give each ``(ref-KEY)=`` label of a paragraph the title ``[KEY]``.

    A label before a paragraph has no title, so a bare ref role naming ``ref-bach2023``
    would be a "title not found" error; with the title it renders as ``[bach2023]``.
    """
    try:
        std = env.domains.standard_domain        # Sphinx >= 8.1
    except AttributeError:
        std = env.get_domain("std")
    for name, (docname, labelid) in list(std.anonlabels.items()):
        if name.startswith("ref-") and name not in std.labels:
            std.labels[name] = (docname, labelid, f"[{name[4:]}]")
    return []


def setup(app):
    app.connect("env-updated", _title_bibliography_labels)
    app.add_domain(LabelNumberedMathDomain, override=True)
    app.add_directive("face-summary", _face_summary_directive())
    app.connect("autodoc-process-docstring", _process_docstring)
    app.connect("builder-inited", _builder_inited)
    return {"parallel_read_safe": True}
