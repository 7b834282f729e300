"""The project's shape, checked: the layering of the two packages, the API reference's
coverage of every public name, and the house rules on citations and unsafe loading.

* ``asymptotics`` (the theory) never imports ``verify`` (the laboratory): statically, in
  every module's import statements, and dynamically, in a fresh interpreter that imports
  every module of ``asymptotics`` and then finds no ``verify`` module loaded;
* ``verify`` reaches into ``asymptotics``' private parts only through ``asymptotics._lib``
  (scipy's ``_lib`` precedent);
* every name of every public module's ``__all__``, faces included, is documented by an
  autodoc directive of ``docs/api``, and every face opens its page with a ``face-summary``;
* no source file cites ``THEORY §`` or a path outside the repository (every ``docs/*.md``
  it names exists), and no package file unpickles, ``eval``\\ s or ``exec``\\ s anything.

Only the standard library's ``ast`` reads the sources, so a rule broken in a module that
does not import still fails here, with the file and line.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api"
PACKAGES = ("asymptotics", "verify")


# ---------------------------------------------------------------------------------------
# Helpers (pure, tested below on small inputs)
# ---------------------------------------------------------------------------------------
def sources(package: str) -> list[Path]:
    """Every ``.py`` file of a package, sorted."""
    return sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    """``asymptotics/rf/laws.py`` -> ``asymptotics.rf.laws`` (``__init__`` -> the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree: ast.AST, current: str) -> list[tuple[int, str, list[str]]]:
    """``(line, module, names)`` for every import statement, relative imports resolved.

    ``import a.b`` gives ``(line, "a.b", [])``; ``from a.b import c, d`` gives
    ``(line, "a.b", ["c", "d"])``; ``from . import x`` inside ``pkg.mod`` gives
    ``(line, "pkg", ["x"])``.
    """
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = current.split(".")
                anchor = package[: len(package) - node.level + (1 if _is_package(current)
                                                                 else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            out.append((node.lineno, base, [alias.name for alias in node.names]))
    return out


def _is_package(name: str) -> bool:
    return (ROOT / Path(*name.split(".")) / "__init__.py").exists()


def private_asymptotics_import(module: str, names: list[str]) -> str | None:
    """What an import reaches inside ``asymptotics`` that is private and not ``_lib``.

    Returns the offending dotted name, or ``None`` if the import is allowed: anything in
    ``asymptotics._lib``, and any public module or public (or dunder) name elsewhere.
    """
    parts = module.split(".")
    if parts[0] != "asymptotics":
        return None
    if len(parts) > 1 and parts[1] == "_lib":
        return None
    private = [p for p in parts[1:] if p.startswith("_")]
    if private:
        return module
    for name in names:
        if name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
            if name == "_lib" and len(parts) == 1:
                continue
            return f"{module}.{name}"
    return None


_UNPICKLERS = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve",
               "marshal"}


def unsafe_calls(tree: ast.AST) -> list[tuple[int, str]]:
    """``(line, what)`` for each call that may run code a user or a file supplies.

    ``pickle.load``/``loads``/``Unpickler`` (and the same of ``dill``, ``marshal``, ...,
    also when imported by name), the builtins ``eval``/``exec``, and any call passing
    ``allow_pickle=True``.
    """
    names_from_unpicklers: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _UNPICKLERS:
            names_from_unpicklers.update(a.asname or a.name for a in node.names)
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                and func.value.id in _UNPICKLERS
                and func.attr in {"load", "loads", "Unpickler", "open"}):
            out.append((node.lineno, f"{func.value.id}.{func.attr}("))
        elif isinstance(func, ast.Name) and func.id in {"eval", "exec"}:
            out.append((node.lineno, f"{func.id}("))
        elif isinstance(func, ast.Name) and func.id in names_from_unpicklers:
            out.append((node.lineno, f"{func.id}( (imported from an unpickler)"))
        for kw in node.keywords:
            if (kw.arg == "allow_pickle" and isinstance(kw.value, ast.Constant)
                    and kw.value.value is True):
                out.append((node.lineno, "allow_pickle=True"))
    return out


