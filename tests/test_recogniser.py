"""The trained name recogniser: exact decoding, deterministic training, the shipped weights, and
what it makes of sentences written for these tests (none is in the training corpora): people
named by honorific and surname, one-word organisations in context, headlines, places that are
also surnames."""

from __future__ import annotations

import itertools
from importlib import resources

import numpy as np
import polars as pl
import pytest

from pipelines.extraction.facts import extract_with_entities
from pipelines.extraction.recogniser import MODEL_FILE, Model, candidates, load_model, tag
from pipelines.extraction.tokens import token_table

MAX_MODEL_BYTES = 20_000_000


def facts_of(text: str) -> dict[str, pl.DataFrame]:
    return extract_with_entities(pl.DataFrame({"doc_id": ["t"], "text": [text]}))


def mentions(facts: dict[str, pl.DataFrame], type_: str | None = None) -> list[str]:
    rows = facts["entity_mentions"]
    if type_:
        rows = rows.filter(pl.col("type") == type_)
    return rows["text"].to_list()


def test_viterbi_finds_the_best_labels_of_every_segment():
    """Decoding all segments at once equals brute force over every label sequence of each."""
    rng = np.random.default_rng(7)
    labels = ("O", "B-PER", "I-PER")
    lengths = np.array([3, 1, 5, 2, 4, 1])
    emissions = rng.normal(size=(lengths.sum(), 3)).astype(np.float32)
    transitions = rng.normal(size=(3, 3)).astype(np.float32)
    model = Model(labels, np.zeros((1, 3), np.float32), transitions, {})
    decoded = model.decode(emissions, lengths)
    start = 0
    for length in lengths:
        rows = emissions[start:start + length]

        def score(path):
            return sum(rows[i, p] for i, p in enumerate(path)) + sum(transitions[a, b] for a, b in zip(path, path[1:]))

        best = max(itertools.product(range(3), repeat=length), key=score)
        assert tuple(decoded[start:start + length]) == best
        start += length


def test_training_twice_gives_the_same_weights():
    pytest.importorskip("pycrfsuite")
    from pipelines.extraction.train_ner import TRAINER_PARAMETERS, labelled_sequences, train

    text = ("Alice Moreno met Victor Hale in Lisbon on Monday.\n"
            "Victor Hale said the Harbour Authority would reply.\n"
            "Later Alice Moreno flew to Porto with staff of the Harbour Authority.")
    names = [("Alice Moreno", "PER"), ("Victor Hale", "PER"), ("Lisbon", "LOC"), ("Harbour Authority", "ORG"),
             ("Porto", "LOC")]
    spans, position = [], 0
    for line in text.split("\n"):
        for name, type_ in names:
            at = line.find(name)
            if at >= 0:
                spans.append(("d", position + at, position + at + len(name), type_))
        position += len(line) + 1
    documents = pl.DataFrame({"doc_id": ["d"], "text": [text]})
    gold = pl.DataFrame(spans, schema=["doc_id", "start", "end", "type"], orient="row")
    parameters = {**TRAINER_PARAMETERS, "max_iterations": 50}
    first = train(labelled_sequences(documents, gold), parameters)
    second = train(labelled_sequences(documents, gold), parameters)
    assert first.keys() == second.keys()
    for key in first:
        assert np.array_equal(first[key], second[key]), key
    # And the weights are the model the product decodes: it tags what it was taught.
    segments = candidates(token_table(documents))
    labelled = dict(zip(segments["token"], tag(segments, Model.from_arrays(first))))
    assert labelled["Alice"] == "B-PER" and labelled["Lisbon"] == "B-LOC"


def test_shipped_weights_are_small_and_load_once_per_process():
    size = len(resources.files("pipelines").joinpath(MODEL_FILE).read_bytes())
    assert 0 < size <= MAX_MODEL_BYTES
    assert load_model() is load_model()
    assert set(load_model().labels) >= {"O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"}


def test_honorific_and_surname_join_the_full_name_and_are_no_role():
    facts = facts_of("Tony Blair has become the Labour Party's longest-serving prime minister. "
                     "Mr Blair said he was proud of the record.")
    people = facts["entities"].filter(pl.col("type") == "PERSON")
    assert people["entity_id"].to_list() == ["PERSON:Tony Blair"]
    assert "Blair" in people["aliases"][0]
    assert not [m for m in mentions(facts) if m.startswith("Mr")]
    assert not facts["person_roles"].filter(pl.col("role").str.contains(r"^Mr\b")).height


def test_titles_of_address_never_become_places_or_names():
    facts = facts_of("Mr Houston said the plan would fail. Lord Hattersley told the BBC that the "
                     "government had lost its way.")
    assert "Houston" in mentions(facts, "PERSON") and "Hattersley" in mentions(facts, "PERSON")
    assert "Houston" not in mentions(facts, "LOCATION")
    assert not [m for m in mentions(facts) if m.startswith(("Mr", "Lord"))]


