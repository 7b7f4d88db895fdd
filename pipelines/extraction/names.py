"""Mentions by name from the recogniser's labels: post-checks for what the training corpora do
not teach (honorifics, titles, datelines, curated organisations, acronyms), consistency within
an article, and the spans as typed mentions with merge keys, places with their gazetteer
country and people merged with their surnames."""

from __future__ import annotations

from functools import cache

import polars as pl

from pipelines.extraction.coreference import FEMALE_HONORIFICS, MALE_HONORIFICS
from pipelines.extraction.date_mentions import MONTH
from pipelines.extraction.entities import (
    ADMIN_UNIT, MENTION_SCHEMA, STARTERS, org_key, organisation_name, with_acronyms_resolved, with_gazetteer_places,
    with_places_located_by_neighbours,
)
from pipelines.extraction.gazetteer import (
    MIN_POPULATION_FOR_ONE_WORD_ALIAS, census_genders, english_lexicon, listed_companies, places, word_list,
)
from pipelines.extraction.recogniser import (
    NAME_CONNECTORS, OUTSIDE, Model, after_honorific, candidates, in_segment, tag, tagged_spans, word_lists, word_sets,
)
from pipelines.extraction.tokens import ABBREVIATIONS, token_key, tokens_within

# Capitalised words that open a clause, never a name ("As Kremlin spokesman ..."); "The" may
# open a name ("The Hague"), so the recogniser decides on it.
CLAUSE_OPENERS = [word for word in STARTERS if word not in ("The", "A", "An")]
REGNAL_NUMBER = r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII|XIII|XIV|XV|XVI)$"
POST_NOMINALS = ["QC", "KC", "MP", "MEP", "MSP", "AM", "OBE", "MBE", "CBE", "KBE", "DBE", "PhD", "MD", "Esq"]
PRODUCT_TYPES = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "LOCATION", "NAT": "NATIONALITY", "MISC": "MISC"}
# Verbs of saying that make an unknown capitalised word beside them a speaker ("..., Mailis said",
# "said Dundar."), and the marks that close the quotation before "said X".
SPEAKING = ["said", "says", "told", "tells", "explained", "explains", "added", "adds", "wrote", "writes", "argued",
            "argues", "insisted", "insists", "recalled", "recalls", "warned", "warns", "noted", "notes"]
QUOTE_ENDS = [",", "\"", "”", "’", "'", ".", "?", "!"]
# One word naming the members of a people, a city or a sect in the plural ("Romans", "Athenians").
GROUP_MEMBERS = r"^\p{Lu}\p{Ll}+(?:an|ean|ian|ite)s$"
# Words said of a company right before "in", "of" or "at" and its name ("shares in", "chief
# executive of", "analysts at").
COMPANY_WORDS_BEFORE = [
    "shares", "stake", "stakes", "shareholders", "shareholder", "investors", "executive", "executives", "chairman",
    "chairwoman", "boss", "bosses", "subsidiary", "takeover", "analyst", "analysts", "economist", "economists",
    "strategist", "strategists", "employees", "employee", "staff", "engineer", "engineers"]
# ... and right after it: a legal form ("X plc", "X, Inc."), and where X does not look like a
# person's name, "X's profits", "X shares fell", "a X spokesman", "X said its".
LEGAL_FORM_AFTER = r"^,?\s+(?:plc|PLC|Inc|Ltd|LLC|Corp|GmbH|AG)\b"
COMPANY_WORDS_AFTER = (
    r"^(?:[’']s\s+(?:profits?|revenues?|sales|earnings|shares|share price|shareholders|chief executive|board"
    r"|subsidiary|boss|chairman|chairwoman)"
    r"|\s+shares\s+(?:fell|rose|jumped|climbed|dropped|slid|slumped|tumbled|plunged|surged|soared|gained|lost|closed"
    r"|ended|edged|dipped|were|have|had)"
    r"|\s+(?:spokesman|spokeswoman|spokesperson)|\s+(?:said|says|announced|reported)\s+its)\b")
# A surname this long that shares its first letters with a person's surname in the same article
# is that person spelt another way ("Lukashenka" for Lukashenko).
VARIANT_MIN_LENGTH, VARIANT_SHARED = 6, 7
# The most words a title or an organisation cut from the front of a person's name may have
# ("Republican FCC Commissioner").
MAX_CUT_OFF = 4
# A one-word name this long may be a misspelling of a person's surname in the same article.
MISSPELT_MIN_LENGTH = 5


