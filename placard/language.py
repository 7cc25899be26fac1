"""Language identification: en, ru, kk (Cyrillic or 2021 Latin script), or "other".

py3langid restricted to our three languages does most of the work; Kazakh
letters decide between Russian and Kazakh because a short Kazakh headline
often scores as Russian, and Latin-script Kazakh scores as English.
"""
from __future__ import annotations

import re

from placard.records import Article, LANGUAGES
from placard.script import fold

KAZAKH_CYRILLIC = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
KAZAKH_LATIN = set("äğıñöşüūǧŋúýóáǵńÄĞÑÖŞÜŪǦŊÚÝÓÁ")  # every Latin Kazakh alphabet in use
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
SAMPLE_CHARS = 5000  # enough to decide; keeps long pages cheap


class LanguageIdentifier:
    """Decides the language of a text; built once (the model loads in ~0.1 s)."""

    def __init__(self) -> None:
        self._model = None

    def _langid(self):
        if self._model is None:
            from py3langid import langid

            model = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
            model.set_languages(list(LANGUAGES))
            self._model = model
        return self._model

    def identify(self, text: str) -> str:
        sample = text[:SAMPLE_CHARS]
        cyrillic = len(CYRILLIC.findall(sample))
        latin = len(LATIN.findall(sample))
        if cyrillic + latin < 3:
            return "other"
        if cyrillic >= latin:
            kazakh_letters = sum(1 for ch in sample if ch in KAZAKH_CYRILLIC)
            # Kazakh prose has one of its own letters every ~15 characters;
            # a Russian page quoting a Kazakh name has a handful.
            if kazakh_letters >= max(3, cyrillic * 0.02):
                return "kk"
            lang, _ = self._langid().classify(sample)
            return "kk" if lang == "kk" and kazakh_letters else "ru"
        kazakh_latin = sum(1 for ch in sample if ch in KAZAKH_LATIN)
        if kazakh_latin >= max(3, latin * 0.02):
            return "kk"
        lang, prob = self._langid().classify(sample)
        if lang == "en" and prob > 0.5:
            return "en"
        return "other"

    def __getstate__(self):  # the model is rebuilt lazily after unpickling
        return {}

    def __setstate__(self, state):
        self._model = None


def is_latin_kazakh(text: str) -> bool:
    sample = text[:SAMPLE_CHARS]
    return len(CYRILLIC.findall(sample)) < len(LATIN.findall(sample)) and sum(
        1 for ch in sample if ch in KAZAKH_LATIN
    ) >= 3


class LanguageStage:
    """Sets ``article.lang``: the document's own ``lang`` wins when it is one of ours."""

    name = "language"

    def __init__(self, identifier: LanguageIdentifier | None = None):
        self.identifier = identifier or LanguageIdentifier()

    def __call__(self, article: Article) -> Article:
        declared = (article.doc.lang or "").lower() or None
        if declared in LANGUAGES:
            return article.evolve(lang=declared)
        if declared:
            return article.evolve(lang="other")  # declared, but not a language we read
        return article.evolve(lang=self.identifier.identify(article.text))


def matching_text(text: str, lang: str | None) -> str:
    """The text the lexicons match against: Kazakh is folded (lower case, Latin diacritics
    dropped, same length) so that its widened patterns read every alphabet."""
    if lang == "kk":
        return fold(text)
    return text
