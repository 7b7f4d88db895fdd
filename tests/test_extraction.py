"""Unit tests of the pure extraction cores on small texts written for them: amounts, dates,
roles and countries, nominal references, events."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.extraction.facts import extract_with_entities


def facts_of(*texts: str, published: date | None = None) -> dict[str, pl.DataFrame]:
    return extract_with_entities(pl.DataFrame({
        "doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts),
        "published_date": [published] * len(texts)}, schema_overrides={"published_date": pl.Date}))


def amount_rows(text: str) -> list[tuple]:
    return facts_of(text)["amounts"].select("value", "value_high", "qualifier", "object").rows()


def test_amounts_read_digits_words_ranges_and_qualifiers():
    assert amount_rows("Some 1,500 troops and about seven thousand soldiers arrived.") == [
        (1500.0, None, "some", "troops"), (7000.0, None, "about", "soldiers")]
    assert amount_rows("It sent between 5,000 and 7,000 troops and 2-3 brigades.") == [
        (5000.0, 7000.0, "between", "troops"), (2.0, 3.0, None, "brigades")]
    assert amount_rows("Up to twenty-five tanks, 1.5 million rounds and three hundred fifty thousand shells.") == [
        (25.0, None, "up to", "tanks"), (1.5e6, None, None, "rounds"), (350_000.0, None, None, "shells")]
    assert amount_rows("Aid of $2 billion covers 40% of it.") == [(2e9, None, None, "Aid"), (40.0, None, None, "percent")]


def test_amounts_leave_out_years_dates_ordinals_and_model_numbers():
    assert amount_rows("In 2023, on June 5, the 80th anniversary, F-16 jets and Zapad-2025 drills.") == []
    assert amount_rows("One aims at roads, while the other two aim to improve bases.") == []


def test_amount_offsets_cover_the_number_and_its_object():
    text = "Officials said over 160 agreements on joint activities were signed."
    row = facts_of(text)["amounts"].row(0, named=True)
    assert text[row["start"]:row["end"]] == "over 160 agreements"


def date_rows(text: str, published: date | None) -> list[tuple]:
    return facts_of(text, published=published)["date_mentions"].select("text", "resolved_date", "granularity").rows()


def test_dates_resolve_with_their_granularity():
    assert date_rows("Talks on 28 November 2025, in February 2022 and in 1941-1945.", None) == [
        ("28 November 2025", date(2025, 11, 28), "day"), ("February 2022", date(2022, 2, 1), "month"),
        ("1941", date(1941, 1, 1), "year"), ("1945", date(1945, 1, 1), "year")]


def test_yearless_dates_take_the_nearest_year_of_the_published_date_or_stay_null():
    text = "Since December 28 and until June 24, in May."
    assert date_rows(text, date(2026, 1, 10)) == [
        ("December 28", date(2025, 12, 28), "day"), ("June 24", date(2026, 6, 24), "day"), ("May", date(2026, 5, 1), "month")]
    assert [row[1] for row in date_rows(text, None)] == [None, None, None]
    assert date_rows("The vote on February 30 was cancelled.", date(2025, 3, 1)) == [("February 30", None, "day")]


def people(facts: dict[str, pl.DataFrame]) -> dict[str, dict]:
    return {row["canonical_name"]: row for row in facts["entities"].filter(pl.col("type") == "PERSON").iter_rows(named=True)}


def test_roles_before_and_after_names_give_people_their_countries():
    facts = facts_of(
        "Foreign Minister of France Jean Dupont met Anna Smith, spokeswoman for the Pentagon, in Paris. "
        "Dupont later flew home.")
    roles = {(r["entity_id"], r["role"], r["country"]) for r in facts["person_roles"].iter_rows(named=True)}
    assert roles == {("PERSON:Jean Dupont", "Foreign Minister of France", "FR"),
                     ("PERSON:Anna Smith", "spokeswoman for the Pentagon", "US")}
    found = people(facts)
    assert (found["Jean Dupont"]["country"], found["Anna Smith"]["country"]) == ("FR", "US")
    assert set(found["Jean Dupont"]["aliases"]) == {"Jean Dupont", "Dupont"}


def test_a_nationality_and_title_refers_back_to_that_countrys_person():
    facts = facts_of("German Chancellor Olaf Scholz met Polish President Andrzej Duda. "
                     "The German chancellor said “we stand together on this question”.")
    quote = facts["quotes"].row(0, named=True)
    assert quote["speaker_entity_id"] == "PERSON:Olaf Scholz"
    nominal = facts["entity_mentions"].filter(pl.col("text") == "The German chancellor")
    assert nominal["entity_id"].to_list() == ["PERSON:Olaf Scholz"]


def test_meetings_have_actors_place_and_date_but_not_their_reporters():
    facts = facts_of("According to John Brown, Vladimir Putin met Emmanuel Macron in Paris on March 3, 2025.",
                     "Belarus and Russia held the Zapad-2025 exercises, Anna Smith said in a statement.")
    events = facts["events"]
    meeting = events.filter((pl.col("doc_id") == "d0") & (pl.col("kind") == "meeting")).row(0, named=True)
    assert meeting["actor_entity_ids"] == ["PERSON:Vladimir Putin", "PERSON:Emmanuel Macron"]
    assert (meeting["place_entity_id"], meeting["event_date"]) == ("LOCATION:Paris", date(2025, 3, 3))
    exercise = events.filter((pl.col("doc_id") == "d1") & (pl.col("kind") == "exercise")).row(0, named=True)
    assert exercise["name"] == "Zapad-2025"
    assert exercise["actor_entity_ids"] == ["LOCATION:Belarus", "LOCATION:Russia"]
    statement = events.filter((pl.col("doc_id") == "d1") & (pl.col("kind") == "statement")).row(0, named=True)
    assert statement["actor_entity_ids"] == ["PERSON:Anna Smith"]


def test_a_place_no_gazetteer_knows_takes_the_country_of_the_place_it_is_near():
    facts = facts_of("The leaders met in Zavidovo, near Moscow, on Friday.")
    place = facts["entities"].filter(pl.col("canonical_name") == "Zavidovo").row(0, named=True)
    assert (place["type"], place["country"]) == ("LOCATION", "RU")


def test_offsets_count_characters_not_bytes():
    text = "Quora’s café «SEO» team met Deputy Minister of Russia Viktor Goremykin and Anna Smith’s Paris staff."
    facts = facts_of(text)
    for row in facts["entity_mentions"].iter_rows(named=True):
        assert text[row["start"]:row["end"]] == row["text"], row
    for row in facts["person_roles"].iter_rows(named=True):
        assert text[row["start"]:row["end"]] == row["role"], row


def test_shared_demonyms_and_surnames_resolve_the_same_way_every_run():
    facts = facts_of("French and Chinese officials spoke. Mary M Cheh and Mary Cheh arrived; Cheh left.")
    countries = dict(facts["entities"].select("canonical_name", "country").iter_rows())
    assert (countries["French"], countries["Chinese"]) == ("FR", "CN")
    cheh = facts["entity_mentions"].filter(pl.col("text") == "Cheh")["entity_id"].to_list()
    assert cheh == ["PERSON:Mary Cheh"]


def speakers(facts) -> list[tuple[str, str | None]]:
    return [(row["quote"], row["speaker_entity_id"]) for row in facts["quotes"].sort("start").iter_rows(named=True)]


def test_a_quote_continued_over_paragraphs_keeps_its_speaker():
    facts = facts_of("Gordon Brown told MPs the economy was stable.\n\n"
                     "“We have met both of our fiscal rules this year and we will meet them again.\n\n"
                     "“Borrowing will fall in each of the next three years,” Mr Brown said, “and debt will stay low.”\n\n"
                     "Labour was pleased.")
    quoted = speakers(facts)
    assert [q for q, _ in quoted] == [
        "We have met both of our fiscal rules this year and we will meet them again.",
        "Borrowing will fall in each of the next three years,", "and debt will stay low."]
    assert {speaker for _, speaker in quoted} == {"PERSON:Gordon Brown"}


@pytest.mark.parametrize("text", [
    "“The plan will not survive the winter,” said Mr. Trump on Monday.",
    "“The plan will not survive the winter,” Jeremy Bird, a senior aide to the president, said.",
    "“The plan will not survive the winter,” Jeremy Bird told BBC News.",
    "Chancellor Gordon Brown said: “The plan will not survive the winter.”",
    "According to Anna Smith, “the plan will not survive the winter”.",
])
def test_the_speaker_comes_from_the_attribution_clause(text):
    quoted = speakers(facts_of("Donald Trump, Jeremy Bird, Gordon Brown and Anna Smith met in Washington.\n\n" + text))
    assert len(quoted) == 1
    name = next(n for n in ("Trump", "Jeremy Bird", "Gordon Brown", "Anna Smith") if n in text)
    assert quoted[0][1] == f"PERSON:{'Donald Trump' if name == 'Trump' else name}"


def test_names_terms_and_unattributed_quotes_are_not_speech_or_have_no_speaker():
    facts = facts_of("Belarus and Russia held the “Allied Resolve” exercise, which critics call “a rehearsal”. "
                     "Viktor Khrenin attended.\n\n“Nobody expected the drills to last this long or cost this much.”")
    quoted = speakers(facts)
    assert quoted == [("Nobody expected the drills to last this long or cost this much.", None)]


def test_pronouns_agree_in_gender_and_follow_the_subject():
    facts = facts_of("Tony Blair met Hillary Clinton in London. She said the talks went well. "
                     "Lord Hattersley disagreed with Jim Callaghan. He said so, and he added more.")
    resolved = facts["entity_mentions"].filter(pl.col("text").str.to_lowercase().is_in(["she", "he"]))
    assert resolved["entity_id"].to_list() == ["PERSON:Hillary Clinton", "PERSON:Hattersley", "PERSON:Hattersley"]


def test_money_has_its_value_in_units_and_an_iso_currency():
    facts = facts_of("The Treasury will borrow £35bn this year and £37.5bn next. Google paid $10 billion, "
                     "Russia spent 1.5 billion roubles and the deal is worth $285m. Shares rose 3.5% and "
                     "inflation hit 2 per cent. Three out of four voters agreed. She ran a 5m race.")
    rows = {(r["text"], r["value"], r["currency"], r["unit"]) for r in facts["amounts"].iter_rows(named=True)}
    assert rows == {
        ("£35bn", 35e9, "GBP", "money"), ("£37.5bn", 37.5e9, "GBP", "money"), ("$10 billion", 10e9, "USD", "money"),
        ("1.5 billion roubles", 1.5e9, "RUB", "money"), ("$285m", 285e6, "USD", "money"),
        ("3.5%", 3.5, None, "percent"), ("2 per cent", 2.0, None, "percent"),
    }


def test_roles_are_whole_titles_and_never_honorifics_or_other_peoples_names():
    facts = facts_of("Shadow home secretary David Davis said the plan was flawed. Mr Blair, the prime minister, "
                     "met Dr Fox, the shadow health secretary, and prime minister Harold Wilson greeted Dame Barbara Castle.")
    roles = {(r["entity_id"], r["role"]) for r in facts["person_roles"].iter_rows(named=True)}
    assert roles == {("PERSON:David Davis", "Shadow home secretary"), ("PERSON:Blair", "prime minister"),
                     ("PERSON:Fox", "shadow health secretary"), ("PERSON:Harold Wilson", "prime minister")}


def test_a_meeting_needs_a_meeting_predicate_and_two_different_actors():
    facts = facts_of("Gordon Brown is set to meet his two fiscal rules this year.",
                     "Mr Blair has already spent a day with Five and Michael Howard is booked for a similar session.",
                     "Tony Blair met Blair supporters in London.",
                     "Angela Merkel and Emmanuel Macron held talks in Berlin.")
    meetings = facts["events"].filter(pl.col("kind") == "meeting")
    assert meetings["doc_id"].to_list() == ["d3"]
    assert meetings["actor_entity_ids"][0].to_list() == ["PERSON:Angela Merkel", "PERSON:Emmanuel Macron"]


def test_statements_are_events_only_when_issued_or_announced():
    facts = facts_of("“We will win,” said Anna Smith.", "Anna Smith said the team would win.",
                     "The club announced that Anna Smith would lead the team.")
    statements = facts["events"].filter(pl.col("kind") == "statement")
    assert statements["doc_id"].to_list() == ["d2"]


def test_an_organisation_named_earlier_speaks_as_the_ministry():
    facts = facts_of("The Russian Defence Ministry released new figures on Monday.\n\n"
                     "“The exercises are purely defensive,” the ministry said.")
    assert speakers(facts) == [("The exercises are purely defensive,", "ORGANIZATION:defence ministry russian")]


def test_pounds_of_weight_are_not_money_and_meetings_must_take_place():
    facts = facts_of("He lost 19 pounds in 8 weeks; the club paid 3 million pounds and Apple raised $2.5B.",
                     "Such behaviour will be met with a lifetime ban, Roger Goodell said. I haven't met Steve Jobs.",
                     "We flew to Buenos Aires and met Andrew there.")
    money = {(r["text"], r["currency"]) for r in facts["amounts"].filter(pl.col("unit") == "money").iter_rows(named=True)}
    assert money == {("3 million pounds", "GBP"), ("$2.5B", "USD")}
    assert facts["events"].filter(pl.col("kind") == "meeting").height == 0


def test_a_range_of_money_takes_the_scale_of_its_high_end():
    facts = facts_of("Damage estimates ranged from $10 – $55 billion, and repairs cost $2-3 million.")
    rows = {(r["value"], r["value_high"], r["currency"]) for r in facts["amounts"].iter_rows(named=True)}
    assert rows == {(10e9, 55e9, "USD"), (2e6, 3e6, "USD")}


def test_the_title_alone_refers_to_the_person_who_holds_it():
    facts = facts_of("Gordon Brown, the chancellor, told MPs the economy was stable. Tony Blair, the prime minister, "
                     "agreed.\n\n“Borrowing will fall,” the chancellor said.")
    assert speakers(facts) == [("Borrowing will fall,", "PERSON:Gordon Brown")]


def test_an_agency_speaks_as_it():
    facts = facts_of("The Korean Central News Agency reported the shelling.\n\n"
                     "“Foolhardy provocation deserves harsh punishment,” it added.")
    assert speakers(facts) == [("Foolhardy provocation deserves harsh punishment,", "ORGANIZATION:agency central korean news")]


def test_a_scale_word_hyphenated_to_the_number_counts():
    facts = facts_of("Romney will propose paying off the entire $3.6-trillion national debt.")
    assert facts["amounts"].select("value", "currency").rows() == [(3.6e12, "USD")]


def test_a_pronoun_inside_a_name_is_part_of_the_name():
    """"He" in "Zheng He" is no second mention of the same span (found by the uniqueness check)."""
    mentions = facts_of("Admiral Zheng He sailed to Africa in 1418. He met the king of Malindi.")["entity_mentions"]
    assert mentions.filter(pl.col("entity_id") == "PERSON:Zheng He").select("start", "text").rows() == [(8, "Zheng He"), (43, "He")]


def test_an_entity_is_named_by_its_longest_name_and_not_a_headline_in_capitals():
    from pipelines.extraction.entities import merge_entities

    rows = pl.DataFrame({
        "doc_id": ["a", "b", "c"], "entity_id": ["ORGANIZATION:facebook"] * 3,
        "name": ["FACEBOOK", "Facebook", "FB"], "latin_name": ["FACEBOOK", "Facebook", "FB"],
        "type": ["ORGANIZATION"] * 3, "country": [None, "US", None],
        "latitude": [None, None, None], "longitude": [None, None, None],
        "aliases": [["FACEBOOK"], ["Facebook"], ["FB"]],
    }, schema_overrides={"country": pl.String, "latitude": pl.Float64, "longitude": pl.Float64})
    merged = merge_entities(rows)
    assert merged.select("canonical_name", "latin_name", "country").row(0) == ("Facebook", "Facebook", "US")
    assert merged["aliases"].to_list() == [["FACEBOOK", "FB", "Facebook"]]
