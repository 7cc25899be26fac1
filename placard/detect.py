"""Detect protest-event triggers: words that report a protest action.

A trigger is dropped when a "not a protest" phrase overlaps it ("lodged a
protest", "air strike", "protest note"): those are the false positives that
make machine-coded feeds noisy.
"""
from __future__ import annotations

from placard.language import matching_text
from placard.lexicon import Lexicon, load_lexicon
from placard.errors import ConfigError
from placard.records import Article, Trigger


def lexicon_for(lang: str | None) -> Lexicon | None:
    """The lexicon of ``lang``, or None for languages we do not read."""
    if not lang:
        return None
    try:
        return load_lexicon(lang)
    except ConfigError:
        return None


def find_triggers(text: str, sentences, lexicon: Lexicon) -> list[Trigger]:
    triggers: list[Trigger] = []
    for index, sentence in enumerate(sentences):
        segment = text[sentence.start:sentence.end]
        blocked = [m.span() for m in lexicon.not_protest.finditer(segment)] if lexicon.not_protest else []
        found: list[Trigger] = []
        for rule in lexicon.triggers:
            for match in rule.regex.finditer(segment):
                start, end = match.span()
                if any(start < b_end and b_start < end for b_start, b_end in blocked):
                    continue
                found.append(Trigger(sentence.start + start, sentence.start + end, rule.form, index,
                                     rule.strength, rule.generic))
        # Overlapping matches ("hunger strike" and "strike"): keep the longest.
        found.sort(key=lambda t: (t.start, -(t.end - t.start)))
        kept: list[Trigger] = []
        for trigger in found:
            if kept and trigger.start < kept[-1].end:
                continue
            kept.append(trigger)
        triggers.extend(kept)
    return triggers


class DetectStage:
    name = "detect"

    def __call__(self, article: Article) -> Article:
        lexicon = lexicon_for(article.lang)
        if lexicon is None:
            return article.evolve(triggers=())
        text = matching_text(article.text, article.lang)
        return article.evolve(triggers=tuple(find_triggers(text, article.sentences, lexicon)))
