"""The scorer (codebook section 4) on small records written for these tests."""
from __future__ import annotations

import json
import sys

import pytest

from placard import scoring
from placard.errors import InputError


def ev(form="rally", status="occurred", date=None, city=None, size_min=None, size_max=None,
       issues=(), responses=(), targets=(), evidence=()):
    """A codebook record with only what the scorer reads filled in."""
    return {
        "form": form, "status": status, "date": date, "end_date": None,
        "location": {"country": None, "admin1": None, "city": city, "site": None,
                     "lat": None, "lon": None, "geonames_id": None},
        "participants": {"text": None, "groups": [], "size_min": size_min, "size_max": size_max},
        "organizers": [],
        "claims": [{"text": "x", "issues": list(issues)}] if issues else [],
        "targets": list(targets),
        "responses": [{"type": t, "count": None} for t in responses],
        "evidence": list(evidence),
    }


def fold_only(name):
    return scoring.simple_city_fold(name)


def run(gold, system, langs=None, city_key=fold_only):
    return scoring.score(gold, system, langs, city_key=city_key)


def fig(report, name, lang="all"):
    return report.tallies[lang].to_dict()[name]


@pytest.mark.parametrize("a, b, agree", [
    ("2019-06", "2019-06-03", True),
    ("XXXX-06-03", "2019-06-03", True),
    ("2019", "2019-06-03", True),
    ("2019-06-03", "2019-06-03", True),
    ("XXXX-06-03", "XXXX-06-03", True),
    ("2019-06-04", "2019-06-03", False),
    ("XXXX-06-04", "2019-06-03", False),
    ("2018", "2019-06-03", False),
    ("2019-07", "2019-06-03", False),
    ("XXXX-07-03", "2019-06", False),
    ("XXXX-06-03", "2019", True),  # no part known on both sides: nothing disagrees
    ("early June", "early June", True),  # not a codebook date: only identical strings agree
    ("early June", "2019-06-03", False),
])
def test_scoring_dates_agree_at_common_precision(a, b, agree):
    assert scoring.dates_agree(a, b) is agree
    assert scoring.dates_agree(b, a) is agree


@pytest.mark.parametrize("gold, system, paired", [
    (ev("rally", date=None), ev("rally", date="2019-06-03"), True),
    (ev("rally", date="2019-06-03"), ev("rally", date=None), True),
    (ev("rally", date=None), ev("march", date="2019-06-03"), False),
    (ev("rally", date=None), ev("rally", date=None), True),
    (ev("picket", date=None), ev("rally", date=None), False),
    (ev("rally", date="2019-06"), ev("march", date="2019-06-03"), True),  # dated: form not needed
    (ev("rally", date="2019-06-04"), ev("rally", date="2019-06-03"), False),
])
def test_scoring_null_dates_need_the_same_form(gold, system, paired):
    report = run({"d": [gold]}, {"d": [system]})
    assert fig(report, "n_paired") == int(paired)


@pytest.mark.parametrize("gold_city, system_city, paired", [
    (None, None, True),
    (None, "Almaty", False),
    ("Almaty", None, False),
    ("Almaty", "almaty", True),
    ("Zhanaozen", "Zhana-Ozen", True),
    ("Niš", "Nis", True),
    ("Almaty", "Aktau", False),
    ("", None, True),  # an empty name is no name
])
def test_scoring_cities_compare_after_simple_fold(gold_city, system_city, paired):
    report = run({"d": [ev(date="2020-01-05", city=gold_city)]}, {"d": [ev(date="2020-01-05", city=system_city)]})
    assert fig(report, "n_paired") == int(paired)


def test_scoring_city_key_folds_renamings():
    renamed = {"nursultan": "astana", "akmola": "astana", "alma-ata": "almaty"}

    def key(name):
        folded = scoring.simple_city_fold(name)
        return renamed.get(folded, folded)

    gold = {"d": [ev(date="2019-06-03", city="Nur-Sultan")]}
    system = {"d": [ev(date="2019-06-03", city="Astana")]}
    assert fig(run(gold, system, city_key=key), "n_paired") == 1
    assert fig(run(gold, system, city_key=fold_only), "n_paired") == 0


def test_scoring_falls_back_to_simple_fold_without_gazetteer(monkeypatch):
    monkeypatch.setitem(sys.modules, "placard.places", None)  # makes the import fail
    assert scoring.default_city_key() is scoring.simple_city_fold


def test_scoring_pairs_best_first_not_in_document_order():
    # In document order gold 0 (month only) would take the one system event; the
    # exact-date gold event is the better pair and must win it.
    gold = {"d": [ev("rally", date="2021-03", city="Oral"), ev("rally", date="2021-03-08", city="Oral")]}
    system = {"d": [ev("rally", date="2021-03-08", city="Oral")]}
    report = run(gold, system)
    assert report.docs[0].pairs == ((1, 0),)
    assert fig(report, "date") == 1.0


