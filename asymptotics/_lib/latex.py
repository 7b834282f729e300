"""LaTeX escaping shared by the theory and the laboratory: the one escaper of the project.

:func:`latex_escape` turns free text (a scenario name, a regime, a derivation's condition
or source) into LaTeX that ``pdflatex`` typesets in text mode, or inside ``\\text{...}`` in
math, with no package beyond the defaults: the ten specials are escaped, the Unicode math
symbols the project writes (``α``, ``≈``, ``≫``, ...) become ``\\ensuremath{...}``, dashes
become ``--``/``---``, accented Latin letters (``Matérn``, ``Kühn``, ``Hölder``) become accent
commands, and any other non-ASCII character is refused with a ``ValueError``. One pass over
the characters, so a replacement is never escaped again.

:func:`latex_name` renders a quantity name such as ``alpha_K`` as ``\\alpha_{K}``.

Used by :meth:`asymptotics.derivation.Derivation.latex`, ``python -m asymptotics exponents
--latex`` and :mod:`verify.output.tables` (which re-exports ``latex_escape``).
"""

from __future__ import annotations

import unicodedata

__all__ = ["derivation_table", "latex_escape", "latex_name"]

_MATH_SYMBOLS = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa",
                 "λ": "lambda", "σ": "sigma", "ω": "omega", "≈": "approx", "≤": "le", "≥": "ge",
                 "×": "times", "±": "pm", "→": "to", "∞": "infty", "≫": "gg", "≪": "ll"}
_UNICODE_TO_LATEX = {ch: f"\\ensuremath{{\\{name}}}" for ch, name in _MATH_SYMBOLS.items()}
_UNICODE_TO_LATEX.update({"−": "-", "–": "--", "—": "---", "§": r"\S{}"})
# accented Latin letters of the names the project writes (Matérn, Kühn, Hölder, ...):
# the precomposed letter -> accent command on its base letter (text mode and \text{...})
_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0308": '"', "\u0302": "^", "\u0303": "~",
            "\u0327": "c"}
_UNICODE_TO_LATEX.update({
    unicodedata.normalize("NFC", base + mark): f"\\{cmd}{{{base}}}"
    for base in "aeiouyAEIOUYcnCN" for mark, cmd in _ACCENTS.items()
    if len(unicodedata.normalize("NFC", base + mark)) == 1})
_LATEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                   "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}
_GREEK_NAMES = {"alpha": r"\alpha", "beta": r"\beta", "lambda": r"\lambda"}


def latex_escape(text: str) -> str:
    r"""Escape LaTeX specials and map common Unicode symbols; other non-ASCII is refused.

    Non-printable ASCII characters (tab, newline, ...) become a space.

    Raises
    ------
    TypeError
        If ``text`` is not a string.
    ValueError
        For a character that pdflatex cannot typeset without extra packages.

    Examples
    --------
    >>> print(latex_escape("a_b & 50% ≈ Matérn"))
    a\_b \& 50\% \ensuremath{\approx} Mat\'{e}rn
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a string; got {text!r} ({type(text).__name__})")
    out = []
    for ch in text:
        if ch in _LATEX_SPECIALS:
            out.append(_LATEX_SPECIALS[ch])
        elif ch in _UNICODE_TO_LATEX:
            out.append(_UNICODE_TO_LATEX[ch])
        elif ord(ch) < 128:
            out.append(ch if ch.isprintable() else " ")
        else:
            raise ValueError(f"`text` contains {ch!r} (U+{ord(ch):04X}), which has no LaTeX "
                             f"mapping here; got {text!r}")
    return "".join(out)


def latex_name(quantity: str) -> str:
    """A quantity name as LaTeX math: ``alpha_K -> \\alpha_{K}``, ``tail -> tail``.

    The part after the first underscore becomes the subscript (escaped); a Greek head
    (``alpha``, ``beta``, ``lambda``) becomes its command.
    """
    if not isinstance(quantity, str):
        raise TypeError(f"`quantity` must be a string; got {quantity!r} "
                        f"({type(quantity).__name__})")
    if "_" in quantity:
        head, tail = quantity.split("_", 1)
        return f"{_GREEK_NAMES.get(head, latex_escape(head))}_{{{latex_escape(tail)}}}"
    return latex_escape(quantity)


def derivation_table(rows: list) -> str:
    """A booktabs table of ``(context, Derivation)`` rows (``python -m asymptotics exponents --latex``)."""
    import sympy as sp

    lines = [r"\begin{tabular}{llllll}", r"\toprule",
             r"Quantity & Regime & Context & Exponent & Holds & Source \\", r"\midrule"]
    for context, der in rows:
        lines.append(f"${latex_name(der.quantity)}$ & {latex_escape(der.regime)} & "
                     f"{latex_escape(context)} & ${sp.latex(der.exponent)}$ & "
                     f"{'yes' if der.holds else 'no'} & {latex_escape(der.source)} \\\\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)
