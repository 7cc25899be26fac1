"""Integrity of the per-language lexicons: they load, compile, and speak the codebook's vocabulary."""
import tomllib
from importlib import resources

import pytest

from placard.errors import ConfigError
from placard.lexicon import available_languages, build_lexicon, load_lexicon
from placard.records import FORMS, GROUPS, ISSUES, RESPONSES


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_lexicon_loads_and_covers_every_form_and_response(lang):
    lexicon = load_lexicon(lang)
    assert lexicon.lang == lang
    forms = {rule.form for rule in lexicon.triggers}
    assert {"rally", "picket", "strike", "hunger-strike", "sit-in", "blockade", "riot"} <= forms
    assert set(lexicon.responses) <= set(RESPONSES)
    assert {"detained", "dispersed", "sentenced", "warning"} <= set(lexicon.responses)
    assert set(lexicon.issues) <= set(ISSUES) and set(lexicon.groups) <= set(GROUPS)
    assert lexicon.vague, "the codebook's vague crowd words must be there"


def test_lexicon_files_are_all_listed():
    assert {"en", "ru", "kk"} <= set(available_languages())


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_lexicon_vague_sizes_are_ordered(lang):
    data = tomllib.loads((resources.files("placard") / "lexicons" / f"{lang}.toml").read_text("utf-8"))
    for words, (low, high) in data["vague"].items():
        assert low == -1 or high == -1 or low <= high, words


def test_lexicon_rejects_a_form_outside_the_codebook():
    with pytest.raises(ConfigError, match="not a codebook form"):
        build_lexicon({"lang": "xx", "trigger": [{"form": "party", "patterns": ["fiesta"]}]})


def test_lexicon_rejects_a_pattern_that_does_not_compile():
    with pytest.raises(ConfigError, match="bad pattern"):
        build_lexicon({"lang": "xx", "trigger": [{"form": "rally", "patterns": ["rall(y"]}]})


def test_lexicon_rejects_an_issue_outside_the_codebook():
    with pytest.raises(ConfigError, match="not in the codebook"):
        build_lexicon({"lang": "xx", "issues": {"taxes": ["tax"]}})


def test_lexicon_unknown_language_is_a_config_error():
    with pytest.raises(ConfigError):
        load_lexicon("zz")


@pytest.mark.parametrize("lang,form,word", [
    ("en", "rally", "rallied"), ("en", "strike", "walked off the job"), ("en", "hunger-strike", "hunger strike"),
    ("ru", "rally", "митингующие"), ("ru", "strike", "забастовку"), ("ru", "hunger-strike", "объявили голодовку"),
    ("ru", "picket", "вышли на пикет"), ("kk", "strike", "ереуілге"), ("kk", "hunger-strike", "аштық жариялады"),
    ("kk", "rally", "наразылық акциясы"), ("kk", "rally", "митингке"),
])
def test_lexicon_triggers_match_inflected_words(lang, form, word):
    lexicon = load_lexicon(lang)
    assert any(rule.form == form and rule.regex.search(word) for rule in lexicon.triggers)
