"""Turn the LaTeX in scraped titles, abstracts and author names into readable text.

Only spans that really are LaTeX are converted, each on its own, by
pylatexenc: math between ``$...$``, ``$$...$$`` or ``\\(...\\)``, macros
pylatexenc knows (``\\emph{x}``, ``\\alpha``, ``\\'e``), braced accents
(``M{\\"u}ller``), escaped specials (``\\%``, ``\\&``) and the dashes
``--``/``---`` between digits or spaces. Everything between the spans is
left exactly as it was, so plain text ("costs $5 and $10", "5% faster",
"C#", a path "C:\\Users", a URL with "~" or "_") comes back unchanged.

Subscripts and superscripts in math become Unicode when every character of
them has a Unicode form (``$\\pi_0$`` -> "π₀", ``$O(n^2)$`` -> "O(n²)",
``H$_2$O`` -> "H₂O"): NFKC folds them back to plain digits, so slugs
(``pi0-...``), title keys and mentions read them as "π0", "H2O". Others
stay written with ``_``/``^`` ("x_q", "2^(q+1)").
"""

from __future__ import annotations

import functools
import re

from pylatexenc.latex2text import LatexNodes2Text, get_default_latex_context_db

from .text import clean_text

_SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvxβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
_SUPERSCRIPTS = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθιφχ",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᶥᵠᵡ",
    )
)

# What an accent sits on: a letter, a dotless i or j ("\'{\\i}", as BibTeX spells
# "Martín"), or a letter with an accent of its own ("\~{\^e}", Vietnamese "ễ").
# Only a braced one may carry an accent: pylatexenc reads "\~\^e" awry.
_LETTER_ARG = r"(?:[A-Za-z]|\\[ij](?![A-Za-z]))"
_ACCENTED = r"(?:" + _LETTER_ARG + r"|\\['`^\"~=.](?:\{" + _LETTER_ARG + r"\}|" + _LETTER_ARG + r"))"
# A macro name, an accent ("\'e", "\"{u}") or an escaped special character.
_MACRO = r"\\(?:[A-Za-z]+\*?|['`^\"~=.](?:\{" + _ACCENTED + r"?\}|" + _LETTER_ARG + r")|[%&#_$])"
# One braced argument, with at most two levels of nested braces inside.
_GROUP = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"
_SPAN = re.compile(
    r"(?P<display>\$\$(?P<dbody>[^$]+)\$\$)"
    r"|(?P<inline>(?<![\\$])\$(?P<ibody>[^$\s](?:[^$]*[^$\s\\])?)\$)"
    # No "\(" inside: a search from each "\(" then stops at the next, so a run of them stays linear.
    r"|(?P<paren>\\\((?P<pbody>(?:[^\\\n]|\\(?!\())+?)\\\))"
    r"|(?P<accent>\{" + _MACRO + r"[A-Za-z]*\})"
    r"|(?P<macro>" + _MACRO + r"(?:\s*" + _GROUP + r")*)"
    r"|(?P<dash>(?<=[\d ])---?(?=[\d ]))"
)
# Math between single dollars must look like math: a TeX character, or a
# short run of letters, digits and operators ("$n$", "$O(n)$", "$k=5$", "$>$")
# with a letter or nothing but operators. "$5 and $10" is none of these (and
# its body ends in a space), so a price pair is never read as math.
_MATH_LOOK = re.compile(r"[\\^_{}]|^[A-Za-z0-9.,+\-*/=<>()|:' ]{1,24}$")
_LETTER = re.compile(r"[A-Za-z]")
_NOT_OPERATOR = re.compile(r"[^<>=+\-*/|~:]")
_SCRIPT = re.compile(r"(?P<mark>[_^])\s*(?:\{(?P<group>[^{}]*)\}|(?P<macro>\\[A-Za-z]+)|(?P<char>[A-Za-z0-9*']))")
# Quick test: text with none of these has no LaTeX (most abstracts).
_MARKERS = re.compile(r"[$\\]|[\d ]--")