def test_people_get_no_coordinates_even_when_their_name_is_a_town():
    facts = facts_of("Senator Edward Kennedy spoke in Boston on Friday. Kennedy said the bill would pass.")
    entities = facts["entities"]
    kennedy = entities.filter(pl.col("entity_id") == "PERSON:Edward Kennedy")
    assert kennedy.height == 1 and kennedy["latitude"][0] is None
    boston = entities.filter(pl.col("entity_id") == "LOCATION:Boston")
    assert boston["latitude"][0] is not None and boston["country"][0] == "US"


@pytest.mark.parametrize(("text", "organisation"), [
    ("Microsoft bought LinkedIn for 26 billion dollars in 2016.", "LinkedIn"),
    ("Analysts at Barclays expect interest rates to rise before the summer.", "Barclays"),
    ("Boeing delivered 40 jets in March, the planemaker said.", "Boeing"),
    ("General Motors will cut 10,000 jobs, the carmaker said on Tuesday.", "General Motors"),
])
def test_one_word_and_company_names_in_context_are_organisations(text, organisation):
    facts = facts_of(text)
    assert organisation in mentions(facts, "ORGANIZATION")
    assert not set(mentions(facts, "PERSON")) & set(organisation.split())


def test_a_headline_in_capitals_names_its_person_and_no_organisation():
    facts = facts_of("Group Hopes To End Amelia Earhart Mystery\n"
                     "A group of researchers said on Monday that they would search the island again.")
    assert mentions(facts, "PERSON") == ["Amelia Earhart"]
    assert mentions(facts, "ORGANIZATION") == []


def test_a_possessive_place_and_a_court_are_two_names():
    facts = facts_of("London's High Court on Thursday rejected the appeal of ID card campaigners.")
    assert "London" in mentions(facts, "LOCATION")
    assert "High Court" in mentions(facts, "ORGANIZATION")
    assert "ID" not in mentions(facts)


def test_surnames_alone_later_in_the_article_are_the_same_people():
    facts = facts_of("Angela Merkel met Emmanuel Macron in Berlin on Monday. "
                     "Merkel said the talks with Macron had been constructive.")
    ids = facts["entity_mentions"].filter(pl.col("text").is_in(["Merkel", "Macron"]))["entity_id"].to_list()
    assert ids == ["PERSON:Angela Merkel", "PERSON:Emmanuel Macron"]


def test_word_clusters_keep_case_and_nest_their_levels():
    """The shipped clusters: words as written ("Apple" the company apart from "apple" the fruit)
    and, in each k-means run, every finest cluster inside one cluster of each coarser level."""
    from pipelines.extraction.recogniser import word_clusters

    table = word_clusters()
    assert table.height > 10_000 and table["word"].is_unique().all()
    assert {"Apple", "apple"} <= set(table["word"])
    for run in ("", "b"):
        for coarse in (f"c256{run}", f"c64{run}"):
            assert table.group_by(f"c1024{run}").agg(pl.col(coarse).n_unique())[coarse].max() == 1


def test_a_word_and_its_neighbours_get_their_clusters_as_features():
    """'Omaha' after 'in' carries its own clusters and the coarse cluster of 'in'; a word the
    table does not hold gets none."""
    from pipelines.extraction.recogniser import token_features

    segments = candidates(token_table(pl.DataFrame({"doc_id": ["t"], "text": ["The plant in Omaha hired Zqwxv Plonkett."]})))
    features = token_features(segments).with_columns(token=segments["token"])
    omaha = features.filter(pl.col("token") == "Omaha").row(0, named=True)
    assert omaha["c1024"] is not None and omaha["c64_1"] is not None and omaha["c64b_1"] is not None
    assert features.filter(pl.col("token") == "Zqwxv")["c1024"][0] is None


def test_cluster_builder_separates_words_used_in_different_contexts():
    """On an invented text, town names (after 'in', before 'council') and given names (before
    'said', after 'Mr') fall apart, each kind in one cluster."""
    from pipelines.extraction import word_clusters as clusters_module

    towns, people = ["Leeds", "Omaha", "Tours", "Perth"], ["Alice", "Boris", "Chen", "Dara"]
    text = " ".join(f"We met in {t} and the {t} council agreed. Mr {p} said yes and {p} said no."
                    for t, p in zip(towns * 3, people * 3))
    words, ppmi = clusters_module.context_matrix(clusters_module.word_pairs([text] * 5))
    vectors = clusters_module.truncated_svd(ppmi, 4, np.random.default_rng(0))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = [words.index(w) for w in towns + people]
    assignment, _ = clusters_module.spherical_kmeans(vectors[index], 2, np.random.default_rng(0))
    assert len(set(assignment[:4])) == 1 and len(set(assignment[4:])) == 1 and assignment[0] != assignment[4]


def test_a_name_never_opens_on_the_stop_of_the_title_before_it():
    # Found reading the corpus sweep's previews: ". Marsha Blackburn", ". Rand Paul" as people.
    facts = facts_of("The plan would fail, said Sen. Rand Paul on Tuesday. Rep. Marsha Blackburn agreed.")
    names = mentions(facts, "PERSON")
    assert "Rand Paul" in names and "Marsha Blackburn" in names
    assert not [name for name in mentions(facts) if not name[0].isalnum()]