_THEORY = re.compile(r"THEORY\s*§")
# An absolute path into a machine (not a URL: no scheme before it), a home directory, or
# the team's notes outside the repository.
_OUTSIDE = re.compile(r"(?<![\w:/.])(?:/(?:work|home|root|tmp|Users|mnt|opt|srv|var)/[\w.-]"
                      r"|~/[\w.-]|\.\./shared/|(?<![\w/])shared/(?:THEORY|ARCHITECTURE|STYLE)"
                      r"\.md)")
_DOCS_PAGE = re.compile(r"(?<![\w/.-])(docs/[\w./-]+?\.md)\b")


def citation_problems(text: str) -> list[tuple[int, str]]:
    """``(line, problem)`` for each forbidden citation in a source file's text.

    A ``THEORY §`` citation (a document outside the repository), a path outside the
    repository, and a ``docs/...md`` page that does not exist in ``docs/``.
    """
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if _THEORY.search(line):
            out.append((lineno, f"cites THEORY §: {line.strip()[:100]}"))
        if _OUTSIDE.search(line):
            out.append((lineno, f"names a path outside the repository: {line.strip()[:100]}"))
        for page in _DOCS_PAGE.findall(line):
            if not (ROOT / page).is_file():
                out.append((lineno, f"cites {page}, which does not exist"))
    return out


REFERENCES = ROOT / "docs" / "references.md"
# "Surname YEAR", "Surname & Surname YEAR", "Surname et al. (YEAR)": the key is surnameYEAR.
_WORK = re.compile(r"\b([A-Z][a-zü]+)(?:[–-][A-Z][a-zü]+)?(?: et al\.| (?:&|and) [A-Z][a-zü]+)?,?"
                   r" \(?((?:19|20)\d{2})[a-z]?\b")
# "Bahri et al. Theorem 1", "Bahri et al.'s Eq. (5)", "Bahri et al. Theorems 2-3", "... §1.4"
_PAPER = re.compile(r"Bahri et al\.(?:'s)?,? (Theorems? \d+(?:\s*[-–]\s*\d+)?"
                    r"|Eqs?\.\s?\(\d+\)(?:\s*[-–]\s*\(\d+\))?|§\s?[\d.]*\d"
                    r"|Sec(?:tion|\.)\s?[\d.]*\d)")


def cited_works(text: str) -> list[tuple[int, str]]:
    """``(line, key)`` of each ``Surname [& Surname | et al.] YEAR`` citation."""
    return [(text.count("\n", 0, m.start()) + 1,
             m.group(1).lower().replace("ü", "u") + m.group(2)) for m in _WORK.finditer(text)]


def _normal(result: str) -> str:
    return re.sub(r"\s*[-–]\s*", "-", re.sub(r"\s+", " ", result.replace("§ ", "§")))


def cited_paper_results(text: str) -> list[tuple[int, str]]:
    """``(line, result)`` of each numbered result of Bahri et al. cited, e.g. ``Eq. (3)``."""
    return [(text.count("\n", 0, m.start()) + 1, _normal(m.group(1)))
            for m in _PAPER.finditer(text)]


def listed_paper_results(references: str) -> set[str]:
    """The first column of the table of Bahri et al.'s results in docs/references.md."""
    section = references.split("## Bahri et al.: the results the code cites", 1)[-1]
    section = section.split("\n## ", 1)[0]
    return {_normal(row.split("|")[1].strip()) for row in section.splitlines()
            if row.startswith("|") and not row.startswith("| ---")} - {"cited as"}


def listed_keys(references: str) -> set[str]:
    """The keys ``**[key]**`` of docs/references.md."""
    return set(re.findall(r"^\*\*\[([\w-]+)\]\*\*", references, re.M))


_AUTO = re.compile(r"^\.\. auto(module|function|class|data|exception|attribute|method)::"
                   r"\s+([\w.]+)[ \t]*\n((?:[ \t]+:[^\n]*\n?)*)", re.M)
_FACE_SUMMARY = re.compile(r"^\.\. face-summary::\s+([\w.]+)", re.M)


