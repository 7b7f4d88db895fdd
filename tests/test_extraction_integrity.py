"""The integrity of extracted facts (pipelines/extraction/integrity.py): article_violations
flags what the warehouse's SQL checks flag, the causes of duplicated keys and unsliced offsets
found in real text stay fixed, and no text, arbitrary or from the corpora in ../shared, gets rows
that break a table's key, its offsets or its entity ids."""

from __future__ import annotations

import gzip
import importlib
import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings, strategies as st

from pipelines.extraction.entities import merge_entities
from pipelines.extraction.facts import BATCH_SIZE, extract_facts
from pipelines.extraction.integrity import NATURAL_KEYS, article_violations

ARTICLE = (
    "MINSK, 28 November (BelTA) – Belarusian Defence Minister Viktor Khrenin met Russian Defence Minister Andrei "
    "Belousov in Minsk on 28 November 2025, the ministry said. \"We agreed on joint exercises of 5,000 troops,\" "
    "Khrenin told reporters.\n\n“The talks went well and we will meet again,” Belousov said. The deal is worth $3bn."
    "\n\n\"It goes on for a long time  \n\n\"And on and on,\" he said."
)
OTHER = "Polish President Andrzej Duda met Olaf Scholz in Berlin on June 24. “We talked,” Duda said."
ARTICLE_SCHEMA = {"doc_id": pl.String, "text": pl.String}


def articles_of(*texts: str) -> pl.DataFrame:
    return pl.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)}, schema=ARTICLE_SCHEMA)


@pytest.fixture(scope="module")
def sound() -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    articles = articles_of(ARTICLE, OTHER)
    return articles, extract_facts(articles)


