"""The matching rules of bench/facts_quality.py, the scorer of the facts gold, on hand-made inputs
(no ../shared needed)."""

import sys

from conftest import ROOT

# bench/ is a folder of scripts, not a package: the scorer is imported from there.
sys.path.insert(0, str(ROOT / "bench"))
from facts_quality import (  # noqa: E402
    Article, Kind, match_spans, names_person, object_right, object_stated, score_quotes, value_right)


def test_spans_match_one_to_one_largest_overlap_first():
    # The one prediction overlaps both gold spans; it goes to the one it shares most with.
    assert match_spans([(0, 10), (12, 20)], [(5, 15)]) == [(0, 0)]
    assert match_spans([(0, 10), (8, 20)], [(5, 15)]) == [(1, 0)]
    # Each side is used once: the second prediction takes the gold span the first one left.
    # (Ties go by gold order, then predicted order.)
    assert match_spans([(0, 10), (10, 20)], [(0, 20), (12, 14)]) == [(0, 0), (1, 1)]
    assert match_spans([(0, 10)], [(0, 4), (2, 10)]) == [(0, 1)]
    # Touching spans share no character.
    assert match_spans([(0, 5)], [(5, 10)]) == []
    # A pair the rule refuses (another kind of event) leaves the gold span to the next one.
    kinds_gold, kinds_predicted = ["meeting"], ["statement", "meeting"]
    assert match_spans([(0, 50)], [(0, 50), (10, 40)],
                       lambda g, p: kinds_gold[g] == kinds_predicted[p]) == [(0, 1)]


def test_a_mention_names_a_person_by_normalised_name_alias_or_surname():
    assert names_person("Jerome Powell", "Jerome Powell")
    assert names_person("Powell", "Jerome Powell")
    assert names_person("Jerome Powell", "Powell")
    assert names_person("Jerome H. Powell", "Jerome Powell")
    assert not names_person("Jay Powell", "Jerome Powell")
    assert not names_person("Jerome Brown", "Jerome Powell")
    assert names_person("Mr. Bernanke", "Ben Bernanke", ["Ben Bernanke", "Mr Bernanke"])
    assert not names_person("Saad Sid", "Manager Saad Sid")  # a title read into the name
    # Not people: normalised names only, no surname rule.
    assert names_person("the Federal Reserve", "Federal Reserve", [], is_person=False)
    assert not names_person("Reserve", "Federal Reserve", [], is_person=False)
    assert not names_person(None, "Federal Reserve")
    assert not names_person("Powell", None)


def test_a_money_object_is_right_when_half_the_words_of_each_side_are_in_the_other():
    assert not object_stated("dollars") and not object_stated("") and not object_stated(None)
    assert object_stated("search sites")
    assert object_right("the average hourly rate", "average rate")  # 2 of average, hourly, rate
    assert not object_right("the average hourly rate", "hourly fees")  # 1 of 3
    assert object_right("sales", "annual sales")
    assert not object_right("sales", "sales rose in the third quarter")  # a clause, not the object
    assert not object_right("sales", "dollars")  # a currency word says nothing
    assert not object_right(None, "annual sales")
    assert value_right(1e9, 1e9 + 1) and not value_right(100, 101) and value_right(0, 0)


def test_speaker_precision_and_recall_count_only_named_speakers_as_right():
    text = 'Jerome Powell spoke. "Rates stay," Powell said. "We wait," a man said. "No," he said.'
    q1, q2, q3 = ((text.index(q), text.index(q) + len(q)) for q in ('"Rates stay,"', '"We wait,"', '"No,"'))
    article = Article("wcxb", "x", "dev", text, None, {"quotes": [
        {"span": list(q1), "speaker": [0, 13]},  # Jerome Powell, predicted Powell: right
        {"span": list(q2), "speaker": None},  # nobody named, predicted Powell: wrong
        {"span": list(q3), "speaker": [0, 13]},  # Jerome Powell, predicted nobody: missed
    ]}, {"quotes": [
        {"start": q1[0], "end": q1[1], "speaker_entity_id": "PERSON:Jerome Powell"},
        {"start": q2[0] + 1, "end": q2[1], "speaker_entity_id": "PERSON:Jerome Powell"},
        {"start": q3[0], "end": q3[1], "speaker_entity_id": None},
        {"start": 0, "end": 5, "speaker_entity_id": None},  # not a gold quote
    ], "entities": {"PERSON:Jerome Powell": {
        "entity_id": "PERSON:Jerome Powell", "name": "Jerome Powell", "aliases": ["Powell"], "type": "PERSON"}}})
    kind = Kind()
    score_quotes(kind, article)
    assert (kind.gold, kind.predicted, kind.matched) == (3, 4, 3)
    assert kind.figures["speaker precision: right / matched quotes with a predicted speaker"] == [1, 2]
    assert kind.figures["speaker recall: right / matched quotes whose gold speaker is named"] == [1, 2]
    assert kind.figures["no speaker where the gold names none"] == [0, 1]