def autodoc_targets(text: str) -> list[tuple[str, str, bool]]:
    """``(kind, name, with_members)`` for each autodoc directive of an API page."""
    return [(kind, name, kind == "module" and ":no-members:" not in options)
            for kind, name, options in _AUTO.findall(text)]


def public_modules() -> list[str]:
    """Every module of both packages without a private part, except the command modules."""
    names = []
    for package in PACKAGES:
        names.append(package)
        pkg = importlib.import_module(package)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=f"{package}."):
            parts = info.name.split(".")
            if any(p.startswith("_") for p in parts) or "commands" in parts:
                continue
            names.append(info.name)
    return sorted(names)


def _api_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(API.glob("*.md")))


def documented(text: str) -> set[str]:
    """The qualified names the API pages document (members of ``automodule`` included)."""
    out: set[str] = set()
    for _, name, with_members in autodoc_targets(text):
        out.add(name)
        if with_members:
            out.update(f"{name}.{m}" for m in getattr(importlib.import_module(name), "__all__",
                                                       ()))
    return out


def is_documented(module: str, name: str, names: set[str]) -> bool:
    """Whether ``module.name`` is documented, under its own name or where it is defined.

    A face re-exports; its name counts as documented when some documented ``M.name`` is
    bound to the very same object.
    """
    if f"{module}.{name}" in names:
        return True
    obj = getattr(importlib.import_module(module), name)
    for qualified in names:
        owner, _, last = qualified.rpartition(".")
        if last != name or not owner:
            continue
        try:
            owner_module = importlib.import_module(owner)
        except ImportError:
            continue
        if getattr(owner_module, name, object()) is obj:
            return True
    return False


# ---------------------------------------------------------------------------------------
# The helpers themselves
# ---------------------------------------------------------------------------------------
def test_imported_modules_resolves_relative_imports():
    tree = ast.parse("import a.b\nfrom x.y import z, w\nfrom . import q\nfrom ..r import s\n")
    got = imported_modules(tree, "verify.simulator.simulate")
    assert got == [(1, "a.b", []), (2, "x.y", ["z", "w"]), (3, "verify.simulator", ["q"]),
                   (4, "verify.r", ["s"])]
    # inside a package's __init__, "." is the package itself
    assert imported_modules(ast.parse("from . import q\n"), "verify.simulator") == [
        (1, "verify.simulator", ["q"])]


def test_private_asymptotics_import_allows_only_lib():
    assert private_asymptotics_import("asymptotics._lib.cli", ["main"]) is None
    assert private_asymptotics_import("asymptotics", ["_lib", "__version__"]) is None
    assert private_asymptotics_import("asymptotics.rf.laws", ["rf_exponents"]) is None
    assert private_asymptotics_import("numpy._core", ["x"]) is None
    assert private_asymptotics_import("asymptotics._private", []) == "asymptotics._private"
    assert private_asymptotics_import("asymptotics.rf._helpers", ["f"]) == (
        "asymptotics.rf._helpers")
    assert private_asymptotics_import("asymptotics.rf.sums", ["_tail"]) == (
        "asymptotics.rf.sums._tail")


def test_unsafe_calls_finds_each_form():
    src = ("import pickle, numpy as np\nfrom dill import loads as L\n"
           "pickle.loads(b)\nnp.load(f, allow_pickle=True)\neval('1')\nexec('x = 1')\nL(b)\n"
           "np.load(f)\njson.loads(s)\nobj.eval()\nast.literal_eval('1')\n")
    assert unsafe_calls(ast.parse(src)) == [
        (3, "pickle.loads("), (4, "allow_pickle=True"), (5, "eval("), (6, "exec("),
        (7, "L( (imported from an unpickler)")]


def test_citation_problems_finds_each_form():
    text = ("x = 1  # THEORY §1.2\n"
            "see /work/shared/THEORY.md\n"
            "cf. docs/theory/learning_curves.md (LC.3)\n"
            "see docs/theory/model.md\n"
            "url https://example.org/work/x is fine\n"
            "the team's shared/STYLE.md\n")
    problems = citation_problems(text)
    assert [line for line, _ in problems] == [1, 2, 4, 6]
    assert "docs/theory/model.md" in problems[2][1]