def test_scoring_pairs_by_form_when_dates_tie():
    gold = {"d": [ev("rally", date="2021-03-08"), ev("march", date="2021-03-08")]}
    system = {"d": [ev("march", date="2021-03-08"), ev("rally", date="2021-03-08")]}
    report = run(gold, system)
    assert report.docs[0].pairs == ((0, 1), (1, 0))
    assert fig(report, "form") == 1.0


def test_scoring_pairs_by_evidence_when_all_else_ties():
    gold = {"d": [ev(date="2021-03-08", evidence=["Teachers gathered outside the school board."]),
                  ev(date="2021-03-08", evidence=["Drivers blocked the ring road for an hour."])]}
    system = {"d": [ev(date="2021-03-08", evidence=["Drivers blocked the ring road."]),
                    ev(date="2021-03-08", evidence=["Teachers gathered outside the board."])]}
    assert run(gold, system).docs[0].pairs == ((0, 1), (1, 0))


def test_scoring_pairs_one_to_one():
    gold = {"d": [ev(date="2021-03-08")]}
    system = {"d": [ev(date="2021-03-08"), ev(date="2021-03-08")]}
    report = run(gold, system)
    assert (fig(report, "n_paired"), len(report.docs[0].spurious), len(report.docs[0].missed)) == (1, 1, 0)


def test_scoring_event_figures_are_micro_over_documents():
    gold = {
        "a": [ev(date="2020-01-01"), ev(date="2020-01-02")],
        "b": [],
        "c": [ev(date="2020-02-01"), ev(date="2020-02-02")],
    }
    system = {
        "a": [ev(date="2020-01-01"), ev(date="2020-01-02")],
        "b": [ev(date="2020-05-05")],
        # "c" absent: counts as no events
    }
    report = run(gold, system)
    # TP 2, FP 1, FN 2
    assert fig(report, "precision") == pytest.approx(2 / 3)
    assert fig(report, "recall") == pytest.approx(0.5)
    assert fig(report, "f1") == pytest.approx(4 / 7)
    assert (fig(report, "n_docs"), fig(report, "n_gold"), fig(report, "n_system")) == (3, 4, 3)


def test_scoring_figures_without_denominator_are_none():
    report = run({"d": [ev(date="2020-01-01")]}, {"d": []})
    assert fig(report, "precision") is None
    assert fig(report, "recall") == 0.0
    assert fig(report, "f1") == 0.0
    assert fig(report, "form") is None
    table = scoring.format_table(report)
    assert " - " in table


@pytest.mark.parametrize("size_min, size_max, expected", [
    (None, None, "unknown"),
    (3, 9, "1-9"),
    (1, None, "1-9"),
    (10, 15, "10-99"),
    (24, 99, "10-99"),
    (101, None, "100-999"),
    (None, 300, "100-999"),
    (999, None, "100-999"),
    (1000, None, "1000+"),
    (20000, 99999, "1000+"),
    (9, 5000, "1-9"),  # size_min decides
    (0, None, "unknown"),
])
def test_scoring_crowd_size_classes(size_min, size_max, expected):
    assert scoring.size_class(ev(size_min=size_min, size_max=size_max)) == expected


def test_scoring_size_accuracy_compares_classes_not_numbers():
    gold = {"d": [ev(date="2020-01-01", size_min=24, size_max=99), ev(date="2020-01-02", size_min=200)]}
    system = {"d": [ev(date="2020-01-01", size_min=30, size_max=30), ev(date="2020-01-02", size_min=2000)]}
    assert fig(run(gold, system), "size") == 0.5


def test_scoring_targets_found_by_last_word():
    gold = {"d": [ev(date="2020-01-01", targets=["Aidar-Nurlan Bekov", "Supreme Court", "city akimat"])]}
    system = {"d": [ev(date="2020-01-01", targets=["President BEKOV", "the court (Astana)", "court"])]}
    report = run(gold, system)
    assert (report.tallies["all"].targets_found, report.tallies["all"].targets_total) == (2, 3)
    assert fig(report, "targets_recall") == pytest.approx(2 / 3)


def test_scoring_issues_and_responses_are_micro_f1_over_pairs():
    gold = {"d": [ev(date="2020-01-01", issues=["housing", "social-benefits"], responses=["ignored"]),
                  ev(date="2020-01-02", issues=["land"], responses=["detained", "dispersed"])]}
    system = {"d": [ev(date="2020-01-01", issues=["housing"], responses=["ignored", "warning"]),
                    ev(date="2020-01-02", issues=["land", "corruption"], responses=["detained"])]}
    report = run(gold, system)
    # issues: TP 2, FP 1, FN 1; responses: TP 2, FP 1, FN 1
    assert fig(report, "issues_f1") == pytest.approx(4 / 6)
    assert fig(report, "responses_f1") == pytest.approx(4 / 6)


