"""Entity types and aliases on invented news sentences, one test per error class read in BBC
News texts: companies typed as people, a city typed as a person, a first name merged into a
surname that begins with it, "Mr X" merged into the wrong one of two people sharing a surname,
an acronym and a short form apart from the full name, and a party's nicknames apart."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.facts import extract_with_entities


def mentions_of(text: str) -> pl.DataFrame:
    """(text, type, entity_id) of every mention of `text` as one article, in order."""
    facts = extract_with_entities(pl.DataFrame({"doc_id": ["d0"], "text": [text]}))
    return facts["entity_mentions"].sort("start").select("text", "type", "entity_id")


def ids_of(mentions: pl.DataFrame, name: str) -> set[str]:
    return set(mentions.filter(pl.col("text") == name)["entity_id"])


def test_companies_named_by_shares_chief_executive_and_profits_are_organisations():
    mentions = mentions_of(
        "Shares in Corvanta fell 6% on Monday after the airline warned on profits. Corvanta's profits halved "
        "last year, and Tom Walsh, its chief executive, said Corvanta would cut 300 jobs. Analysts at Heskel "
        "expected more. Ann Pryce is chief executive of Ostrava Motors and a former director at Heskel.")
    assert ids_of(mentions, "Corvanta") == {"ORGANIZATION:corvanta"}
    assert ids_of(mentions, "Heskel") == {"ORGANIZATION:heskel"}
    assert ids_of(mentions, "Tom Walsh") == {"PERSON:Tom Walsh"}
    assert ids_of(mentions, "Ann Pryce") == {"PERSON:Ann Pryce"}


def test_a_person_named_like_a_company_keeps_her_honorific():
    mentions = mentions_of("Shares in Lindqvist rose. Ms Lindqvist, a pensioner, said she had sold hers.")
    assert set(mentions.filter(pl.col("text") == "Lindqvist")["type"]) == {"PERSON"}


def test_a_city_listed_with_places_is_a_place_not_a_person():
    mentions = mentions_of(
        "Fashion week returns this month. Paris and Madrid will host 90 shows between them. "
        "Paris expects record crowds, officials said.")
    assert set(mentions.filter(pl.col("text") == "Paris")["type"]) == {"LOCATION"}
    # A first name the article never uses as a place stays a person.
    assert set(mentions_of("Paris said she had trained for ten years.").filter(
        pl.col("text") == "Paris")["type"]) == {"PERSON"}


def test_a_first_name_is_not_merged_into_a_surname_that_begins_with_it():
    mentions = mentions_of(
        "Prince Richard opened the new ward on Monday. The Bishop of Hull, Simon Richards, blessed it. "
        "Richard later met nurses, while Richards led a short service.")
    assert ids_of(mentions, "Richard") == {"PERSON:Richard"}
    assert ids_of(mentions, "Richards") == {"PERSON:Simon Richards"}


def test_mr_x_joins_the_person_of_that_surname_the_article_means():
    # Two men named Marsh: "Mr Marsh" after Kevin Marsh is named means him, not the first
    # (alphabetically or in the text); "Mrs Marsh" is neither of them.
    mentions = mentions_of(
        "Australian prime minister Alan Marsh arrived in London on Monday. Opposition leader Kevin Marsh "
        "criticised the visit. Mr Marsh said the government had failed. Mrs Marsh did not comment.")
    names = mentions.filter(pl.col("text") == "Marsh")["entity_id"].to_list()
    assert names[0] == "PERSON:Kevin Marsh"
    assert names[1] not in {"PERSON:Kevin Marsh", "PERSON:Alan Marsh"}


def test_an_acronym_and_a_short_form_join_the_full_name():
    mentions = mentions_of(
        "The European Commission fined the bank on Tuesday. The Commission said the EC would publish its "
        "ruling on Friday, and the Electoral Board said it would not object.")
    short_form = ids_of(mentions, "Commission") | ids_of(mentions, "The Commission")
    assert ids_of(mentions, "European Commission") == short_form == ids_of(mentions, "EC") \
        == {"ORGANIZATION:commission european"}


def test_a_short_form_shared_by_two_organisations_joins_neither():
    mentions = mentions_of(
        "The European Commission and the Electoral Commission met on Monday. The Commission said little.")
    assert ids_of(mentions, "Commission") | ids_of(mentions, "The Commission") == {"ORGANIZATION:commission"}


def test_a_partys_nicknames_and_members_are_one_party():
    mentions = mentions_of(
        "The Conservatives held the seat. A Tory spokesman said the Tories had worked hard for it, and the "
        "Conservative Party thanked its voters.")
    ids = set(mentions.filter(pl.col("text").is_in(["Conservatives", "Tory", "Tories", "Conservative Party"]))["entity_id"])
    assert ids == {"ORGANIZATION:conservative party"}


def test_an_unknown_surname_beside_a_verb_of_saying_is_a_person():
    mentions = mentions_of('"It is a disaster for patients," Tarvelle said on Thursday. "We warned them," said Okonjo.')
    assert set(mentions.filter(pl.col("text").is_in(["Tarvelle", "Okonjo"]))["type"]) == {"PERSON"}
    assert mentions.filter(pl.col("text").is_in(["Tarvelle", "Okonjo"])).height == 2


def test_a_people_named_by_its_members_is_no_person_but_a_surname_like_it_is():
    mentions = mentions_of("The Carthaginians fought the Numidians for years. Evans, a historian, said so.")
    assert mentions.filter(pl.col("text").is_in(["Carthaginians", "Numidians"]) & (pl.col("type") == "PERSON")).height == 0
    assert set(mentions.filter(pl.col("text") == "Evans")["type"]) == {"PERSON"}


def test_a_first_name_alone_is_the_one_person_with_that_first_name():
    mentions = mentions_of(
        "Seth Marlowe and his brother Caleb Marlowe ran the shop. Seth said business was slow, and Caleb agreed. "
        "Later Anna Price and Anna Boyd joined them; Anna said little.")
    assert ids_of(mentions, "Seth") == {"PERSON:Seth Marlowe"}
    assert ids_of(mentions, "Caleb") == {"PERSON:Caleb Marlowe"}
    assert ids_of(mentions, "Anna") == {"PERSON:Anna"}


def test_a_listed_company_is_an_organisation_but_a_person_of_that_name_is_not():
    mentions = mentions_of("Volkswagen said on Monday it would recall 40,000 cars. Porsche did not comment.")
    assert set(mentions.filter(pl.col("text").is_in(["Volkswagen", "Porsche"]))["type"]) == {"ORGANIZATION"}
    assert set(mentions_of("Mr Porsche said he would retire.").filter(pl.col("text") == "Porsche")["type"]) == {"PERSON"}


def test_a_demonym_opens_the_ministry_it_names_so_two_countries_ministries_stay_apart():
    mentions = mentions_of("Officials of the Italian Finance Ministry met the Spanish Finance Ministry in Rome.")
    organisations = mentions.filter(pl.col("type") == "ORGANIZATION")
    assert organisations["text"].to_list() == ["Italian Finance Ministry", "Spanish Finance Ministry"]
    assert organisations["entity_id"].n_unique() == 2


def test_a_title_and_its_organisation_are_cut_from_the_front_of_a_persons_name():
    mentions = mentions_of("FAA Administrator Laura Fenwick announced the rules on Monday. Laura Fenwick, FAA "
                           "Administrator, said airlines had a year to comply, and Administrator Fenwick took questions.")
    assert ids_of(mentions, "Laura Fenwick") == {"PERSON:Laura Fenwick"}
    assert ids_of(mentions, "Fenwick") == {"PERSON:Laura Fenwick"}
    assert ids_of(mentions, "FAA") == {"ORGANIZATION:faa"}
    assert not mentions.filter(pl.col("text").str.contains("Administrator"))["text"].to_list()