def test_citation_parsers_read_the_house_forms():
    text = ("Kühn 1987 and Cho & Saul 2009; Facco et al. 2017) or Hesterberg (2015).\n"
            "Python 3.11, 1987 alone, Levina–Bickel\n"
            "Bahri et al. Theorem 1 and Bahri et al.'s Eq. (5); Bahri et al. Theorems 2–3,\n"
            "Bahri et al. §1.4, Bahri et al. Eqs. (1)-(2)\n")
    assert cited_works(text) == [(1, "kuhn1987"), (1, "cho2009"), (1, "facco2017"),
                                 (1, "hesterberg2015")]
    assert cited_paper_results(text) == [(3, "Theorem 1"), (3, "Eq. (5)"), (3, "Theorems 2-3"),
                                         (4, "§1.4"), (4, "Eqs. (1)-(2)")]
    page = ("# R\n## Bahri et al.: the results the code cites\n\n| cited as | what |\n"
            "| --- | --- |\n| Theorem 1 | x |\n| Eq. (3) | y |\n\n## Other\n| Eq. (9) | z |\n"
            "(ref-kuhn1987)=\n**[kuhn1987]** T. Kühn.\n")
    assert listed_paper_results(page) == {"Theorem 1", "Eq. (3)"}
    assert listed_keys(page) == {"kuhn1987"}


def test_autodoc_targets_reads_members_options():
    page = ("```{eval-rst}\n.. automodule:: verify\n   :no-members:\n\n"
            ".. automodule:: verify.fit\n\n.. autofunction:: verify.compare.compare_values\n```\n")
    assert autodoc_targets(page) == [("module", "verify", False), ("module", "verify.fit", True),
                                     ("function", "verify.compare.compare_values", False)]