def test_scoring_unpaired_events_do_not_count_for_field_figures():
    gold = {"d": [ev(date="2020-01-01", issues=["land"]), ev(date="2020-03-01", issues=["housing"])]}
    system = {"d": [ev(date="2020-01-01", issues=["land"])]}
    assert fig(run(gold, system), "issues_f1") == 1.0


def test_scoring_splits_by_language():
    gold = {"e1": [ev(date="2020-01-01")], "r1": [ev(date="2020-01-01")], "r2": [], "x": []}
    system = {"e1": [ev(date="2020-01-01")], "r1": [], "r2": [ev(date="2020-01-03")], "x": []}
    report = run(gold, system, langs={"e1": "en", "r1": "ru", "r2": "ru"})
    assert report.languages() == ["en", "ru", "und", "all"]
    assert fig(report, "f1", "en") == 1.0
    assert fig(report, "f1", "ru") == 0.0
    assert fig(report, "n_docs", "ru") == 2
    assert fig(report, "f1", "all") == pytest.approx(2 / 4)
    assert "kk" not in report.tallies


@pytest.mark.parametrize("gold_events, system_events, correct", [
    ([ev(status="occurred")], [ev(status="occurred", date="1999-01-01")], True),  # unpaired still counts
    ([ev(status="occurred")], [ev(status="planned")], False),
    ([ev(status="planned")], [], True),
    ([], [], True),
    ([], [ev(status="occurred")], False),
    ([ev(status="prevented")], [ev(status="occurred")], False),
])
def test_scoring_document_accuracy_is_about_occurred_events(gold_events, system_events, correct):
    report = run({"d": gold_events}, {"d": system_events})
    assert fig(report, "doc_accuracy") == float(correct)


def test_scoring_system_docs_missing_from_gold_are_reported_not_scored():
    report = run({"a": []}, {"a": [], "zz": [ev()]})
    assert report.unscored_system_docs == ["zz"]
    assert fig(report, "n_system") == 0


def test_scoring_report_to_dict_is_json():
    report = run({"a": [ev(date="2020-01-01")]}, {"a": [ev(date="2020-01-01")]}, langs={"a": "kk"})
    data = json.loads(json.dumps(report.to_dict()))
    assert set(scoring.FIGURES) <= set(data["languages"]["kk"])
    assert data["languages"]["all"]["f1"] == 1.0


def test_scoring_diagnostics_list_misses_and_mismatches():
    gold = {"a": [ev("rally", date="2020-01-01", city="Aktobe"), ev("strike", date="2020-02-01")]}
    system = {"a": [ev("rally", status="planned", date="2020-01-01", city="Aktobe"), ev("riot", date="2020-09-09")]}
    (diag,) = scoring.per_doc_diagnostics(run(gold, system))
    assert diag["missed"] == ["strike/occurred - 2020-02-01 size=unknown"]
    assert diag["spurious"] == ["riot/occurred - 2020-09-09 size=unknown"]
    assert diag["mismatched"][0]["fields"] == {"status": ("occurred", "planned")}


def test_scoring_load_jsonl_rejects_broken_lines(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"doc_id": "a", "events": []}\n\n{"doc_id": "b", "events": [\n', encoding="utf-8")
    with pytest.raises(InputError, match=":3:"):
        scoring.load_jsonl(path)


def test_scoring_load_events_rejects_duplicate_ids(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"doc_id": "a", "events": []}\n{"doc_id": "a", "events": []}\n', encoding="utf-8")
    with pytest.raises(InputError, match="twice"):
        scoring.load_events(path)


def test_eval_cli_scores_a_system_file(tmp_path):
    from click.testing import CliRunner

    from placard.cli.evaluate import eval_command

    docs = tmp_path / "docs.jsonl"
    gold = tmp_path / "gold.jsonl"
    system = tmp_path / "system.jsonl"
    docs.write_text("\n".join(json.dumps(d) for d in [
        {"id": "a", "lang": "en", "published": None, "text": "x"},
        {"id": "b", "lang": "kk", "published": None, "text": "y"},
    ]), encoding="utf-8")
    gold.write_text("\n".join(json.dumps(d) for d in [
        {"doc_id": "a", "events": [ev(date="2020-01-01")]},
        {"doc_id": "b", "events": [ev(date="2020-01-02")]},
    ]), encoding="utf-8")
    system.write_text(json.dumps({"doc_id": "a", "events": [ev(date="2020-01-01")]}), encoding="utf-8")

    runner = CliRunner()
    table = runner.invoke(eval_command, [str(docs), str(gold), "--system", str(system)])
    assert table.exit_code == 0, table.output
    assert [line.split()[0] for line in table.output.splitlines()[2:]] == ["en", "kk", "all"]

    as_json = runner.invoke(eval_command, [str(docs), str(gold), "--system", str(system), "--json", "--lang", "kk"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert list(data["languages"]) == ["kk", "all"]
    assert data["languages"]["all"]["recall"] == 0.0

    broken = runner.invoke(eval_command, [str(docs), str(docs), "--system", str(system)])
    assert broken.exit_code != 0