def reasons(articles: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> dict[str, str]:
    return dict(article_violations(articles, tables).iter_rows())


def changed(tables: dict[str, pl.DataFrame], name: str, frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {**tables, name: frame}


def test_sound_rows_break_nothing(sound):
    articles, tables = sound
    assert all(tables[name].height for name in NATURAL_KEYS), "the article exercises every table"
    assert tables["quotes"].filter(pl.col("quote") == "It goes on for a long time").height == 1, "an unclosed quote"
    assert reasons(articles, tables) == {}


def test_empty_or_missing_tables_break_nothing(sound):
    articles, tables = sound
    for given_tables in ({name: frame.clear() for name, frame in tables.items()}, {}, {"quotes": pl.DataFrame()}):
        violations = article_violations(articles, given_tables)
        assert violations.height == 0 and violations.schema == {"doc_id": pl.String, "reason": pl.String}


def test_a_duplicated_key_is_flagged_with_the_key(sound):
    articles, tables = sound
    mentions = tables["entity_mentions"]
    first = mentions.filter(pl.col("doc_id") == "d0").sort("start").head(1)
    assert reasons(articles, changed(tables, "entity_mentions", pl.concat([mentions, first]))) == {
        "d0": f"entity_mentions: 2 rows share a key ({first['start'][0]}, {first['end'][0]})"}
    events = tables["events"]
    meeting = events.filter(pl.col("kind") == "meeting").head(1)
    assert reasons(articles, changed(tables, "events", pl.concat([events, meeting.with_columns(trigger=pl.lit("talks"))]))) == {
        "d0": f"events: 2 rows share a key ({meeting['sentence'][0]}, meeting)"}


def test_offsets_that_do_not_slice_the_text_are_flagged(sound):
    articles, tables = sound
    amounts = tables["amounts"].sort("doc_id", "start")
    shifted = amounts.with_columns(start=pl.when(pl.int_range(pl.len()) == 0).then(pl.col("start") + 1).otherwise("start"))
    row = shifted.row(0, named=True)
    assert reasons(articles, changed(tables, "amounts", shifted)) == {
        row["doc_id"]: f"amounts: text is not text[start:end] (1 rows, first at ({row['start']}, {row['end']}))"}
    beyond = tables["date_mentions"].with_columns(end=pl.col("end") + 10_000)
    assert set(reasons(articles, changed(tables, "date_mentions", beyond))) == set(beyond["doc_id"])


def test_quotes_start_at_a_mark_and_hold_the_text_between_the_marks(sound):
    articles, tables = sound
    quotes = tables["quotes"].filter(pl.col("doc_id") == "d0").sort("start")
    assert quotes.height == 3
    for broken, count in ((quotes.with_columns(start=pl.col("start") + 1), 3),  # not at the mark
                          (quotes.with_columns(quote=pl.col("quote") + "!"), 3),  # not the text between the marks
                          # Past the closing mark; the unclosed quote's end is in white space, so one
                          # character more still ends it.
                          (quotes.with_columns(end=pl.col("end") + 1), 2)):
        found = reasons(articles, changed(tables, "quotes", broken))
        assert found["d0"].startswith(f"quotes: not a quotation mark's quote ({count} rows, first at (")
    # The quote left open at its paragraph's end runs to the paragraph's end, its trailing spaces dropped.
    unclosed = quotes.filter(~pl.col("quote").str.starts_with("We") & ~pl.col("quote").str.starts_with("The"))
    assert unclosed["quote"].to_list() == ["It goes on for a long time"]
    start, end = unclosed.row(0, named=True)["start"], unclosed.row(0, named=True)["end"]
    assert ARTICLE[start] == '"' and ARTICLE[start + 1:end] == "It goes on for a long time  "


def test_entity_ids_must_resolve_to_the_articles_own_entities(sound):
    articles, tables = sound
    quotes = tables["quotes"].with_columns(speaker_entity_id=pl.lit("PERSON:Nobody"))
    assert reasons(articles, changed(tables, "quotes", quotes)) == {
        doc: "quotes.speaker_entity_id: " + str(n) + " ids not in article_entities (first PERSON:Nobody)"
        for doc, n in quotes.group_by("doc_id").len().iter_rows()}
    # An id of the other article's entities does not resolve in this one.
    events = tables["events"].with_columns(
        actor_entity_ids=pl.when(pl.col("doc_id") == "d0").then(pl.lit(["PERSON:Olaf Scholz"])).otherwise("actor_entity_ids"))
    found = reasons(articles, changed(tables, "events", events))
    assert list(found) == ["d0"] and found["d0"].startswith("events.actor_entity_ids: ")
    roles = tables["person_roles"].with_columns(organisation_entity_id=pl.lit("ORGANIZATION:nowhere"))
    assert set(reasons(articles, changed(tables, "person_roles", roles))) == set(roles["doc_id"])
    # An empty list of actors and a NULL place name no one.
    quiet = tables["events"].with_columns(actor_entity_ids=pl.lit([], pl.List(pl.String)), place_entity_id=pl.lit(None, pl.String))
    assert reasons(articles, changed(tables, "events", quiet)) == {}


def test_one_row_per_article_with_every_reason_and_rows_of_unknown_articles(sound):
    articles, tables = sound
    mentions = tables["entity_mentions"]
    broken = changed(changed(tables, "entity_mentions", pl.concat([mentions, mentions.filter(pl.col("doc_id") == "d1")])),
                     "quotes", tables["quotes"].with_columns(start=pl.col("start") + 1))
    found = reasons(articles, broken)
    assert set(found) == {"d0", "d1"}
    assert found["d1"].count("; ") == mentions.filter(pl.col("doc_id") == "d1").height, "every key and the quotes"
    assert found["d1"].startswith("entity_mentions: 2 rows share a key") and "quotes: not a quotation mark" in found["d1"]
    assert reasons(articles.filter(pl.col("doc_id") == "d0"), tables)["d1"].startswith("article_entities: ")


# --- agreement with the warehouse's SQL checks ------------------------------------------------

def sql_invariants() -> list:
    """The warehouse's invariants (pipelines/invariants.py; pipelines/assets/checks.py before)."""
    for module in ("pipelines.invariants", "pipelines.assets.checks"):
        try:
            return importlib.import_module(module).INVARIANTS
        except ImportError:
            continue
    raise AssertionError("no module holds the warehouse's invariants")


def sql_offenders(articles: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> set[tuple[str, str]]:
    """(table, doc_id) of what the SQL uniqueness and offset checks find on these rows as the
    latest facts run's, and ("entities", id) of what the known-entities check finds."""
    checked = {f"{table}_unique" for table in NATURAL_KEYS} | {"quotes_offsets_match_text", "facts_name_known_entities"} | {
        f"{table}_offsets_match_text" for table in ("entity_mentions", "person_roles", "amounts", "date_mentions", "events")}
    found = set()
    with duckdb.connect() as con:
        for name, frame in {**tables, "articles": articles, "entities": merge_entities(tables["article_entities"]),
                            "article_extractions": articles.select("doc_id", extracted_at=pl.lit(datetime(2026, 1, 1)))}.items():
            con.register(name, frame)
        con.execute("SET VARIABLE unverified_since = TIMESTAMP '2000-01-01'")
        for invariant in (i for i in sql_invariants() if i.name in checked):
            rows = con.execute(f"SELECT * FROM ({invariant.sql})").pl()
            if invariant.name == "facts_name_known_entities":
                found |= {("entities", entity) for entity in rows["entity_id"]}
            else:
                found |= {(invariant.asset, doc) for doc in rows["doc_id"]}
    return found


def python_offenders(articles: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> set[tuple[str, str]]:
    found = set()
    for doc, reason in article_violations(articles, tables).iter_rows():
        for part in reason.split("; "):
            table = part.split(":")[0].split(".")[0]
            found.add(("entities", "?") if "." in part.split(":")[0] else (table, doc))
    return found


CORRUPTIONS = {
    "sound": lambda t: t,
    "a mention twice": lambda t: {**t, "entity_mentions": pl.concat([t["entity_mentions"], t["entity_mentions"].head(1)])},
    "an entity twice": lambda t: {**t, "article_entities": pl.concat([t["article_entities"], t["article_entities"].tail(1)])},
    "a role twice": lambda t: {**t, "person_roles": pl.concat([t["person_roles"], t["person_roles"].tail(1)])},
    "a quote twice": lambda t: {**t, "quotes": pl.concat([t["quotes"], t["quotes"].head(1)])},
    "an amount twice": lambda t: {**t, "amounts": pl.concat([t["amounts"], t["amounts"].head(1)])},
    "a date twice": lambda t: {**t, "date_mentions": pl.concat([t["date_mentions"], t["date_mentions"].tail(1)])},
    "an event twice": lambda t: {**t, "events": pl.concat([t["events"], t["events"].tail(1)])},
    "a mention moved": lambda t: {**t, "entity_mentions": t["entity_mentions"].with_columns(
        start=pl.when(pl.col("text") == "Minsk").then(pl.col("start") - 1).otherwise("start"))},
    "a role cut short": lambda t: {**t, "person_roles": t["person_roles"].with_columns(end=pl.col("end") - 1)},
    "an amount retyped": lambda t: {**t, "amounts": t["amounts"].with_columns(text=pl.col("text").str.to_uppercase())},
    "a date moved": lambda t: {**t, "date_mentions": t["date_mentions"].with_columns(start=pl.col("start") + 1, end=pl.col("end") + 1)},
    "a sentence moved": lambda t: {**t, "events": t["events"].with_columns(start=pl.col("start") + 2)},
    "a quote off its mark": lambda t: {**t, "quotes": t["quotes"].with_columns(start=pl.col("start") - 1)},
    "a quote with its mark": lambda t: {**t, "quotes": t["quotes"].with_columns(
        quote=pl.when(pl.col("doc_id") == "d1").then(pl.concat_str(pl.lit("“"), "quote")).otherwise("quote"))},
    "an unknown speaker": lambda t: {**t, "quotes": t["quotes"].with_columns(speaker_entity_id=pl.lit("PERSON:Nobody"))},
    "an unknown actor": lambda t: {**t, "events": t["events"].with_columns(actor_entity_ids=pl.lit(["PERSON:Nobody"]))},
    "an unknown place": lambda t: {**t, "events": t["events"].with_columns(place_entity_id=pl.lit("LOCATION:Nowhere"))},
    "an unknown organisation": lambda t: {**t, "person_roles": t["person_roles"].with_columns(
        organisation_entity_id=pl.lit("ORGANIZATION:none"))},
    "an unknown mention": lambda t: {**t, "entity_mentions": t["entity_mentions"].with_columns(
        entity_id=pl.when(pl.col("text") == "he").then(pl.lit("PERSON:He")).otherwise("entity_id"))},
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_article_violations_flags_what_the_sql_checks_flag(sound, corruption):
    """The same rows broken the same way: the SQL checks (on a warehouse holding these rows as
    the latest run's) and article_violations name the same tables and articles. The SQL check of
    entity ids looks them up in the merged entities; these ids are in no article's."""
    articles, tables = sound
    broken = CORRUPTIONS[corruption](tables)
    expected = sql_offenders(articles, broken)
    assert python_offenders(articles, broken) == {("entities", "?") if table == "entities" else (table, doc)
                                                  for table, doc in expected}
    assert (expected == set()) == (corruption == "sound")


# --- the causes found, as the rows expected ----------------------------------------------------

def mention_rows(text: str) -> list[tuple]:
    articles = articles_of(text)
    tables = extract_facts(articles)
    assert reasons(articles, tables) == {}
    return tables["entity_mentions"].sort("start", "end").select("start", "end", "text", "type", "entity_id").rows()


PLACE, ORGANISATION = "LOCATION", "ORGANIZATION"
# A place inside an organisation's name is a mention at each word of the name that names it:
# each was put where the name first held the word, so a repeated word was a mention twice there.
# (The types of the names around follow the trained recogniser: what is pinned is one mention
# per word and span, at its own offsets.)
PLACES_INSIDE_ORGANISATIONS = [
    # The reproduction: (4, 11, "British") twice; the second "British" stands at 12.
    pytest.param("But British British Casino Association Chairman John Smith said so. He met Duran Duran.", [
        (4, 11, "British", "NATIONALITY", "NATIONALITY:British"),
        (4, 38, "British British Casino Association", ORGANISATION, "ORGANIZATION:association british british casino"),
        (12, 19, "British", "NATIONALITY", "NATIONALITY:British"),
        (48, 58, "John Smith", "PERSON", "PERSON:John Smith"),
        (68, 70, "He", "PERSON", "PERSON:John Smith"),
        (75, 86, "Duran Duran", "PERSON", "PERSON:Duran Duran")], id="repeated nationality"),
    # GUM's Warhol news: the band, both of whose words are a city (Durán, Ecuador).
    pytest.param("Polaroids of musician Nick Rhodes of Duran Duran; publishers Jann Wenner.", [
        (37, 42, "Duran", PLACE, "LOCATION:Duran"),
        (37, 48, "Duran Duran", ORGANISATION, "ORGANIZATION:duran duran"),
        (43, 48, "Duran", PLACE, "LOCATION:Duran"),
        (61, 72, "Jann Wenner", "PERSON", "PERSON:Jann Wenner")], id="band"),
    # Navigation menus repeat names (dragnet's CBS pages, "Cork Crime Cork Health").
    pytest.param("Select Site CBS Films CBS Radio CBS.com CBSNews.com", [
        (12, 15, "CBS", PLACE, "LOCATION:CBS"),
        (12, 21, "CBS Films", ORGANISATION, "ORGANIZATION:cbs films"),
        (22, 25, "CBS", PLACE, "LOCATION:CBS"),
        (22, 35, "CBS Radio CBS", ORGANISATION, "ORGANIZATION:cbs cbs radio"),
        (32, 35, "CBS", PLACE, "LOCATION:CBS")], id="menu"),
    # A word, never part of one: "Georgia" was a mention at the start of "Georgian" (14-21).
    pytest.param("He joined the Georgian Bank of Georgia in Tbilisi.", [
        (14, 22, "Georgian", "NATIONALITY", "NATIONALITY:Georgian"),
        (14, 38, "Georgian Bank of Georgia", ORGANISATION, "ORGANIZATION:bank georgia georgian"),
        (31, 38, "Georgia", PLACE, "LOCATION:Georgia"),
        (42, 49, "Tbilisi", PLACE, "LOCATION:Tbilisi")], id="inside a word"),
]
# An organisation with a head word joins the name right after its "of (the)", and only that one:
# one further on was joined too, into a name that was not the text at its offsets ("Council of
# Defense Ministers of the Mosul" at 4-51).
ORGANISATIONS_JOINED = [
    pytest.param("The Council of Defense Ministers of the year, Mosul said.", [
        (4, 32, "Council of Defense Ministers", ORGANISATION, "ORGANIZATION:council defense ministers"),
        (46, 51, "Mosul", PLACE, "LOCATION:Mosul")], id="further on"),
    pytest.param("The Ministry of the people Belarus agreed.", [
        (4, 12, "Ministry", ORGANISATION, "ORGANIZATION:ministry"),
        (27, 34, "Belarus", PLACE, "LOCATION:Belarus")], id="a word between"),
    pytest.param("The Council of Defense Ministers of the CIS met.", [
        (4, 43, "Council of Defense Ministers of the CIS", ORGANISATION, "ORGANIZATION:cis council defense ministers")],
        id="right after"),
]


@pytest.mark.parametrize(("text", "rows"), PLACES_INSIDE_ORGANISATIONS + ORGANISATIONS_JOINED)
def test_the_causes_found_give_the_mentions_expected(text, rows):
    assert mention_rows(text) == rows


# --- any text ------------------------------------------------------------------------------------

WORDS = ["President", "Minister", "Defence", "Ministry", "Bank", "Council", "of", "the", "Foreign", "John", "Smith",
         "Mr", "Mrs.", "Dr", "Viktor", "Khrenin", "Belarusian", "British", "American", "Association", "Corp.", "U.S.",
         "NATO", "CIS", "BelTA", "Reuters", "spokesman", "chairman", "said", "told", "according", "to", "he", "she", "it",
         "He", "The", "met", "signed", "visited", "exercises", "talks", "agreement", "troops", "in", "at", "near", "and",
         "Duran", "York", "CBS", "Cork", "Georgia", "Georgian", "region", "Grodno", "Prince", "William", "Kate", "II",
         "Belarus", "China", "Minsk", "Moscow", "Paris", "Kyiv", "City"]
PHRASES = ["New York", "Los Angeles", "New York Times", "Bank of China", "Duran Duran", "China Daily",
           "Ministry of Defence of Belarus", "Council of Defense Ministers of the CIS", "Russian Defense Ministry",
           "MINSK, 28 November (BelTA) –", "NEW YORK, 3 March (AP) –", "Kremlin spokesman Dmitry Peskov",
           "Gordon Brown, the chancellor,", "the Belarusian leader", "the ministry", "Prince William and Kate"]
NUMBERS = ["28 November 2025", "June 24", "in May", "February 2022", "2023", "$3.5bn", "£10 million", "5,000-7,000 troops",
           "about seven thousand soldiers", "40%", "1.5 billion roubles", "€1.2tn", "twenty-five tanks", "7", "1,000"]
MARKS = ["“", "”", '"', "«", "»", "'", "’"]
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", ", ", ". ", " \u00a0", "\t"]
fragment = st.one_of(st.sampled_from(WORDS), st.sampled_from(PHRASES), st.sampled_from(NUMBERS), st.sampled_from(MARKS),
                     st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=3))
# A fragment once or repeated ("British British", "CBS CBS"), then a separator.
piece = st.tuples(fragment, st.integers(1, 3), st.sampled_from(SEPARATORS)).map(lambda p: (p[0] + " ") * (p[1] - 1) + p[0] + p[2])
article_text = st.lists(piece, max_size=40).map("".join)


@settings(max_examples=80, deadline=None, database=None)
@given(texts=st.lists(article_text, min_size=1, max_size=3))
def test_no_text_gets_rows_that_break_keys_offsets_or_entity_ids(texts):
    articles = articles_of(*texts)
    assert reasons(articles, extract_facts(articles)) == {}


# --- the corpora ---------------------------------------------------------------------------------

SHARED = Path(__file__).resolve().parents[2] / "shared"


def corpus_texts(shared: Path) -> dict[str, list[str]]:
    """Every text of the corpora in `shared`: the seeds, quotes-dev, ner-dev (re3d, factRuEval),
    ner-train (rebuilt from its tokens), extraction-dev's plain-text renderings and gold texts,
    and dates-dev's pages as the product cleans them."""
    from pipelines.extraction.ner_corpora import read_corpus

    corpora = shared / "corpora"
    texts: dict[str, list[str]] = {"seeds": [path.read_text() for path in sorted((shared / "seeds").glob("*.txt"))]}
    for name in ("quotes-dev/gum-quotes.jsonl", "ner-dev/re3d-dev.jsonl", "ner-dev/factru-dev.jsonl"):
        texts[name] = [json.loads(line)["text"] for line in (corpora / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    train = corpora / "ner-train"
    for path in [*sorted((train / "uner").glob("*.iob2")), train / "gum", *sorted((train / "btc").glob("*.conll")),
                 train / "wikigold" / "wikigold.conll.txt"]:
        texts[str(path.relative_to(corpora))] = read_corpus(path).frames()[0]["text"].to_list()
    for name in ("wcxb", "dragnet"):
        texts[f"{name} text"] = [p.read_text(encoding="utf-8", errors="replace")
                                 for p in sorted((corpora / "extraction-dev" / name / "text").glob("*.txt"))]
    texts["dragnet gold"] = [_decoded(p.read_bytes()) for p in sorted((corpora / "extraction-dev/dragnet/gold").glob("*.txt"))]
    wcxb = json.loads((corpora / "extraction-dev/wcxb/ground-truth.json").read_text(encoding="utf-8"))
    texts["wcxb gold"] = [page["articleBody"] or "" for page in wcxb.values()]
    texts["dates-dev pages"] = _cleaned_pages(sorted((corpora / "dates-dev" / "pages").glob("*.html.gz")))
    return texts


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _cleaned_pages(paths: list[Path]) -> list[str]:
    from pipelines.cleaning import clean_documents
    from pipelines.ingest import RejectedInput, decode

    pages = []
    for path in paths:
        try:
            pages.append((path.name, decode(gzip.decompress(path.read_bytes()))[0]))
        except RejectedInput:
            continue
    documents = pl.DataFrame(pages, schema={"doc_id": pl.String, "content": pl.String}, orient="row").with_columns(
        format=pl.lit("html"), source_url=pl.lit(None, pl.String))
    return clean_documents(documents, workers=2)["text"].drop_nulls().to_list()


def violations_of(batch: pl.DataFrame) -> pl.DataFrame:
    return article_violations(batch, extract_facts(batch))


@pytest.mark.slow
def test_no_corpus_text_gets_rows_that_break_keys_offsets_or_entity_ids(monkeypatch):
    """Every text of every corpus in ../shared (about 17,000), extracted in batches as a run
    extracts them, in two processes of one polars thread each (two minutes on two shared cores)."""
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"the corpora are not here ({SHARED / 'corpora'})")
    started = time.monotonic()
    articles = pl.concat([
        pl.DataFrame({"doc_id": [f"{corpus}#{i}" for i in range(len(texts))], "text": texts}, schema=ARTICLE_SCHEMA)
        for corpus, texts in corpus_texts(SHARED).items()]).filter(pl.col("text").str.strip_chars() != "")
    monkeypatch.setenv("POLARS_MAX_THREADS", "1")
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        violations = pl.concat(pool.map(violations_of, articles.iter_slices(BATCH_SIZE)))
    assert violations.height == 0, violations.head(20).rows()
    print(f"{articles.height} corpus texts checked in {time.monotonic() - started:.0f} s")


def test_extract_batch_leaves_out_only_the_article_that_raises_runs_out_of_time_or_breaks_a_key(monkeypatch):
    from pipelines.extraction import facts

    original = facts.extract_facts

    def troubled(articles: pl.DataFrame) -> dict[str, pl.DataFrame]:
        texts = " ".join(articles["text"])
        if "Hangman" in texts:
            time.sleep(5)
        if "Raiser" in texts:
            raise KeyError("no such token")
        tables = original(articles)
        doubled = tables["entity_mentions"].filter(pl.col("doc_id") == "doubles")
        return {**tables, "entity_mentions": pl.concat([tables["entity_mentions"], doubled.head(1)])}

    monkeypatch.setattr(facts, "extract_facts", troubled)
    monkeypatch.setattr(facts, "BATCH_SECONDS_LIMIT", 3)
    monkeypatch.setattr(facts, "ARTICLE_SECONDS_LIMIT", 1)
    articles = pl.DataFrame({
        "doc_id": ["fine", "raises", "hangs", "doubles"],
        "text": ["Viktor Khrenin met Andrei Belousov in Minsk on Monday.", "Raiser met Smith in Paris.",
                 "Hangman met Jones in Rome.", "Pavel Sidorov met Maria Jensen in Riga."],
    })
    tables = facts.extract_batch(articles)
    left_out = dict(tables.pop(facts.LEFT_OUT).iter_rows())
    assert left_out["raises"] == "extraction failed: KeyError: 'no such token'"
    assert left_out["hangs"] == "extraction took longer than 1 s and was stopped"
    assert left_out["doubles"].startswith("entity_mentions: ") and "share a key" in left_out["doubles"]
    assert set(left_out) == {"raises", "hangs", "doubles"}
    assert set(tables["entity_mentions"]["doc_id"]) == {"fine"}
    assert article_violations(articles, tables).is_empty()