# ---------------------------------------------------------------------------------------
# (a) the theory never imports the laboratory
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sources("asymptotics"), ids=lambda p: module_name(p))
def test_asymptotics_module_never_imports_verify(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [f"line {line}: {module}" for line, module, _ in
           imported_modules(tree, module_name(path)) if module.split(".")[0] == "verify"]
    assert not bad, f"{path.relative_to(ROOT)} imports the laboratory: {bad}"


def test_importing_all_of_asymptotics_loads_no_verify_module():
    code = ("import importlib, pkgutil, sys\n"
            "import asymptotics\n"
            "for info in pkgutil.walk_packages(asymptotics.__path__, prefix='asymptotics.'):\n"
            "    importlib.import_module(info.name)\n"
            "loaded = sorted(m for m in sys.modules if m == 'verify' or m.startswith('verify.'))\n"
            "print(len([m for m in sys.modules if m.startswith('asymptotics')]))\n"
            "assert not loaded, loaded\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout.split()[-1]) >= 10   # the walk did import the package's modules


def test_verify_face_is_complete_and_lazy():
    """Every name of ``verify.__all__`` resolves to its subpackage's object; ``import verify``
    loads neither the simulator nor scipy nor matplotlib, and resolving every name (figures
    included) still loads no matplotlib: it is imported when a figure is drawn."""
    code = ("import sys, verify\n"
            "heavy = sorted(m for m in ('matplotlib', 'scipy', 'verify.simulator', 'verify.fit',"
            " 'verify.manifolds', 'verify.dimension', 'verify.output') if m in sys.modules)\n"
            "assert not heavy, heavy\n"
            "import verify.simulator, verify.fit\n"
            "assert verify.simulate_sweep is verify.simulator.simulate_sweep\n"
            "assert verify.fit_power_law is verify.fit.fit_power_law\n"
            "missing = [n for n in verify.__all__ if not hasattr(verify, n)]\n"
            "assert not missing, missing\n"
            "assert 'matplotlib' not in sys.modules, 'a face name imported matplotlib'\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    import verify

    assert sorted(verify.__all__) == sorted({"__version__", *verify._EXPORTS})
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        verify.nope  # noqa: B018


# ---------------------------------------------------------------------------------------
# (d) verify reaches asymptotics' private parts only through asymptotics._lib
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", sources("verify"), ids=lambda p: module_name(p))
def test_verify_imports_no_private_asymptotics_module_but_lib(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = []
    for line, module, names in imported_modules(tree, module_name(path)):
        reached = private_asymptotics_import(module, names)
        if reached:
            bad.append(f"line {line}: {reached}")
    assert not bad, f"{path.relative_to(ROOT)} reaches private asymptotics code: {bad}"


# ---------------------------------------------------------------------------------------
# (b) every public name is documented
# ---------------------------------------------------------------------------------------
def test_every_public_name_is_documented_in_the_api_pages():
    names = documented(_api_text())
    missing = []
    for module in public_modules():
        for name in getattr(importlib.import_module(module), "__all__", ()):
            if not is_documented(module, name, names):
                missing.append(f"{module}.{name}")
    assert not missing, ("public names that no autodoc directive of docs/api documents (add "
                         "their module with its members, or an auto* entry):\n"
                         + "\n".join(missing))


def test_every_face_opens_its_page_with_a_face_summary():
    faces = [m for m in public_modules()
             if (ROOT / Path(*m.split(".")) / "__init__.py").exists()
             and getattr(importlib.import_module(m), "__all__", None)]
    assert {"asymptotics", "verify", "verify.simulator"} <= set(faces)
    problems = []
    for face in faces:
        pages = [p for p in API.glob("*.md")
                 if face in _FACE_SUMMARY.findall(p.read_text(encoding="utf-8"))]
        if len(pages) != 1:
            problems.append(f"{face}: a face-summary on {len(pages)} pages (want 1)")
            continue
        text = pages[0].read_text(encoding="utf-8")
        first_auto = autodoc_targets(text)[0][1]
        if first_auto != face:
            problems.append(f"{face}: {pages[0].name} opens with {first_auto}, not the face")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------
# (c) citations resolve inside the project; nothing is unpickled, eval'd or exec'd
# ---------------------------------------------------------------------------------------
_ALL_SOURCES = [p for package in PACKAGES for p in sources(package)]


@pytest.mark.parametrize("path", _ALL_SOURCES, ids=lambda p: module_name(p))
def test_source_cites_only_what_the_repository_holds(path):
    problems = citation_problems(path.read_text(encoding="utf-8"))
    assert not problems, "\n".join(f"{path.relative_to(ROOT)}:{line}: {what}"
                                   for line, what in problems)


@pytest.mark.parametrize("path", _ALL_SOURCES, ids=lambda p: module_name(p))
def test_source_never_unpickles_evals_or_execs(path):
    found = unsafe_calls(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    assert not found, "\n".join(f"{path.relative_to(ROOT)}:{line}: {what}"
                                for line, what in found)


def test_every_work_the_code_cites_is_in_the_references():
    keys = listed_keys(REFERENCES.read_text(encoding="utf-8"))
    assert {"bahri2021", "kuhn1987"} <= keys
    missing = [f"{path.relative_to(ROOT)}:{line}: {key}" for path in _ALL_SOURCES
               for line, key in cited_works(path.read_text(encoding="utf-8")) if key not in keys]
    assert not missing, ("works cited without an entry in docs/references.md:\n"
                         + "\n".join(missing))


def test_every_result_of_the_paper_the_code_cites_is_listed():
    listed = listed_paper_results(REFERENCES.read_text(encoding="utf-8"))
    assert {"Theorem 1", "Eq. (3)", "Eq. (5)"} <= listed
    missing = [f"{path.relative_to(ROOT)}:{line}: Bahri et al. {result}"
               for path in _ALL_SOURCES
               for line, result in cited_paper_results(path.read_text(encoding="utf-8"))
               if result not in listed]
    assert not missing, ("results of Bahri et al. cited but not in the table of "
                         "docs/references.md (cite a theorem or an equation of the paper, or a "
                         "docs equation label):\n" + "\n".join(missing))
