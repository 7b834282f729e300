"""The one LaTeX escaper (asymptotics._lib.latex), used by Derivation.latex, exponents --latex
and verify.output.tables."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from asymptotics._lib.latex import latex_escape, latex_name

SPECIALS = "\\&%$#_{}~^|<>"


def test_every_special_is_escaped():
    assert latex_escape("a_b & 50% $x# {y}") == r"a\_b \& 50\% \$x\# \{y\}"
    assert latex_escape("~^\\") == r"\textasciitilde{}\textasciicircum{}\textbackslash{}"
    # one pass: the backslash of a replacement is never escaped again
    assert latex_escape("\\&") == r"\textbackslash{}\&"
    # OT1 sets a bare | < > as an em dash and inverted marks (seen in the report's notes)
    assert latex_escape("E|x| < 2 > 1") == (r"E\textbar{}x\textbar{} \textless{} 2 "
                                             r"\textgreater{} 1")


def test_unicode_math_symbols_dashes_and_accents():
    assert latex_escape("P≫D, α≈0.5") == r"P\ensuremath{\gg}D, \ensuremath{\alpha}\ensuremath{\approx}0.5"
    assert latex_escape("Funk–Hecke — x−y") == "Funk--Hecke --- x-y"
    assert latex_escape("Matérn, Kühn, Hölder, Cho & Saul") == \
        r"Mat\'{e}rn, K\"{u}hn, H\"{o}lder, Cho \& Saul"
    assert latex_escape("§1") == r"\S{}1"
    assert latex_escape("tab\there\n") == "tab here "


@pytest.mark.parametrize("bad", ["snow ☃", "中", "\u0301", "𝛼"])
def test_unmapped_non_ascii_is_refused_with_a_named_parameter(bad):
    with pytest.raises(ValueError, match=r"`text` contains .* no LaTeX mapping"):
        latex_escape(bad)


def test_non_string_is_a_type_error():
    with pytest.raises(TypeError, match="`text` must be a string"):
        latex_escape(1.5)


def test_latex_name():
    assert latex_name("alpha_K") == r"\alpha_{K}"
    assert latex_name("alpha_D") == r"\alpha_{D}"
    assert latex_name("tail") == "tail"
    assert latex_name("sigma2_x_y") == r"sigma2_{x\_y}"


def test_tables_reexports_the_same_function():
    from verify.output import tables

    assert tables.latex_escape is latex_escape


def _unescape(tex: str) -> str:
    """Invert latex_escape on ASCII text (an independent reading of the output)."""
    table = {r"\textbackslash{}": "\\", r"\textasciitilde{}": "~", r"\textasciicircum{}": "^",
             r"\textbar{}": "|", r"\textless{}": "<", r"\textgreater{}": ">",
             r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_", r"\{": "{", r"\}": "}"}
    pattern = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.sub(pattern, lambda m: table[m.group(0)], tex)


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)))
def test_printable_ascii_round_trips_and_leaves_no_bare_special(text):
    tex = latex_escape(text)
    assert _unescape(tex) == text
    # no special survives unescaped: every one is part of an escape sequence
    stripped = re.sub(r"\\text(backslash|asciitilde|asciicircum|bar|less|greater)\{\}"
                      r"|\\[&%$#_{}]", "", tex)
    assert not set(stripped) & set(SPECIALS)


def test_split_source_keeps_the_theorem_and_the_labels_not_the_paths():
    from asymptotics._lib.latex import split_source

    assert split_source("Bahri et al. Theorem 1; docs/theory/regimes.md (RG.1)-(RG.3)") == \
        ("Thm. 1", "(RG.1)-(RG.3)", ("regimes",))
    assert split_source("Bahri et al. Eq. (3); docs/theory/learning_curves.md (LC.8)") == \
        ("Eq. (3)", "(LC.8)", ("learning_curves",))
    assert split_source("see asymptotics/rf/laws.py and Figure 2") == ("see and Fig. 2", "", ())


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
def test_derivation_table_compiles_within_the_text_width_and_cites_no_path(tmp_path, capsys):
    from asymptotics.__main__ import main
    assert main(["exponents", "--b", "2", "--d", "3", "--latex"]) == 0
    tex = capsys.readouterr().out
    assert "docs/" not in tex and ".md" not in tex and ".py" not in tex
    assert "Thm. 1" in tex and "(RG.1)--(RG.3)" in tex and "arXiv:2102.06701" in tex
    assert "\\emph{Resolution-limited (parameters)}" in tex
    start, stop = tex.index("\\begin{tabular}"), tex.index("\\end{tabular}")
    (tmp_path / "table.tex").write_text(tex, encoding="ascii")
    (tmp_path / "main.tex").write_text(
        "\\documentclass{article}\\usepackage{booktabs,array}\\newsavebox\\tablebox\n"
        "\\begin{document}\\sbox\\tablebox{\\small\\setlength{\\tabcolsep}{3pt}"
        + tex[start: stop + len("\\end{tabular}")] + "}\\typeout{TABLEWIDTH=\\the\\wd\\tablebox}"
        "\\typeout{TEXTWIDTH=\\the\\textwidth}\n\\input{table}\\end{document}\n", encoding="ascii")
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
    log = (tmp_path / "main.log").read_text(errors="replace")
    assert "Overfull" not in log
    width = float(re.search(r"TABLEWIDTH=([0-9.]+)pt", log).group(1))
    text = float(re.search(r"TEXTWIDTH=([0-9.]+)pt", log).group(1))
    assert text == 345.0 and 200 < width <= text, (width, text)   # article, 10pt, portrait