@functools.cache
def _known_macros() -> frozenset[str]:
    """Return the names of the macros pylatexenc converts to text (the rest are left as written)."""
    return frozenset(spec.macroname for spec in get_default_latex_context_db().iter_macro_specs())


@functools.cache
def _converter() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def has_latex(text: str) -> bool:
    """Tell text that holds a LaTeX span latex_to_text would convert."""
    return bool(_MARKERS.search(text)) and any(_convertible(match) for match in _SPAN.finditer(text))


def readable_text(text: str) -> str:
    """Return scraped text cleaned (see clean_text) with its LaTeX made readable (see latex_to_text)."""
    text = clean_text(text)
    converted = latex_to_text(text)
    # pylatexenc may leave runs of spaces where a macro was.
    return text if converted is text else clean_text(converted)


def latex_to_text(text: str) -> str:
    """Return text with its LaTeX spans turned into readable text; anything else is kept as written."""
    if not _MARKERS.search(text):
        return text
    return _SPAN.sub(_replace, text)


def _convertible(match: re.Match[str]) -> bool:
    if match["inline"] is not None:
        body = match["ibody"]
        return bool(_MATH_LOOK.search(body)) and (
            bool(_LETTER.search(body)) or any(c in body for c in "\\^_{}") or not _NOT_OPERATOR.search(body)
        )
    macro = match["macro"]
    if macro is not None and macro[1:2].isalpha():
        name = re.match(r"\\([A-Za-z]+)", macro)
        # A one-letter macro (an accent such as \u, \v, \c) only with its braced
        # argument: "\u" alone is a stray backslash ("C:\u", "\n"), not an accent.
        braced = macro.rstrip().endswith("}")
        return name is not None and name[1] in _known_macros() and (len(name[1]) > 1 or braced)
    return True


def _replace(match: re.Match[str]) -> str:
    if not _convertible(match):
        return match[0]
    if match["dash"] is not None:
        return "\u2014" if match["dash"] == "---" else "\u2013"
    body = match["dbody"] or match["ibody"] or match["pbody"]
    if body is not None:
        return _math(body, match[0])
    return _convert(match[0], match[0])


def _math(body: str, written: str) -> str:
    """Convert the inside of a math span: scripts to Unicode, then the rest by pylatexenc."""
    return _convert(_SCRIPT.sub(_script, body), written)


def _script(match: re.Match[str]) -> str:
    """Write one sub- or superscript in Unicode, or plainly when a character has no Unicode form."""
    inner = match["group"] if match["group"] is not None else match["macro"] or match["char"]
    text = _convert(inner, inner).strip() if "\\" in inner or "{" in inner else inner.strip()
    table = _SUBSCRIPTS if match["mark"] == "_" else _SUPERSCRIPTS
    if text and all(char in table for char in text.replace(" ", "")):
        return "".join(table[char] for char in text.replace(" ", ""))
    if not text:
        return ""
    if text in ("*", "'", "\u2032"):
        return "*" if text == "*" else "\u2032"
    shown = text if len(text) == 1 else f"({text})"
    # Protect the mark from pylatexenc: "_" and "^" stay as written.
    return ("_" if match["mark"] == "_" else "^") + shown.replace("\\", "")


# Abstracts repeat the same few spans ("\\%", "$\\times$", "$O(n)$"): each is parsed once.
@functools.lru_cache(maxsize=8192)
def _convert(latex: str, written: str) -> str:
    """Return pylatexenc's text for a span, or the span as written when pylatexenc cannot read it."""
    if len(latex) == 2 and latex[0] == "\\" and latex[1] in "%&#_$":
        return latex[1]
    try:
        # Not tolerant: pylatexenc would guess at broken LaTeX ("$\\frac{1}{$" as "1/").
        text = _converter().latex_to_text(latex, tolerant_parsing=False)
    except Exception:  # noqa: BLE001 - broken LaTeX in scraped text stays as it was written
        return written
    text = " ".join(text.split())
    # A span that converts to nothing (an unknown or empty construct) keeps its letters.
    return text if text or not written.strip() else written
