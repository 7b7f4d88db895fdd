"""Quote boundaries and speakers (issue 23): one test per error class read in news, each on an
invented sentence of the same shape."""

from __future__ import annotations

import polars as pl

from pipelines.extraction.facts import extract_with_entities


def quoted(text: str) -> list[tuple[str, str | None]]:
    """(quote, speaker entity id) of every quotation of `text`, in order."""
    facts = extract_with_entities(pl.DataFrame({"doc_id": ["d"], "text": [text]}))
    return [(row["quote"], row["speaker_entity_id"]) for row in facts["quotes"].sort("start").iter_rows(named=True)]


def test_narration_between_a_closing_and_the_next_opening_mark_is_no_quote():
    rows = quoted('Anna Smith was defiant. "We will appeal the ruling. The court adjourned until Monday. '
                  '"It is a sad day for the town," said John Brown.')
    assert [quote for quote, _ in rows] == ["It is a sad day for the town,"]


def test_a_quote_runs_on_into_the_next_paragraph_until_its_closing_mark():
    rows = quoted('After the match, the Rovers coach Peter Hall said, "We learned a lot from today.\n\n'
                  'It was an emotional day for everyone at the club."\n\nThe league resumes in March.')
    assert [quote for quote, _ in rows] == ["We learned a lot from today.\n\nIt was an emotional day for everyone at the club."]


def test_a_mark_turned_the_wrong_way_closes_its_quote_in_its_own_paragraph():
    rows = quoted("“We will win the vote on Thursday,“ said Anna Smith.\n\n“It is over for them,” said John Brown.")
    assert rows == [("We will win the vote on Thursday,", "PERSON:Anna Smith"), ("It is over for them,", "PERSON:John Brown")]


def test_a_quote_introduced_by_saying_and_a_colon_is_its_clause_subjects():
    rows = quoted('"We will not resign," Prime Minister John Carter said on Sunday.\n\n'
                  'Opposition leader Maria Lopez addressed the crowd, saying: "This government has lost its mandate."')
    assert rows[-1] == ("This government has lost its mandate.", "PERSON:Maria Lopez")


def test_a_quote_introduced_by_responded_and_a_colon_is_the_responders():
    rows = quoted('"The budget is balanced," said finance minister Peter Grant.\n\n'
                  'Union leader Sarah Cole responded: "Nurses have not had a pay rise in five years."')
    assert rows[-1] == ("Nurses have not had a pay rise in five years.", "PERSON:Sarah Cole")


def test_a_person_is_the_speaker_over_the_organisation_the_clause_also_names():
    before = quoted('Mortgage lending fell in March. "Buyers are waiting for rates to fall," '
                    'Council of Mortgage Lenders director general Michael Coogan said.')
    after = quoted('"Buyers are waiting for rates to fall," said Nationwide Building Society chief economist Robert Gardner.')
    assert [speaker for _, speaker in before + after] == ["PERSON:Michael Coogan", "PERSON:Robert Gardner"]


def test_a_speakers_second_quoted_sentence_is_theirs():
    rows = quoted('Hiring slowed again. "We do not need more junior staff," said Helen Ward, chief executive of '
                  'Brightline. "The software now writes better code than most graduates."')
    assert [speaker for _, speaker in rows] == ["PERSON:Helen Ward", "PERSON:Helen Ward"]


def test_a_quote_standing_alone_is_the_speaker_named_in_the_sentence_before():
    rows = quoted('Security expert Paul Kocher uses no password manager.\n\n'
                  'Mr Kocher said he never keeps his passwords on the laptop he carries to conferences around the world. '
                  '"If someone steals my computer, I lose everything."')
    assert rows == [("If someone steals my computer, I lose everything.", "PERSON:Paul Kocher")]


def test_he_after_a_named_speaker_is_that_speaker():
    rows = quoted('Rebel commander Omar Haddad said his fighters had taken the airport. Forces loyal to President '
                  'Karim Nasser were shelling villages north of the city, he said.\n\n'
                  '"We are attacking in small groups at night," he said.')
    assert rows == [("We are attacking in small groups at night,", "PERSON:Omar Haddad")]