def _relabelled(segments: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """Post-checks on the labels, for what the training corpora do not show:
    - an honorific (and its full stop) is never part of a name, nor a title or an occupation
      opening a person's name ("President Barack Obama" names Barack Obama, "Manager Saad Sid"
      Saad Sid), nor a function word opening a sentence ("As Kremlin spokesman ...");
    - a place or demonym right before a first name in a person's span is a name of its own
      ("Foreign Minister of France Jean Dupont");
    - a regnal number continues a person's name ("Ramesses II"), a post-nominal does not ("Guy
      Mansfield QC");
    - an ordinal or a demonym right before an organisation opens its name ("52nd Independent
      Battalion", "Russian Ministry of Defense": the Russian one is not the Belarusian one), and
      an acronym after an organisation and "of (the)" names one ("Council ... of the CIS");
    - a lone capitalised word no dictionary gives as a common word, beside a verb of saying, is a
      speaker ("..., Mailis said", "said Dundar."): news names people by surname alone;
    - a demonym no name holds is a nationality, an organisation of the curated list
      ("BelTA", "Gazprom") left outside every name is that organisation, and a dateline's
      capitalised place ("MINSK, 28 November") is that place."""
    lists = word_lists()
    token, label, next_label, previous_label = pl.col("token"), pl.col("label"), in_segment("label", -1), in_segment("label", 1)
    honorific = token.is_in(lists["honorific"]) | ((token == ".") & pl.col("prev1").is_in(lists["honorific"]))
    opens_person = (label == "B-PER") & (next_label == "I-PER")
    place_before_given = (opens_person & pl.col("place_or_nationality") & (~pl.col("given") | (pl.col("prev1") == "of"))
                          & pl.col("next_given"))
    given_after_place = ((label == "I-PER") & pl.col("prev_place") & (~pl.col("prev_given") | (pl.col("prev2") == "of"))
                         & (previous_label == "B-PER") & pl.col("given"))
    titled = token.is_in(lists["title"]) | token.is_in(lists["occupation"])
    outside = label.is_in([OUTSIDE, "B-MISC", "I-MISC"])
    alone = in_segment("token", 1).is_null() & in_segment("token", -1).is_null()
    speaker = ((label == OUTSIDE) & alone & token.str.contains(r"^\p{Lu}\p{Ll}") & (pl.col("lexicon") != "common")
               & ~pl.col("place_or_nationality") & ~token.is_in(CLAUSE_OPENERS)
               & (pl.col("next1").is_in(SPEAKING) | (pl.col("prev1").is_in(SPEAKING) & pl.col("prev2").is_in(QUOTE_ENDS)
                                                     & pl.col("next1").is_in([".", ","]))))
    dateline = (((pl.col("token_no") == 0) | pl.col("chunk").str.contains("\n")) & token.str.contains(r"^[A-Z]{3,}$")
                & (pl.col("next1") == ","))
    acronym_of_organisation = (label == OUTSIDE) & token.str.contains(r"^[A-Z]{2,6}$") & (
        ((pl.col("prev1") == "of") & in_segment("in_organisation", 2))
        | ((pl.col("prev1") == "the") & (pl.col("prev2") == "of") & in_segment("in_organisation", 3)))
    ordinal = token.str.contains(r"^\d+(?:st|nd|rd|th)$")
    qualifier = (ordinal & (label == OUTSIDE)) | (pl.col("nationality") & outside)
    qualifier_opens = qualifier & (next_label == "B-ORG")
    after_qualifier = (label == "B-ORG") & in_segment("qualifier", 1)
    # A name opens with a word: a stop or a quotation mark the recogniser took in is left out.
    starter = (token.is_in(CLAUSE_OPENERS) | ~token.str.contains(r"^\w")) & label.str.starts_with("B-")
    after_starter = label.str.starts_with("I-") & in_segment("starter", 1)
    relabelled = (
        segments.select("doc_no", "segment", "token", "token_no", "chunk", "prev1", "prev2", "next1", "given", "nationality",
                        "lexicon", "place_or_nationality", "titled_place", label=labels)
        .with_columns(next_given=in_segment("given", -1), prev_given=in_segment("given", 1),
                      prev_place=in_segment("place_or_nationality", 1))
        .with_columns(pl.col("next_given", "prev_given", "prev_place").fill_null(False))
    ).with_columns(starter=starter).with_columns(
        in_organisation=label.str.ends_with("-ORG"), qualifier=qualifier).select(
        pl.when(label.str.ends_with("PER") & (honorific | (opens_person & titled)).fill_null(False))
        .then(pl.lit(OUTSIDE))
        .when(pl.col("starter")).then(pl.lit(OUTSIDE))
        .when(after_starter.fill_null(False)).then(pl.concat_str(pl.lit("B-"), label.str.slice(2)))
        .when(place_before_given.fill_null(False))
        .then(pl.when(pl.col("nationality")).then(pl.lit("B-NAT")).otherwise(pl.lit("B-LOC")))
        .when(given_after_place.fill_null(False)).then(pl.lit("B-PER"))
        .when(qualifier_opens.fill_null(False)).then(pl.lit("B-ORG"))
        .when(after_qualifier.fill_null(False)).then(pl.lit("I-ORG"))
        .when(outside & token.is_in(lists["known_organisation"])).then(pl.lit("B-ORG"))
        .when(acronym_of_organisation.fill_null(False)).then(pl.lit("B-ORG"))
        .when(outside & dateline.fill_null(False) & pl.col("titled_place")).then(pl.lit("B-LOC"))
        .when((label == OUTSIDE) & pl.col("nationality")).then(pl.lit("B-NAT"))
        .when(speaker.fill_null(False)).then(pl.lit("B-PER"))
        .when((label == OUTSIDE) & token.str.contains(REGNAL_NUMBER) & previous_label.str.ends_with("-PER").fill_null(False))
        .then(pl.lit("I-PER"))
        .when(label.str.ends_with("-PER") & token.is_in(POST_NOMINALS) & previous_label.str.ends_with("-PER").fill_null(False))
        .then(pl.lit(OUTSIDE))
        .otherwise(label))
    return relabelled.to_series()


def _roles_cut_from_people(segments: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """A person's name holds no title and no organisation before it: where a person's span has a
    title, occupation or organisation head word ("NASA Administrator Charles Bolden", "Refugee
    Council Enver Solomon"), or a common word no first name spells right before a first name
    ("Minister of Education Stefania Giannini"; not an initial, a surname or a first name),
    followed by two or more words of the name, the name starts after it. The words cut off
    belong to the role: they are no name of a person, and an acronym among them ("NASA") is an
    organisation's; so are a span's words when it holds nothing but titles and acronyms. The
    same span read as an organisation ("Housing Council Peter Marsh") ends at
    its head word where a first name and one last word follow it: those two are a person."""
    lists = word_lists()
    label, token = pl.col("label"), pl.col("token")
    role_word = token.is_in(lists["title"]) | token.is_in(lists["occupation"]) | token.is_in(lists["org_head"])
    frame = segments.select("segment", "token", "given", "surname", "lexicon", label=labels).with_columns(
        person=label.str.ends_with("-PER"), role_word=role_word,
        org_head=token.is_in(lists["org_head"]) & label.str.ends_with("-ORG"),
        common_word=(pl.col("lexicon") == "common") & ~pl.col("given") & ~pl.col("surname") & (token.str.len_chars() >= 3))
    capitalised = token.str.contains(r"^\p{Lu}")
    cut = (
        (label == "I-PER") & in_segment("person", 1) & (in_segment("label", -1) == "I-PER") & capitalised
        & (in_segment("role_word", 1) | (in_segment("common_word", 1) & pl.col("given")))
    ).fill_null(False)
    person_after_head = (
        (label == "I-ORG") & in_segment("org_head", 1) & pl.col("given") & capitalised
        & (in_segment("label", -1) == "I-ORG") & in_segment("token", -1).str.contains(r"^\p{Lu}\p{Ll}")
        & (in_segment("label", -2) != "I-ORG").fill_null(True)
    ).fill_null(False)
    # The words before a cut in its span: a chain of I-PER labels leads from them to it.
    chain, cut_ahead = pl.lit(True), pl.lit(False)
    for distance in range(1, MAX_CUT_OFF + 1):
        chain = chain & (in_segment("label", -distance) == "I-PER")
        cut_ahead = cut_ahead | (chain & in_segment("cut", -distance))
    # A person's span made of titles and acronyms only ("Laura Fenwick, FAA Administrator,") names no one.
    opens_span = label.str.starts_with("B-") | ~pl.col("person") | (pl.col("segment") != pl.col("segment").shift(1))
    acronym = token.str.contains(r"^[A-Z]{2,6}$")
    person_rows = frame.with_row_index("row").with_columns(span=opens_span.fill_null(True).cum_sum()).filter("person")
    untitled = (
        person_rows.group_by("span")
        .agg(pl.col("row"), role_only=(pl.col("role_word") | acronym).all() & pl.col("role_word").any())
        .filter("role_only").select(pl.col("row").explode())
    )
    spans = frame.with_columns(cut=cut, person_after_head=person_after_head).with_columns(
        cut_off=pl.col("person") & (cut_ahead.fill_null(False) | pl.int_range(pl.len()).is_in(untitled["row"].implode())))
    cut_off = pl.col("cut_off")
    return spans.select(
        pl.when(pl.col("cut") | pl.col("person_after_head")).then(pl.lit("B-PER"))
        .when(pl.col("person_after_head").shift(1).fill_null(False)).then(pl.lit("I-PER"))
        .when(cut_off & token.str.contains(r"^[A-Z]{2,6}$") & ~pl.col("role_word")).then(pl.lit("B-ORG"))
        .when(cut_off).then(pl.lit(OUTSIDE))
        .otherwise(label)).to_series()


@cache
def _role_words_any_case() -> pl.Series:
    """Titles and occupations as written before a name, capitalised or not ("spokeswoman",
    "General"), for one `is_in`."""
    words = word_sets()["title"] | word_sets()["occupation"]
    return pl.Series(sorted(words | {word.lower() for word in words}), dtype=pl.String).implode()


def _people_after_titles(segments: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """Words the recogniser left outside every name that a title, an occupation or an honorific
    introduces are a person's name: an honorific's one word ("Mr. Toccafondi"), a title's or
    occupation's two ("spokeswoman Sujata Raisinghani", "director General Suleiman al-Amr"),
    where neither is a common word, a place or a nationality: news names people after their
    role, and names the recogniser has not seen are the ones it leaves out."""
    lists = word_lists()
    token, prev1 = pl.col("token"), pl.col("prev1")
    honorific_before = prev1.is_in(lists["honorific"]) | ((prev1 == ".") & pl.col("prev2").is_in(lists["honorific"]))
    role_before = prev1.is_in(_role_words_any_case())
    frame = segments.select("segment", "token", "prev1", "prev2", "lexicon", "place_or_nationality", label=labels).with_columns(
        name_word=(pl.col("label") == OUTSIDE) & token.str.contains(r"^(?:\p{Lu}\p{Ll}|(?:al|el|bin|ibn)-\p{Lu})")
        & (pl.col("lexicon") != "common") & ~pl.col("place_or_nationality"))
    second = in_segment("name_word", -1).fill_null(False)
    opens = (pl.col("name_word") & ((honorific_before & ~role_before) | (role_before & second))).fill_null(False)
    return frame.with_columns(opens=opens).select(
        pl.when("opens").then(pl.lit("B-PER"))
        .when(in_segment("opens", 1).fill_null(False) & pl.col("name_word")).then(pl.lit("I-PER"))
        .otherwise(pl.col("label"))).to_series()


def _free_runs() -> pl.Expr:
    """A number for each run of consecutive `free` candidates within a segment (other rows each
    get a number of their own)."""
    return (~pl.col("free") | (pl.col("segment") != pl.col("segment").shift(1)) | ~pl.col("free").shift(1)) \
        .fill_null(True).cum_sum()


def _completed_names(segments: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """A name the recogniser stopped on a connector ("Council of | Defense Ministers") goes on
    through the capitalised words after it; a connector that still ends a name leaves it."""
    connectors = pl.Series(NAME_CONNECTORS).implode()
    frame = segments.select("segment", "token", label=labels).with_columns(
        free=(pl.col("label") == OUTSIDE) & pl.col("token").str.contains(r"^\p{Lu}"),
        open_end=pl.col("label").str.starts_with("I-") & pl.col("token").is_in(connectors))
    runs = frame.with_columns(run=_free_runs())
    opener = pl.when(pl.col("free") & (pl.col("run") != pl.col("run").shift(1)) & in_segment("open_end", 1).fill_null(False))
    continued = runs.with_columns(type=opener.then(in_segment("label", 1).str.slice(2))).with_columns(
        type=pl.when(pl.col("free")).then(pl.col("type").first().over("run")))
    extended = continued.select("segment", "token", label=pl.when(pl.col("type").is_not_null())
                                .then(pl.concat_str(pl.lit("I-"), "type")).otherwise(pl.col("label")))
    dangling = (pl.col("label").str.starts_with("I-") & pl.col("token").is_in(connectors)
                & ~in_segment("label", -1).str.starts_with("I-").fill_null(False))
    for _ in range(2):  # "of the" at the end: both go
        extended = extended.with_columns(label=pl.when(dangling).then(pl.lit(OUTSIDE)).otherwise(pl.col("label")))
    return extended["label"]


def _headed_organisations(segments: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """Two or more capitalised words left outside every name, with the connectors between them,
    and ending in an organisation's head word are an organisation ("International Military
    Center", "Prosecutor General's Office"), with a demonym right before them, unless they are the whole line: a title ("Great
    Service!", "Pre-Election Edition of the Health Wonk Review")."""
    heads = word_lists()["org_head"]
    capitalised = pl.col("token").str.contains(r"^\p{Lu}")
    runs = segments.select("segment", "token", "prev1", "next1", label=labels).with_columns(
        row=pl.int_range(pl.len()), free=pl.col("label") == OUTSIDE, capitalised=capitalised).with_columns(run=_free_runs())
    # Runs that qualify, found by aggregates over the free tokens; connectors after the run's last
    # capitalised word ("... Center of the | Russian ...") stay out of the name.
    named = (
        runs.filter("free").group_by("run")
        .agg(first=pl.col("row").min(), last_capital=pl.col("row").filter("capitalised").max(),
             capitals=pl.col("capitalised").sum(), opens_capitalised=pl.col("capitalised").sort_by("row").first(),
             head=pl.col("token").sort_by("row").filter(pl.col("capitalised").sort_by("row")).last(),
             opens_line=pl.col("prev1").sort_by("row").first() == "<s>",
             closes_line=pl.col("next1").sort_by("row").last().is_in(["</s>", ".", "!", "?"]))
        .filter((pl.col("capitals") >= 2) & pl.col("opens_capitalised") & pl.col("head").is_in(heads)
                & ~(pl.col("opens_line") & pl.col("closes_line")))
        .select("first", "last_capital")
    )
    # A demonym right before opens the name, as it does before a name the recogniser found
    # ("Russian Defense Ministry": the Russian one is not the Belarusian one).
    demonym_before = runs.select(first=pl.col("row") + 1, segment_before="segment",
                                 demonym_before=pl.col("label") == "B-NAT")
    named = (
        named.join(runs.select(first="row", segment="segment"), on="first")
        .join(demonym_before, on="first", how="left")
        .select(first=pl.when(pl.col("demonym_before") & (pl.col("segment_before") == pl.col("segment")))
                .then(pl.col("first") - 1).otherwise(pl.col("first")), last_capital="last_capital")
    )
    spans = named.select(row=pl.int_ranges("first", pl.col("last_capital") + 1), opens=pl.col("first")).explode("row")
    return (
        runs.join(spans, on="row", how="left", maintain_order="left")
        .select(pl.when(pl.col("opens") == pl.col("row")).then(pl.lit("B-ORG"))
                .when(pl.col("opens").is_not_null()).then(pl.lit("I-ORG")).otherwise(pl.col("label")))
        .to_series()
    )


def _consistent_in_document(segments: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """A person named once in an article is the same person later: a capitalised word left
    outside every name that is tagged a person elsewhere in the article, alone or as the
    surname of a full name ("Trump" after "Donald Trump"), is that person; and an acronym whose
    letters are the initials of an organisation named in the article is that organisation; so
    is a person's given name alone ("Seth" after "Seth Marlowe") where the census gives it as a
    given name, and an organisation's head word after "the" ("the Commission" after "the
    European Commission"), for the article's aliases to join; a first name right before such a
    surname is its first name. A title is not spread: in "FAA Administrator" after a name,
    "Administrator" is no surname. (Spreading every one-word name this way mostly spreads
    capitalised common words.)"""
    lists = word_lists()
    spans = tagged_spans(segments, labels)
    known = (
        pl.concat([
            spans.filter((pl.col("type") == "PER") & (pl.col("words").list.len() == 1))
            .select("doc_no", "type", word=pl.col("words").list.first(), where=pl.lit("anywhere")),
            spans.filter((pl.col("type") == "PER") & (pl.col("words").list.len() >= 2))
            .select("doc_no", "type", word=pl.col("words").list.last(), where=pl.lit("anywhere")),
            spans.filter((pl.col("type") == "PER") & (pl.col("words").list.len() >= 2))
            .select("doc_no", "type", word=pl.col("words").list.first(), where=pl.lit("given")),
            # An acronym of an organisation named in full ("CIS" for Commonwealth of Independent States).
            spans.filter((pl.col("type") == "ORG") & (pl.col("words").list.len() >= 2)).select(
                "doc_no", "type", word=pl.col("text").str.extract_all(r"\b\p{Lu}").list.join(""), where=pl.lit("anywhere")),
            spans.filter((pl.col("type") == "ORG") & (pl.col("words").list.len() >= 2)
                         & pl.col("words").list.last().is_in(lists["org_head"]))
            .select("doc_no", "type", word=pl.col("words").list.last(), where=pl.lit("after the")),
        ])
        .group_by("doc_no", "word", "type", "where").len()
        .sort("doc_no", "word", "len", "type", "where", descending=[False, False, True, False, False])
        .unique(["doc_no", "word"], keep="first", maintain_order=True)
        .select("doc_no", "where", token="word", known_type="type")
    )
    where = pl.col("where")
    # A given name spreads only standing alone: before another name word it opens a full name.
    fits = ((where == "anywhere") | ((where == "given") & pl.col("given") & in_segment("token", -1).is_null())
            | ((where == "after the") & (pl.col("prev1").str.to_lowercase() == "the")))
    spread = (
        segments.select("doc_no", "segment", "token", "given", "surname", "lexicon", "prev1", label=labels)
        .join(known, on=["doc_no", "token"], how="left", maintain_order="left")
        .with_columns(label=pl.when((pl.col("label") == OUTSIDE) & pl.col("known_type").is_not_null()
                                    & pl.col("token").str.contains(r"^\p{Lu}") & fits.fill_null(False)
                                    & ~pl.col("token").is_in(_role_words_any_case()))
                      .then(pl.concat_str(pl.lit("B-"), "known_type")).otherwise(pl.col("label")))
    )
    # A first name left outside right before a surname tagged a person alone is that person's
    # first name ("campaigner Caitlin Boswell" where the article tags "Boswell"); a word that is
    # also a common word or an honorific is not taken for one ("Will", "Prince", "Star Trek"),
    # nor a month for a surname ("Corina July" is a date after a name).
    lone_person = ((pl.col("label") == "B-PER") & (in_segment("label", -1) != "I-PER").fill_null(True) & pl.col("surname")
                   & pl.col("token").str.contains(r"^\p{Lu}\p{Ll}+$") & ~pl.col("token").str.contains(rf"^{MONTH}$"))
    first_name = ((pl.col("label") == OUTSIDE) & pl.col("given") & pl.col("token").str.contains(r"^\p{Lu}\p{Ll}")
                  & (pl.col("lexicon") != "common") & ~pl.col("token").is_in(lists["honorific"])
                  & ~pl.col("token").is_in(lists["title"]) & in_segment("lone_person", -1)).fill_null(False)
    return (
        spread.with_columns(lone_person=lone_person).with_columns(first_name=first_name)
        .select(pl.when("first_name").then(pl.lit("B-PER"))
                .when(in_segment("first_name", 1).fill_null(False)).then(pl.lit("I-PER")).otherwise(pl.col("label")))
        .to_series()
    )


def named_mentions(tokens: pl.DataFrame, model: Model | None = None) -> pl.DataFrame:
    """Mentions by name (no pronouns yet), typed PERSON, ORGANIZATION, LOCATION or NATIONALITY,
    each with the merge key of its entity and, for places, the country."""
    segments = candidates(tokens)
    labels = _roles_cut_from_people(segments, _relabelled(segments, _completed_names(segments, tag(segments, model))))
    labels = _people_after_titles(segments, labels)
    labels = _consistent_in_document(segments, _headed_organisations(segments, labels))
    spans = (
        tagged_spans(segments, labels)
        # The surname after an honorific is a person's, whatever else it could be ("Mr Houston").
        .with_columns(type=pl.when(after_honorific()).then(pl.lit("PER")).otherwise(pl.col("type")))
        .with_columns(type=pl.col("type").replace_strict(PRODUCT_TYPES))
    )
    # The full stop of an initial or an abbreviation ending a name belongs to it ("U.S.", "Corp.").
    abbreviated = (pl.col("words").list.last().str.contains(r"^\p{Lu}$") | pl.col("words").list.last().is_in(ABBREVIATIONS)) \
        & pl.col("following").str.starts_with(".")
    spans = _organisations_joined(spans.with_columns(
        end=pl.col("end") + abbreviated.cast(pl.Int64), text=pl.col("text") + pl.when(abbreviated).then(pl.lit(".")).otherwise(pl.lit("")),
        following=pl.when(abbreviated).then(pl.col("following").str.slice(1)).otherwise(pl.col("following"))))
    # "Grodno region", "Mosul district": the lower-case unit word belongs to the place's name.
    unit = pl.when(pl.col("type") == "LOCATION").then(pl.col("following").str.extract(ADMIN_UNIT))
    unit_length = pl.col("unit").str.len_chars().fill_null(0).cast(pl.Int64)
    spans = spans.with_columns(unit=unit).with_columns(
        end=pl.col("end") + unit_length, text=pl.col("text") + pl.col("unit").fill_null(""),
        following=pl.col("following").str.slice(unit_length)).drop("unit")
    # Places and nationalities take their country from the gazetteers, and so do other names
    # that are demonyms ("Belarusian"); the rest of the other names go. A person named in two
    # words is never a place, but a lone word may be (`_lone_places`). A demonym alone is a
    # nationality whatever the recogniser says ("the Belarusian leader").
    gazetteer_typed = pl.col("place_type").is_not_null() & (
        pl.col("type").is_in(["LOCATION", "NATIONALITY", "MISC"]) | (pl.col("place_type") == "NATIONALITY"))
    placed = _lone_places(with_gazetteer_places(spans)).with_columns(
        type=pl.when(gazetteer_typed & ((pl.col("type") != "MISC") | (pl.col("place_type") == "NATIONALITY")))
        .then(pl.col("place_type")).otherwise(pl.col("type")),
    ).with_columns(
        country=pl.when(pl.col("type").is_in(["LOCATION", "NATIONALITY"])).then(pl.col("place_country")),
        place_name=pl.when(pl.col("type").is_in(["LOCATION", "NATIONALITY"])).then(pl.col("place_name")),
    )
    # A party's nickname or its members ("Tory", "the Tories") name the party.
    placed = placed.with_columns(type=pl.when(organisation_name(pl.col("text")).is_not_null()).then(pl.lit("ORGANIZATION"))
                                 .otherwise(pl.col("type")))
    # A listed company the recogniser took for a person or a place ("Volkswagen said") is the
    # company; a person's two-word name or first name is left theirs ("Walt Disney", "Douglas").
    companies = _listed(placed["text"], listed_companies())
    first_names = _listed(companies.explode(), word_sets()["given"])
    listed = (pl.col("text").is_in(companies) & ~pl.col("text").is_in(first_names)
              & pl.col("place_type").is_null() & pl.col("type").is_in(["PERSON", "LOCATION", "MISC"])
              & ~after_honorific().fill_null(False) & ((pl.col("type") != "PERSON") | (pl.col("words").list.len() == 1)))
    placed = _companies_by_context(placed.with_columns(
        type=pl.when(listed).then(pl.lit("ORGANIZATION")).otherwise(pl.col("type"))))
    # A people named by its members ("the Romans", "Spartans", "Europeans") is no person.
    plural = (pl.col("type") == "PERSON") & pl.col("text").str.contains(GROUP_MEMBERS)
    members = plural & ~pl.col("text").is_in(_listed(placed.filter(plural)["text"], word_sets()["surname"]))
    placed = placed.with_columns(type=pl.when(members).then(pl.lit("MISC")).otherwise(pl.col("type")))
    typed = with_places_located_by_neighbours(placed.filter(pl.col("type") != "MISC"))
    typed = typed.join(_surnames_resolved(typed), on=["doc_id", "start"], how="left").with_columns(
        type=pl.when(pl.col("full_name").is_not_null() & ~pl.col("company")).then(pl.lit("PERSON"))
        .otherwise(pl.col("type")))
    mentions = typed.with_columns(
        key=pl.when(pl.col("type") == "PERSON").then(pl.coalesce("full_name", "text"))
        .when(pl.col("type") == "ORGANIZATION").then(org_key(pl.coalesce(organisation_name(pl.col("text")), "text")))
        .otherwise(pl.coalesce("place_name", "text")))
    return with_acronyms_resolved(
        pl.concat([mentions.select(list(MENTION_SCHEMA)), _places_inside_organisations(mentions, tokens)]).sort("doc_id", "start"))


def _listed(words: pl.Series, names: frozenset[str]) -> pl.Series:
    """The distinct `words` that `names` holds, for `is_in`: the few words of some candidate
    spans looked up in a Python set (`is_in` on a list of 20,000 names would hash it per call)."""
    return pl.Series([w for w in words.drop_nulls().unique().to_list() if w in names], dtype=pl.String).implode()


def _lone_places(spans: pl.DataFrame) -> pl.DataFrame:
    """`spans` (with their gazetteer places) where a lone word the recogniser took for a person
    is the very name of a country or a large city, typed LOCATION: "Kenya said" is the country.
    Not after an honorific or a title ("Ms Paris", "President Chad"), not a common word ("Man",
    the isle), and a first name ("Paris", "Austin") only where the article also has it as a
    place ("in Paris") or lists it with another place ("Paris and Berlin"). A surname of a person
    named in full stays theirs (`_surnames_resolved`)."""
    large_place = (pl.col("place_type") == "LOCATION") & (pl.col("text") == pl.col("place_name")) & (
        (pl.col("place_population") == 0) | (pl.col("place_population") >= MIN_POPULATION_FOR_ONE_WORD_ALIAS))
    lone = ((pl.col("type") == "PERSON") & (pl.col("words").list.len() == 1) & large_place & ~after_honorific()
            & ~pl.col("prev1").is_in(word_lists()["title"])).fill_null(False)
    listed_before = pl.when(pl.col("prev1").is_in([",", "and", "or"])).then(pl.col("prev2"))
    listed_after = pl.col("following").str.extract(r"^(?:,| and| or)\s+(\p{Lu}[\w-]+)")
    candidates = spans.filter(lone).select("text", before=listed_before, after=listed_after)
    common = english_lexicon()[0]
    uncommon = pl.Series([w for w in candidates["text"].unique().to_list() if w.lower() not in common], dtype=pl.String)
    first_names = _listed(uncommon, word_sets()["given"])
    places_listed = _listed(pl.concat([candidates["before"], candidates["after"]]), word_sets()["place"])
    beside_place = listed_before.is_in(places_listed).fill_null(False) | listed_after.is_in(places_listed).fill_null(False)
    place = pl.lit("LOCATION")
    lone = lone & pl.col("text").is_in(uncommon.implode())
    return spans.with_columns(lone=lone).with_columns(
        type=pl.when(pl.col("lone") & (~pl.col("text").is_in(first_names) | beside_place)).then(place)
        .otherwise(pl.col("type"))
    ).with_columns(
        type=pl.when(pl.col("lone") & (pl.col("type") == "LOCATION").any().over("doc_id", "text")).then(place)
        .otherwise(pl.col("type"))
    ).drop("lone")


def _companies_by_context(spans: pl.DataFrame) -> pl.DataFrame:
    """`spans` with a `company` flag, names typed ORGANIZATION where the words around one of
    their mentions in the article are said of a company ("shares in X", "chief executive of X",
    "analysts at X", "X plc"; and "X's profits", "a X spokesman" where X does not look like a
    person's name: "Greg's sales" are a salesman's), whatever the recogniser typed: names of
    companies are often surnames or unknown words to it. Places the gazetteers know are left as
    they are ("Russia's board"), and so is a name the article gives a person's honorific."""
    first, last = pl.col("words").list.first(), pl.col("words").list.last()
    flagged = spans.select("doc_id", "text", "words", "type", "place_type", "prev1", "prev2",
                           weak=pl.col("following").str.contains(COMPANY_WORDS_AFTER),
                           legal=pl.col("following").str.contains(LEGAL_FORM_AFTER))
    candidates = flagged.filter("weak")
    person_like = (first.is_in(_listed(candidates.select(first).to_series(), word_sets()["given"]))
                   | last.is_in(_listed(candidates.select(last).to_series(), word_sets()["surname"]))
                   | ((pl.col("type") == "PERSON") & (pl.col("words").list.len() >= 2)))
    said_before = pl.col("prev1").is_in(["in", "of", "at"]) & pl.col("prev2").str.to_lowercase().is_in(COMPANY_WORDS_BEFORE)
    cued = (said_before | pl.col("legal") | (pl.col("weak") & ~person_like)) & pl.col("place_type").is_null()
    names = ["doc_id", "text"]
    companies = flagged.filter(cued.fill_null(False)).select(names).unique().join(
        flagged.filter(after_honorific().fill_null(False)).select(names).unique(), on=names, how="anti")
    flags = companies.with_columns(company=pl.lit(True))
    return (
        spans.join(flags, on=names, how="left", maintain_order="left")
        .with_columns(company=pl.col("company").fill_null(False))
        .with_columns(type=pl.when("company").then(pl.lit("ORGANIZATION")).otherwise(pl.col("type")))
    )


def _organisations_joined(spans: pl.DataFrame) -> pl.DataFrame:
    """An organisation named by its head word, then "of" or "of the" and an organisation or place
    without a head word of its own, is one organisation ("Council of Defense Ministers of the
    CIS", "Ministry of Defence of Belarus"; the place inside still becomes a mention of its own
    for roles). With heads on both sides they are two ("International Military Center of the
    Russian Defense Ministry")."""
    heads = sorted(word_list("org_heads"))
    gap_length = (pl.col("start") - pl.col("end").shift(1)).clip(0, len(" of the "))
    gap = pl.col("following").shift(1).str.slice(0, gap_length)
    joins_previous = (
        (pl.col("doc_id") == pl.col("doc_id").shift(1)) & (pl.col("sentence") == pl.col("sentence").shift(1))
        & (pl.col("type").shift(1) == "ORGANIZATION") & pl.col("type").is_in(["ORGANIZATION", "LOCATION"])
        & pl.col("words").shift(1).list.eval(pl.element().is_in(heads)).list.any()
        & ~pl.col("words").list.eval(pl.element().is_in(heads)).list.any()
        & gap.is_in([" of ", " of the "])
        # The gap is all that lies between the two: in "the Council of Defense Ministers of the
        # year, Mosul" Mosul is no part of the council's name.
        & (pl.col("end").shift(1) + gap.str.len_chars() == pl.col("start"))
    ).fill_null(False)
    return (
        spans.with_columns(joins=joins_previous, gap=pl.when(joins_previous).then(gap).otherwise(pl.lit("")))
        .with_columns(group=(~pl.col("joins")).cum_sum())
        .group_by("group", maintain_order=True)
        .agg(pl.col("doc_id", "doc_no", "sentence", "start", "prev1", "prev2").first(),
             type=pl.when(pl.len() > 1).then(pl.lit("ORGANIZATION")).otherwise(pl.col("type").first()),
             end=pl.col("end").last(), text=pl.concat_str("gap", "text").str.join(""),
             words=pl.col("words").list.explode(keep_nulls=False, empty_as_null=False), following=pl.col("following").last())
        .select(spans.columns)
    )


def _surnames_resolved(typed: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, start, full_name) of one-word names that are the surname of a person named in
    full in the same article ("Blair" after "Tony Blair", "Lukashenka" for Lukashenko): a name
    tagged once is the same entity later. A first name is no spelling of a surname it begins
    ("William" is not Rowan Williams), and an honorific whose gender conflicts with the first
    name rules a person out ("Mrs Grant" is not Martin Grant). Where two people share the
    surname, the one named last before the mention is meant, else the first after it. A first
    name alone is the one person of the article with that first name."""
    people = typed.filter((pl.col("type") == "PERSON") & (pl.col("words").list.len() >= 2)).select(
        "doc_id", person_start="start", surname=pl.col("words").list.last().str.replace(r"^(?:al|Al|el|El)-", ""),
        full="text", first_name=pl.col("words").list.first())
    first_names = people["first_name"].unique().to_list()
    genders = census_genders()
    people = people.with_columns(first_name_gender=pl.col("first_name").replace_strict(
        first_names, [genders.get(name) for name in first_names], return_dtype=pl.String))
    honorific = pl.when(pl.col("prev1") == ".").then(pl.col("prev2")).otherwise(pl.col("prev1"))
    lone = typed.filter(pl.col("words").list.len() == 1).select(
        "doc_id", "start", "text", "type", titled=pl.col("prev1").is_in(word_lists()["title"]).fill_null(False),
        honorific_gender=pl.when(honorific.is_in(MALE_HONORIFICS)).then(pl.lit("male"))
        .when(honorific.is_in(FEMALE_HONORIFICS)).then(pl.lit("female")))
    # Pairs that share the surname, or its first letters (a spelling variant), found by joins.
    exact = lone.join(people, left_on=["doc_id", "text"], right_on=["doc_id", "surname"]).with_columns(
        surname=pl.col("text"))
    prefix = pl.col("text").str.slice(0, VARIANT_SHARED)
    variant = (
        lone.filter((pl.col("type") == "PERSON") & (pl.col("text").str.len_chars() >= VARIANT_MIN_LENGTH))
        .with_columns(prefix=prefix)
        .join(people.with_columns(prefix=pl.col("surname").str.slice(0, VARIANT_SHARED)), on=["doc_id", "prefix"])
        .filter(~pl.col("surname").str.starts_with(pl.col("text")) & ~pl.col("text").str.starts_with(pl.col("surname")))
        .drop("prefix")
    )
    variant = pl.concat([variant, _misspelt_surnames(lone, people).select(variant.columns)])
    # A first name alone is the one person of the article with that first name ("Dan" after "Dan
    # Lieberman"), unless a title makes it a ruler's or a royal's ("Prince William"); a person
    # named by an initial after the first name ("Jake R") is too uncertain to take it.
    single_first_names = people.filter((pl.col("full").n_unique().over("doc_id", "first_name") == 1)
                                       & (pl.col("surname").str.len_chars() >= 2))
    alone = lone.filter((pl.col("type") == "PERSON") & ~pl.col("titled"))
    by_first_name = (
        alone.filter(pl.col("text").is_in(_listed(alone["text"], word_sets()["given"])))
        .join(single_first_names, left_on=["doc_id", "text"], right_on=["doc_id", "first_name"])
        .with_columns(first_name=pl.col("text"))
    )
    conflict = (pl.col("honorific_gender") != pl.col("first_name_gender")).fill_null(False)
    return (
        pl.concat([exact.select(variant.columns).with_columns(match=pl.lit(0)), variant.with_columns(match=pl.lit(1)),
                   by_first_name.select(variant.columns).with_columns(match=pl.lit(2))])
        .filter(~conflict)
        # The surname wins, then its spelling variant, then the first name; then the nearest full
        # name before, then after; ties by name: the choice must not depend on join order, or ids
        # flap between runs.
        .sort("doc_id", "start", "match", pl.col("person_start") > pl.col("start"),
              (pl.col("person_start") - pl.col("start")).abs(), "full")
        .unique(["doc_id", "start"], keep="first", maintain_order=True)
        .select("doc_id", "start", full_name=pl.col("full"))
    )


def _misspelt_surnames(lone: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """Pairs of a one-word person and a person named in full whose surname it misspells ("Ms
    Bauchtman" for Lydia Buchtmann, "Water said" for Kathryn Waters): a word no census lists as
    a surname or a first name (a real surname is another person: Johnston is not Johnson), of
    MISSPELT_MIN_LENGTH letters or more, with the surname's first letter, one edit away from it
    (two from a long one). The few candidate pairs are compared in Python."""
    unknown = lone.filter((pl.col("type") == "PERSON") & (pl.col("text").str.len_chars() >= MISSPELT_MIN_LENGTH)
                          & pl.col("text").str.contains(r"^\p{Lu}\p{Ll}+$"))
    listed = pl.concat([_listed(unknown["text"], word_sets()["surname"]).explode(),
                        _listed(unknown["text"], word_sets()["given"]).explode()]).drop_nulls().implode()
    length_gap = (pl.col("text").str.len_chars().cast(pl.Int64) - pl.col("surname").str.len_chars().cast(pl.Int64)).abs()
    allowed = pl.when(pl.col("surname").str.len_chars() >= 8).then(2).otherwise(1)
    surnames = people.select("doc_id", text="surname").unique()
    pairs = (
        unknown.filter(~pl.col("text").is_in(listed)).join(surnames, on=["doc_id", "text"], how="anti")
        .join(people, on="doc_id")
        .filter((pl.col("text").str.slice(0, 1) == pl.col("surname").str.slice(0, 1)) & (length_gap <= allowed))
    )
    distinct = pairs.select("text", "surname", allowed=allowed).unique()
    close = distinct.filter(pl.Series([_edit_distance(word, surname) <= limit for word, surname, limit in distinct.iter_rows()],
                                      dtype=pl.Boolean))
    return pairs.join(close.select("text", "surname"), on=["text", "surname"])


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two short words."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def _places_inside_organisations(mentions: pl.DataFrame, tokens: pl.DataFrame) -> pl.DataFrame:
    """Places and nationalities named inside an organisation's name ("Russian Defense
    Ministry"), as mentions of their own: roles take their country from them. Each is a token of
    the name, at that token's offsets: a word the name repeats ("Duran Duran", "CBS Radio CBS")
    is a mention wherever it stands, never twice where it first stands."""
    gazetteer = places().filter((pl.col("population") == 0) | (pl.col("population") >= MIN_POPULATION_FOR_ONE_WORD_ALIAS))
    organisations = mentions.filter((pl.col("type") == "ORGANIZATION") & (pl.col("words").list.len() > 1))
    inside = token_key().is_in(tokens_within(tokens, organisations).implode())
    return (
        tokens.filter(inside)
        .join(gazetteer.select("alias", inner_type="type", inner_country="country"), left_on="token", right_on="alias")
        .select("doc_id", "start", "end", text="token", type="inner_type", sentence="sentence", key="token",
                country="inner_country")
    )
