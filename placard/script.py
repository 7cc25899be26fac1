"""Kazakh in Latin letters: folding text and widening Cyrillic patterns.

Kazakh is written in Cyrillic and in several Latin alphabets (2021: qañtar,
şılde; Turkish-style: aqpannıñ; older digraphs: sh, gh, ú, ý). Rather than
guess the alphabet of a page, we fold the text (lower case, Latin diacritics
dropped, same length so offsets hold) and widen each Cyrillic letter of a
pattern into its folded Latin spellings (lexicons/latin.kk.toml).
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources

from placard.errors import ConfigError

_DIACRITICS = {
    "äáàâǎ": "a", "öóôő": "o", "üúūùûýů": "u", "ıíìîï": "i", "ğǧǵġ": "g", "ñŋńň": "n",
    "şșśš": "s", "çčć": "c", "žź": "z", "é": "e", "ё": "е", "\u00a0\u202f": " ",
}
_FOLD_TABLE = str.maketrans({c: to for chars, to in _DIACRITICS.items() for c in chars})
_NEEDS_FOLD = re.compile("[" + "".join(_DIACRITICS) + "]")


def fold(text: str) -> str:
    """Lower case with Latin diacritics folded; always the same length as ``text``."""
    if "\u0130" in text:  # the only letter whose lower case is two characters
        text = text.replace("\u0130", "I")
    low = text.lower()
    return low.translate(_FOLD_TABLE) if _NEEDS_FOLD.search(low) else low



@lru_cache(maxsize=1)
def kazakh_latin() -> dict:
    """Cyrillic letter -> its folded Latin spellings."""
    try:
        text = resources.files("placard.lexicons").joinpath("latin.kk.toml").read_text("utf-8")
        return tomllib.loads(text)["latin"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Kazakh Latin table cannot be read: {exc}") from exc


_PATTERN_PIECE = re.compile(r"\\.|\[(?:\\.|[^\]])*\]|.", re.S)  # an escape, a [class] or one character


def widen(pattern: str, latin: dict) -> str:
    """Let each Cyrillic letter of ``pattern`` also match its Latin spellings."""

    def one(piece: re.Match) -> str:
        text = piece.group()
        if text.startswith("[") and any(char in latin for char in text):
            raise ConfigError(f"write ({text[1:-1]}) as an alternation, not a [class], in {pattern!r}")
        if text not in latin:
            return text
        spellings = [text] + list(latin[text])
        singles = "".join(s for s in spellings if len(s) == 1)
        longer = sorted((s for s in spellings if len(s) > 1), key=len, reverse=True)
        piece_re = "|".join(longer + [f"[{singles}]" if len(singles) > 1 else singles])
        return f"(?:{piece_re})" + ("?" if "" in spellings else "")

    return _PATTERN_PIECE.sub(one, pattern)