def test_the_minister_is_the_person_who_holds_that_title():
    rows = quoted('Anna Berg, the defence minister, visited the base on Friday.\n\n'
                  '"Our troops are ready for any threat," the minister said.')
    assert rows == [("Our troops are ready for any threat,", "PERSON:Anna Berg")]


def test_single_marks_quote_but_apostrophes_do_not():
    rows = quoted("The players’ union met on Monday. Its chair, Tom Reid, said ‘we won’t accept this offer from the clubs’ "
                  "and left. \"He told me 'this is over for good' last night,\" said Jane Moss.")
    assert [quote for quote, _ in rows] == ["we won’t accept this offer from the clubs",
                                           "He told me 'this is over for good' last night,"]


def test_a_title_before_the_name_is_no_part_of_the_speakers_name():
    rows = quoted('At the launch, FAA Administrator Laura Fenwick announced the new rules.\n\n'
                  '"We have listened to the pilots," said Fenwick.')
    assert rows == [("We have listened to the pilots,", "PERSON:Laura Fenwick")]


def test_an_organisation_before_the_name_is_no_part_of_the_speakers_name():
    rows = quoted('After the leak, director of the Housing Council Peter Marsh told the BBC any change '
                  '"must be well planned".')
    assert rows == [("must be well planned", "PERSON:Peter Marsh")]


def test_the_office_after_of_is_no_part_of_the_speakers_name():
    rows = quoted('Minister of Health Maria Ferrante said a "broader review" was needed.')
    assert rows == [("broader review", "PERSON:Maria Ferrante")]


def test_a_first_name_before_a_surname_the_article_tags_is_the_speakers():
    rows = quoted("New Zealand's Prime Minister John Reed said he believes the change has a strong case. "
                  'Mr Reed backed the campaign.\n\n"I will have one vote like everyone else," Reed said.')
    assert rows == [("I will have one vote like everyone else,", "PERSON:John Reed")]


def test_an_unknown_name_after_an_occupation_is_the_speakers():
    rows = quoted('Transport Canada spokeswoman Sujata Ramaswami told CBC News the department will look into it.\n\n'
                  '"We take rail safety seriously," she said.')
    assert rows == [("We take rail safety seriously,", "PERSON:Sujata Ramaswami")]


def test_an_unknown_surname_after_an_honorific_is_the_speaker():
    rows = quoted('Undersecretary for Education Mr. Roccafondi says "many schools will increase their fees."')
    assert rows == [("many schools will increase their fees.", "PERSON:Roccafondi")]


def test_an_unattributed_quote_in_an_interview_is_the_interviewees():
    rows = quoted("Chemist Anna Lindqvist tells Radio North about glowing fungi\n\n"
                  "Anna Lindqvist, of the University of Uppsala, studies fungi that glow in the dark.\n\n"
                  '"I have no doubt that we will find many more species like these in the coming years"')
    assert rows == [("I have no doubt that we will find many more species like these in the coming years",
                     "PERSON:Anna Lindqvist")]


def test_a_verb_coordinated_after_the_quote_has_the_first_clauses_subject():
    rows = quoted("The Green Party met on Monday.\n\nGreen leader Maria Holt said her party has backed the plan "
                  '"for years", and said it was "shameful" that the council had waited.')
    assert rows == [("for years", "PERSON:Maria Holt")]


def test_a_misspelt_surname_is_the_person_named_in_full():
    rows = quoted('Greta Lindholm, spokeswoman for the food agency, says the rules will change.\n\n'
                  '"Bread makers must add more salt," Ms Lindholme said.')
    assert rows == [("Bread makers must add more salt,", "PERSON:Greta Lindholm")]


def test_the_answer_to_a_question_about_a_person_is_theirs():
    rows = quoted('Nadia Petrov, a second-year music student, skipped a lecture to see the show. '
                  'Why did she want to go so badly? "It is Bowie. He changed everything for me."')
    assert rows == [("It is Bowie. He changed everything for me.", "PERSON:Nadia Petrov")]
