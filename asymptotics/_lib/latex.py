"""LaTeX escaping shared by the theory and the laboratory: the one escaper of the project.

:func:`latex_escape` turns free text (a scenario name, a regime, a derivation's condition
or source) into LaTeX that ``pdflatex`` typesets in text mode, or inside ``\\text{...}`` in
math, with no package beyond the defaults: the ten specials and | < > are escaped, the Unicode math
symbols the project writes (``α``, ``≈``, ``≫``, ...) become ``\\ensuremath{...}``, dashes
become ``--``/``---``, accented Latin letters (``Matérn``, ``Kühn``, ``Hölder``) become accent
commands, and any other non-ASCII character is refused with a ``ValueError``. One pass over
the characters, so a replacement is never escaped again.

:func:`latex_name` renders a quantity name such as ``alpha_K`` as ``\\alpha_{K}``.

Used by :meth:`asymptotics.derivation.Derivation.latex`, ``python -m asymptotics exponents
--latex`` and :mod:`verify.output.tables` (which re-exports ``latex_escape``).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["derivation_table", "latex_escape", "latex_name", "split_source"]

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
                   "^": r"\textasciicircum{}",
                   # OT1 text fonts set these as an em dash and inverted marks
                   "|": r"\textbar{}", "<": r"\textless{}", ">": r"\textgreater{}"}
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


#: The theory pages of the documentation a derivation's source may cite: file stem ->
#: (the page's title, the prefix of its equation labels).
_DOCS_PAGES = {"regimes": "The four regimes", "learning_curves": "Learning curves",
               "kernel_spectra": "Kernel spectra", "tails": "Spectral tails",
               "dynamics": "Training time and compute"}
_PAPER = "Bahri et al."
_DOCS_REF = re.compile(r"docs/(?:theory/)?([a-z_]+)\.md\s*(.*)")
_PATH = re.compile(r"\S+/\S+\.(?:md|py)\b")
_ABBREVIATIONS = (("Theorems", "Thms."), ("Theorem", "Thm."), ("Equation", "Eq."),
                  ("Section", "Sec."), ("Figure", "Fig."))


def split_source(source: str) -> tuple[str, str, tuple[str, ...]]:
    r"""A derivation's source as (paper part, docs labels, docs pages cited).

    ``"Bahri et al. Theorem 1; docs/theory/regimes.md (RG.1)-(RG.3)"`` becomes
    ``("Thm. 1", "(RG.1)-(RG.3)", ("regimes",))``: the paper's theorem or equation with the
    common words abbreviated, and the equation labels without the repository path (any
    other path-like token is dropped too). Parts that are neither are kept in the paper part.
    """
    if not isinstance(source, str):
        raise TypeError(f"`source` must be a string; got {source!r}")
    paper, docs, pages = [], [], []
    for part in (p.strip() for p in source.split(";")):
        match = _DOCS_REF.match(part)
        if match:
            pages.append(match.group(1))
            if match.group(2):
                docs.append(match.group(2))
            continue
        if part.startswith(_PAPER):
            part = part[len(_PAPER):].strip()
        for word, short in _ABBREVIATIONS:
            part = part.replace(word, short)
        part = " ".join(_PATH.sub("", part).split())
        if part:
            paper.append(part)
    return "; ".join(paper), ", ".join(docs), tuple(dict.fromkeys(pages))


def derivation_table(rows: list) -> str:
    r"""A booktabs ``table`` of ``(context, Derivation)`` rows (``python -m asymptotics
    exponents --latex``): a heading row per regime, the quantity, its context, the
    exponent, whether it holds, the paper's theorem or equation and the documentation's
    equation labels, with a caption naming the paper and the documentation pages cited.
    Needs ``booktabs`` and ``array`` (both in every TeX distribution); it fits the text
    width of a one-column article in ``\small``.
    """
    import sympy as sp

    if not isinstance(rows, list | tuple):
        raise TypeError(f"`rows` must be a list of (context, Derivation); got "
                        f"{type(rows).__name__}")
    regimes = list(dict.fromkeys(der.regime for _, der in rows))
    pages: dict[str, None] = {}
    body = []
    for regime in regimes:
        if len(body):
            body.append(r"\addlinespace[2pt]")
        body.append(rf"\multicolumn{{5}}{{@{{}}l}}{{\emph{{{_capitalize(latex_escape(regime))}}}}} \\")
        for context, der in rows:
            if der.regime != regime:
                continue
            paper, docs, cited = split_source(der.source)
            pages.update(dict.fromkeys(cited))
            body.append(f"\\hspace{{0.5em}}${latex_name(der.quantity)} = {sp.latex(der.exponent)}$ & "
                        f"{latex_escape(context)} & "
                        f"{'yes' if der.holds else 'no'} & {latex_escape(paper) or '--'} & "
                        f"{latex_escape(docs).replace(')-(', ')--(') or '--'} \\\\")
    cited_pages = ", ".join(f"\\emph{{{latex_escape(_DOCS_PAGES.get(p, p.replace('_', ' ')))}}}"
                            for p in pages)
    caption = (f"Scaling exponents derived by the toolkit, {len(rows)} "
               f"derivation{'s' if len(rows) != 1 else ''}. Paper: the theorem or equation "
               f"of Bahri et al., \\emph{{Explaining Neural Scaling Laws}} (arXiv:2102.06701). "
               f"Docs: the equation labels of the toolkit's documentation"
               + (f" (pages {cited_pages})" if cited_pages else "") + ".")
    lines = [r"% generated by asymptotics._lib.latex.derivation_table; needs booktabs, array",
             r"\begin{table}[tbp]", r"\centering\small", rf"\caption{{{caption}}}",
             r"\setlength{\tabcolsep}{3pt}",
             r"\begin{tabular}{@{}l>{\raggedright\arraybackslash}p{0.28\linewidth}l"
             r">{\raggedright\arraybackslash}p{0.25\linewidth}l@{}}",
             r"\toprule",
             r"Exponent & Context & Holds & Paper & Docs \\", r"\midrule",
             *body, r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines)


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]
