"""A trained recogniser of names: PER, ORG, LOC and MISC spans from the token table.

Token features are polars expressions (the word, its shape, prefixes and suffixes, neighbouring
words, sentence position, membership in the gazetteers and word lists, how the same word is used
elsewhere in the article, and the capitalised-run rules of `entities.name_spans` with their
gazetteer class). A linear-chain CRF scores them (weights trained by
`python -m pipelines.extraction.train_ner`, shipped in pipelines/data/ner_model.npz) and Viterbi
decoding, vectorised over every sentence of a batch in numpy, gives the labels."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

from pipelines.extraction.entities import (
    ADMIN_UNIT, CONNECTORS, FOLLOWING_TOKENS, MENTION_SCHEMA, classify, name_spans, org_key, with_acronyms_resolved,
    with_gazetteer_places, with_places_located_by_neighbours,
)
from pipelines.extraction.gazetteer import MIN_POPULATION_FOR_ONE_WORD_ALIAS, census_names, places, word_list
from pipelines.extraction.tokens import char_offset, shifted

MODEL_FILE = "data/ner_model.npz"
OUTSIDE = "O"
# A sentence whose words are mostly capitalised is a headline: capitals say little there.
HEADLINE_CAPITALS = 0.7
HEADLINE_MIN_WORDS = 4
RULE_TYPES = {"PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC", "NATIONALITY": "NAT"}
PRODUCT_TYPES = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "LOCATION", "NAT": "NATIONALITY", "MISC": "MISC"}
# A surname this long that shares its first letters with a person's surname in the same article
# is that person spelt another way ("Lukashenka" for Lukashenko).
VARIANT_MIN_LENGTH, VARIANT_SHARED = 6, 7


def _same_sentence(column: str, n: int, edge: str) -> pl.Expr:
    """`column` n tokens away in the same sentence, else an edge marker."""
    return pl.when(shifted("sentence", n) == pl.col("sentence")).then(shifted(column, n)).otherwise(pl.lit(edge))


def _flag(condition: pl.Expr) -> pl.Expr:
    """A binary feature: "1" where `condition` holds, absent elsewhere."""
    return pl.when(condition).then(pl.lit("1"))


@cache
def _lists() -> dict[str, list[str]]:
    gazetteer = places()
    one_word = gazetteer.filter(~pl.col("alias").str.contains(" ")
                                & ((pl.col("population") == 0) | (pl.col("population") >= MIN_POPULATION_FOR_ONE_WORD_ALIAS)))
    return {
        "given": sorted(word_list("first_names") | census_names()[0]), "surname": sorted(census_names()[1]),
        "title": sorted(word_list("titles")),
        "honorific": sorted(word_list("honorifics")), "org_head": sorted(word_list("org_heads")),
        "known_organisation": sorted(word_list("known_organisations")),
        "place": one_word.filter(pl.col("type") == "LOCATION")["alias"].to_list(),
        "nationality": gazetteer.filter(pl.col("type") == "NATIONALITY")["alias"].to_list(),
        "multiword_place": gazetteer.filter(pl.col("alias").str.contains(" ") & (pl.col("type") == "LOCATION"))["alias"].to_list(),
    }


def _rule_features(tokens: pl.DataFrame) -> pl.DataFrame:
    """Per token (doc_no, token_no): where it sits in a capitalised name run (B or I) and the
    class the rules give that run (PER, ORG, LOC, NAT or none), as "B-ORG", "I-none", ..."""
    spans = classify(name_spans(tokens).with_columns(titled=pl.lit(False)))
    edges = tokens.select("doc_id", "doc_no", "token_no", "start", "end")
    runs = (
        spans.select("doc_id", "start", "end", rule=pl.col("type").replace_strict(RULE_TYPES, default="none"))
        .join(edges.select("doc_id", "start", "doc_no", first="token_no"), on=["doc_id", "start"])
        .join(edges.select("doc_id", "end", last="token_no"), on=["doc_id", "end"])
        .select("doc_no", "first", "rule", token_no=pl.int_ranges("first", pl.col("last") + 1))
        .explode("token_no")
    )
    return runs.select("doc_no", "token_no", rule=pl.concat_str(
        pl.when(pl.col("token_no") == pl.col("first")).then(pl.lit("B-")).otherwise(pl.lit("I-")), "rule"))


def token_features(tokens: pl.DataFrame) -> pl.DataFrame:
    """One row per token of `tokens` (same order), one String column per feature template;
    NULL where a feature is absent."""
    lists = _lists()
    token, lower = pl.col("token"), pl.col("token").str.to_lowercase()
    shape = (token.str.replace_all(r"\p{Lu}", "X").str.replace_all(r"\p{Ll}", "x").str.replace_all(r"\d", "d")
             .str.replace_all("x{2,}", "x").str.replace_all("X{2,}", "X").str.replace_all("d{2,}", "d"))
    capitalised = token.str.contains(r"^\p{Lu}")
    bigram = pl.concat_str(token, pl.lit(" "), shifted("token", -1))
    base = tokens.with_columns(
        lower=lower, shape=shape, capitalised=capitalised,
        first=(pl.col("sentence") != shifted("sentence", 1)).fill_null(True),
        honorific=token.is_in(lists["honorific"]), given=token.is_in(lists["given"]),
        in_bigram_place=bigram.is_in(lists["multiword_place"]),
        in_trigram_place=pl.concat_str(bigram, pl.lit(" "), shifted("token", -2)).is_in(lists["multiword_place"]),
    ).with_columns(
        # Words with capitals in the sentence: headlines capitalise every word.
        headline=((pl.col("capitalised").sum().over("doc_no", "sentence")
                   >= HEADLINE_CAPITALS * token.str.contains(r"^\w").sum().over("doc_no", "sentence"))
                  & (token.str.contains(r"^\w").sum().over("doc_no", "sentence") >= HEADLINE_MIN_WORDS)),
        after_honorific=(shifted("honorific", 1) | ((shifted("token", 1) == ".") & shifted("honorific", 2))).fill_null(False),
        after_given=(shifted("given", 1) & pl.col("capitalised")).fill_null(False),
        place_ngram=(pl.col("in_bigram_place") | shifted("in_bigram_place", 1)
                     | pl.col("in_trigram_place") | shifted("in_trigram_place", 1) | shifted("in_trigram_place", 2)).fill_null(False),
    )
    word = token.str.contains(r"^\w")
    in_document = ["doc_no", "lower"]
    features = base.join(_rule_features(tokens), on=["doc_no", "token_no"], how="left", maintain_order="left").select(
        bias=pl.lit("1"),
        w=lower,
        shape=pl.col("shape"),
        p3=lower.str.slice(0, 3),
        s2=lower.str.slice(-2), s3=lower.str.slice(-3), s4=lower.str.slice(-4),
        w_1=_same_sentence("lower", 1, "<s>"), w_2=_same_sentence("lower", 2, "<s>"),
        w1=_same_sentence("lower", -1, "</s>"), w2=_same_sentence("lower", -2, "</s>"),
        shape_1=_same_sentence("shape", 1, "<s>"), shape1=_same_sentence("shape", -1, "</s>"),
        w_1w=pl.concat_str(_same_sentence("lower", 1, "<s>"), lower, separator="|"),
        ww1=pl.concat_str(lower, _same_sentence("lower", -1, "</s>"), separator="|"),
        shapes=pl.concat_str(_same_sentence("shape", 1, "<s>"), pl.col("shape"), _same_sentence("shape", -1, "</s>"), separator="|"),
        first=_flag(pl.col("first")),
        first_shape=pl.when(pl.col("first")).then(pl.col("shape")),
        headline_shape=pl.when(pl.col("headline")).then(pl.col("shape")),
        given=_flag(pl.col("given")), surname=_flag(token.is_in(lists["surname"])), title=_flag(token.is_in(lists["title"])),
        honorific=_flag(pl.col("honorific")), org_head=_flag(token.is_in(lists["org_head"])),
        connector=_flag(token.is_in(CONNECTORS)),
        place=_flag(token.is_in(lists["place"])), nationality=_flag(token.is_in(lists["nationality"])),
        place_ngram=_flag(pl.col("place_ngram")),
        after_honorific=_flag(pl.col("after_honorific")),
        after_title=_flag(shifted("token", 1).is_in(lists["title"]).fill_null(False) & pl.col("capitalised")),
        after_given=_flag(pl.col("after_given")),
        before_org_head=_flag(shifted("token", -1).is_in(lists["org_head"]).fill_null(False)),
        # How the same word is written elsewhere in the article: lower-case somewhere means a
        # common word; capitalised mid-sentence, after an honorific or a first name, a name.
        lower_in_doc=_flag(word & (token == lower).any().over(in_document) & (token != lower)),
        capitalised_mid_doc=_flag(pl.col("first") & (pl.col("capitalised") & ~pl.col("first")).any().over(in_document)),
        after_honorific_in_doc=_flag(pl.col("capitalised") & pl.col("after_honorific").any().over(in_document)),
        after_given_in_doc=_flag(pl.col("capitalised") & pl.col("after_given").any().over(in_document)),
        rule=pl.col("rule"),
    )
    return features


FEATURE_TEMPLATES = (
    "bias", "w", "shape", "p3", "s2", "s3", "s4", "w_1", "w_2", "w1", "w2", "w_1w", "ww1", "shape_1", "shape1", "shapes", "first",
    "first_shape", "headline_shape", "given", "surname", "title", "honorific", "org_head", "connector", "place", "nationality",
    "place_ngram", "after_honorific", "after_title", "after_given", "before_org_head", "lower_in_doc",
    "capitalised_mid_doc", "after_honorific_in_doc", "after_given_in_doc", "rule",
)


def feature_strings(features: pl.DataFrame) -> pl.Series:
    """Each token's features as "template=value" strings (what the trainer sees)."""
    return features.select(pl.concat_list([pl.concat_str(pl.lit(f"{name}="), pl.col(name)) for name in FEATURE_TEMPLATES])
                           .list.drop_nulls()).to_series()


@dataclass(frozen=True)
class Model:
    """Weights of a linear-chain CRF: `state[feature, label]`, `transitions[previous, label]`, and
    per template the known values with their row in `state` (row 0 scores nothing)."""
    labels: tuple[str, ...]
    state: np.ndarray
    transitions: np.ndarray
    vocabulary: dict[str, tuple[pl.Series, pl.Series]]

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Model:
        features = arrays["features"].tolist()
        rows = np.arange(1, len(features) + 1, dtype=np.int32)
        templates = np.array([f.split("=", 1)[0] for f in features])
        values = [f.split("=", 1)[1] for f in features]
        vocabulary = {}
        for name in FEATURE_TEMPLATES:
            chosen = np.flatnonzero(templates == name)
            vocabulary[name] = (pl.Series([values[i] for i in chosen], dtype=pl.String), pl.Series(rows[chosen]))
        state = np.vstack([np.zeros((1, len(arrays["labels"])), np.float32), arrays["state"].astype(np.float32)])
        return cls(tuple(arrays["labels"].tolist()), state, arrays["transitions"].astype(np.float32), vocabulary)

    def emissions(self, features: pl.DataFrame) -> np.ndarray:
        """Score of every label for every token: the sum of the weights of its features."""
        rows = features.select(
            pl.col(name).replace_strict(*self.vocabulary[name], default=0, return_dtype=pl.Int32) for name in FEATURE_TEMPLATES)
        scores = np.zeros((features.height, len(self.labels)), np.float32)
        for name in FEATURE_TEMPLATES:
            scores += self.state[rows[name].to_numpy()]
        return scores

    def decode(self, emissions: np.ndarray, sequence_lengths: np.ndarray) -> np.ndarray:
        """The best label sequence of each sequence (consecutive runs of rows), by Viterbi over
        all sequences at once: sorted longest first, step t updates the ones still running."""
        sequence_lengths = sequence_lengths.astype(np.int64)
        starts = np.concatenate([[0], np.cumsum(sequence_lengths)[:-1]]).astype(np.int64)
        order = np.argsort(-sequence_lengths, kind="stable")
        starts, lengths = starts[order], sequence_lengths[order]
        running = np.searchsorted(-lengths, -np.arange(int(lengths[0]) if len(lengths) else 0), side="left")
        best = emissions[starts].copy()
        back = np.zeros(emissions.shape, np.int8)
        for t in range(1, len(running)):
            k = running[t]
            rows = starts[:k] + t
            scores = best[:k, :, None] + self.transitions[None]
            back[rows] = scores.argmax(1)
            best[:k] = scores.max(1) + emissions[rows]
        labels = np.zeros(emissions.shape[0], np.int8)
        current = best.argmax(1).astype(np.int8)
        for t in range(len(running) - 1, 0, -1):
            k = running[t]
            rows = starts[:k] + t
            labels[rows] = current[:k]
            current[:k] = back[rows, current[:k]]
        labels[starts] = current
        return labels


@cache
def load_model() -> Model:
    """The shipped weights, loaded once per process."""
    with resources.files("pipelines").joinpath(MODEL_FILE).open("rb") as handle:
        with np.load(handle, allow_pickle=False) as arrays:
            return Model.from_arrays(dict(arrays))


def tag(tokens: pl.DataFrame, model: Model | None = None) -> pl.Series:
    """A label (B-PER, I-ORG, O, ...) for each token of `tokens`, one sentence a sequence."""
    model = model or load_model()
    if tokens.height == 0:
        return pl.Series("label", [], pl.String)
    lengths = tokens.group_by("doc_no", "sentence", maintain_order=True).len()["len"].to_numpy()
    labels = model.decode(model.emissions(token_features(tokens)), lengths)
    return pl.Series("label", np.array(model.labels)[labels])


def tagged_spans(tokens: pl.DataFrame, labels: pl.Series) -> pl.DataFrame:
    """Labelled tokens to spans: doc_id, start, end, sentence, type, text, words and any other
    token column, as its value at the span's first token. An I- label after another type starts
    a span of its own."""
    type_ = labels.str.slice(2)
    extra = [pl.col(c).first() for c in tokens.columns
             if c not in ("doc_id", "sentence", "start", "end", "chunk", "token", "token_no")]
    labelled = tokens.with_columns(type=type_, begins=labels.str.starts_with("B-")).with_columns(
        begins=pl.col("begins") | (pl.col("type") != shifted("type", 1)).fill_null(True)
        | (pl.col("sentence") != shifted("sentence", 1)).fill_null(True),
    ).filter(pl.col("type") != "")
    return (
        labelled.with_columns(span=pl.col("begins").cum_sum())
        .group_by("span", maintain_order=True)
        .agg(pl.col("doc_id").first(), pl.col("type").first(), pl.col("sentence").first(),
             start=pl.col("start").first(), end=pl.col("end").last(),
             text=pl.col("chunk").str.join("").str.strip_chars_start(),
             words=pl.col("token").filter(pl.col("token").str.contains(r"^\w")), *extra)
        .drop("span")
    )


def _relabelled(tokens: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """Post-checks on the labels, for what the training corpora do not show:
    - an honorific (and its full stop) is never part of a name, nor a title opening a person's
      name ("President Barack Obama" names Barack Obama);
    - a place or demonym right before a first name in a person's span is a name of its own
      ("Foreign Minister of France Jean Dupont");
    - an ordinal or a demonym right before an organisation opens its name ("52nd Independent
      Battalion", "Russian Ministry of Defense": the Russian one is not the Belarusian one), and
      an acronym after an organisation and "of (the)" names one ("Council ... of the CIS");
    - a demonym no name holds is a nationality, an organisation of the curated list
      ("BelTA", "Gazprom") left outside every name is that organisation, and a dateline's
      capitalised place ("MINSK, 28 November") is that place."""
    lists = _lists()
    token, label, next_label = pl.col("token"), pl.col("label"), shifted("label", -1)
    honorific = token.is_in(lists["honorific"]) | ((token == ".") & shifted("token", 1).is_in(lists["honorific"]))
    opens_person = (label == "B-PER") & (next_label == "I-PER")
    place_word = token.is_in(lists["place"]) | token.is_in(lists["nationality"])
    place_before_given = opens_person & place_word & shifted("token", -1).is_in(lists["given"])
    given_after_place = (label == "I-PER") & shifted("token", 1).is_in(lists["place"] + lists["nationality"]) \
        & (shifted("label", 1) == "B-PER") & token.is_in(lists["given"])
    outside = label.is_in([OUTSIDE, "B-MISC", "I-MISC"])
    dateline = (shifted("token", 1).is_null() | shifted("token", 1).str.contains("\n").fill_null(False)
                | (pl.col("token_no") == 0)) & token.str.contains(r"^[A-Z]{3,}$") & (shifted("token", -1) == ",")
    acronym_of_organisation = (label == OUTSIDE) & token.str.contains(r"^[A-Z]{2,6}$") & (
        ((shifted("token", 1) == "of") & shifted("in_organisation", 2))
        | ((shifted("token", 1) == "the") & (shifted("token", 2) == "of") & shifted("in_organisation", 3)))
    ordinal = token.str.contains(r"^\d+(?:st|nd|rd|th)$")
    qualifier = (ordinal & (label == OUTSIDE)) | (token.is_in(lists["nationality"]) & outside)
    qualifier_opens = qualifier & (next_label == "B-ORG")
    after_qualifier = (label == "B-ORG") & shifted("qualifier", 1)
    relabelled = tokens.select("doc_no", "token", "token_no", label=labels).with_columns(
        in_organisation=label.str.ends_with("-ORG"), qualifier=qualifier).select(
        pl.when(label.str.ends_with("PER") & (honorific | (opens_person & token.is_in(lists["title"]))).fill_null(False))
        .then(pl.lit(OUTSIDE))
        .when(place_before_given.fill_null(False))
        .then(pl.when(token.is_in(lists["nationality"])).then(pl.lit("B-NAT")).otherwise(pl.lit("B-LOC")))
        .when(given_after_place.fill_null(False)).then(pl.lit("B-PER"))
        .when(qualifier_opens.fill_null(False)).then(pl.lit("B-ORG"))
        .when(after_qualifier.fill_null(False)).then(pl.lit("I-ORG"))
        .when(outside & token.is_in(lists["known_organisation"])).then(pl.lit("B-ORG"))
        .when(acronym_of_organisation.fill_null(False)).then(pl.lit("B-ORG"))
        .when(outside & dateline.fill_null(False) & token.str.to_titlecase().is_in(lists["place"])).then(pl.lit("B-LOC"))
        .when((label == OUTSIDE) & token.is_in(lists["nationality"])).then(pl.lit("B-NAT"))
        .otherwise(label))
    return relabelled.to_series()


def _consistent_in_document(tokens: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """A person named once in an article is the same person later: a capitalised word left
    outside every name that is tagged a person elsewhere in the article, alone or as the
    surname of a full name ("Trump" after "Donald Trump"), is that person; and an acronym whose
    letters are the initials of an organisation named in the article is that organisation.
    (Spreading every one-word name this way mostly spreads capitalised common words.)"""
    spans = tagged_spans(tokens.select("doc_no", "doc_id", "sentence", "start", "end", "chunk", "token"), labels)
    known = (
        pl.concat([
            spans.filter((pl.col("type") == "PER") & (pl.col("words").list.len() == 1))
            .select("doc_no", "type", word=pl.col("words").list.first()),
            spans.filter((pl.col("type") == "PER") & (pl.col("words").list.len() >= 2))
            .select("doc_no", "type", word=pl.col("words").list.last()),
            # An acronym of an organisation named in full ("CIS" for Commonwealth of Independent States).
            spans.filter((pl.col("type") == "ORG") & (pl.col("words").list.len() >= 2)).select(
                "doc_no", "type", word=pl.col("text").str.extract_all(r"\b\p{Lu}").list.join("")),
        ])
        .group_by("doc_no", "word", "type").len()
        .sort("doc_no", "word", "len", "type", descending=[False, False, True, False])
        .unique(["doc_no", "word"], keep="first", maintain_order=True)
        .select("doc_no", token="word", known_type="type")
    )
    return (
        tokens.select("doc_no", "token", label=labels)
        .join(known, on=["doc_no", "token"], how="left", maintain_order="left")
        .select(pl.when((pl.col("label") == OUTSIDE) & pl.col("known_type").is_not_null()
                        & pl.col("token").str.contains(r"^\p{Lu}"))
                .then(pl.concat_str(pl.lit("B-"), "known_type")).otherwise(pl.col("label")))
        .to_series()
    )


def named_mentions(tokens: pl.DataFrame, model: Model | None = None) -> pl.DataFrame:
    """Mentions by name (no pronouns yet), typed PERSON, ORGANIZATION, LOCATION or NATIONALITY,
    each with the merge key of its entity and, for places, the country."""
    honorifics = _lists()["honorific"]
    after_honorific = shifted("token", 1).is_in(honorifics) | ((shifted("token", 1) == ".") & shifted("token", 2).is_in(honorifics))
    following = pl.concat_str([shifted("chunk", -k) for k in range(1, FOLLOWING_TOKENS + 1)], ignore_nulls=True)
    context = tokens.select("doc_no", "doc_id", "sentence", "start", "end", "chunk", "token",
                            after_honorific=after_honorific.fill_null(False))
    ends = tokens.select("doc_id", "end", following=following)
    spans = (
        tagged_spans(context, _consistent_in_document(tokens, _relabelled(tokens, tag(tokens, model))))
        .join(ends, on=["doc_id", "end"], how="left")
        # The surname after an honorific is a person's, whatever else it could be ("Mr Houston").
        .with_columns(type=pl.when(pl.col("after_honorific")).then(pl.lit("PER")).otherwise(pl.col("type")))
        .with_columns(type=pl.col("type").replace_strict(PRODUCT_TYPES))
    )
    spans = _organisations_joined(spans)
    # "Grodno region", "Mosul district": the lower-case unit word belongs to the place's name.
    unit = pl.when(pl.col("type") == "LOCATION").then(pl.col("following").str.extract(ADMIN_UNIT))
    unit_length = pl.col("unit").str.len_chars().fill_null(0).cast(pl.Int64)
    spans = spans.with_columns(unit=unit).with_columns(
        end=pl.col("end") + unit_length, text=pl.col("text") + pl.col("unit").fill_null(""),
        following=pl.col("following").str.slice(unit_length)).drop("unit")
    # Places and nationalities take their country from the gazetteers, and so do other names
    # that are demonyms ("Belarusian"); the rest of the other names go. A person is never a place.
    gazetteer_typed = pl.col("type").is_in(["LOCATION", "NATIONALITY", "MISC"]) & pl.col("place_type").is_not_null()
    placed = with_gazetteer_places(spans).with_columns(
        type=pl.when(gazetteer_typed & ((pl.col("type") != "MISC") | (pl.col("place_type") == "NATIONALITY")))
        .then(pl.col("place_type")).otherwise(pl.col("type")),
    ).with_columns(
        country=pl.when(pl.col("type").is_in(["LOCATION", "NATIONALITY"])).then(pl.col("place_country")),
        place_name=pl.when(pl.col("type").is_in(["LOCATION", "NATIONALITY"])).then(pl.col("place_name")),
    )
    typed = with_places_located_by_neighbours(placed.filter(pl.col("type") != "MISC"))
    typed = typed.join(_surnames_resolved(typed), on=["doc_id", "start"], how="left").with_columns(
        type=pl.when(pl.col("full_name").is_not_null()).then(pl.lit("PERSON")).otherwise(pl.col("type")))
    mentions = typed.with_columns(
        key=pl.when(pl.col("type") == "PERSON").then(pl.coalesce("full_name", "text"))
        .when(pl.col("type") == "ORGANIZATION").then(org_key(pl.col("text")))
        .otherwise(pl.coalesce("place_name", "text")))
    return with_acronyms_resolved(
        pl.concat([mentions.select(list(MENTION_SCHEMA)), _places_inside_organisations(mentions)]).sort("doc_id", "start"))


def _organisations_joined(spans: pl.DataFrame) -> pl.DataFrame:
    """An organisation named by its head word, then "of" or "of the" and another organisation or
    a place, is one organisation ("Council of Defense Ministers of the CIS", "Ministry of Defence
    of Belarus"); the place inside still becomes a mention of its own for roles."""
    heads = sorted(word_list("org_heads"))
    gap_length = (pl.col("start") - pl.col("end").shift(1)).clip(0, len(" of the "))
    gap = pl.col("following").shift(1).str.slice(0, gap_length)
    joins_previous = (
        (pl.col("doc_id") == pl.col("doc_id").shift(1)) & (pl.col("sentence") == pl.col("sentence").shift(1))
        & (pl.col("type").shift(1) == "ORGANIZATION") & pl.col("type").is_in(["ORGANIZATION", "LOCATION"])
        & pl.col("words").shift(1).list.eval(pl.element().is_in(heads)).list.any()
        & gap.is_in([" of ", " of the "])
    ).fill_null(False)
    return (
        spans.with_columns(joins=joins_previous, gap=pl.when(joins_previous).then(gap).otherwise(pl.lit("")))
        .with_columns(group=(~pl.col("joins")).cum_sum())
        .group_by("group", maintain_order=True)
        .agg(pl.col("doc_id", "doc_no", "sentence", "start", "after_honorific").first(),
             type=pl.when(pl.len() > 1).then(pl.lit("ORGANIZATION")).otherwise(pl.col("type").first()),
             end=pl.col("end").last(), text=pl.concat_str("gap", "text").str.join(""),
             words=pl.col("words").list.explode(keep_nulls=False, empty_as_null=False), following=pl.col("following").last())
        .select(spans.columns)
    )


def _surnames_resolved(typed: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, start, full_name) of one-word names that are the surname of a person named in
    full in the same article ("Blair" after "Tony Blair", "Lukashenka" for Lukashenko): a name
    tagged once is the same entity later."""
    people = typed.filter((pl.col("type") == "PERSON") & (pl.col("words").list.len() >= 2)).select(
        "doc_id", surname=pl.col("words").list.last().str.replace(r"^(?:al|Al|el|El)-", ""), full="text").unique()
    lone = typed.filter(pl.col("words").list.len() == 1).select("doc_id", "start", "text", "type")
    variant = ((pl.col("type") == "PERSON") & (pl.col("text").str.len_chars() >= VARIANT_MIN_LENGTH)
               & (pl.col("text").str.slice(0, VARIANT_SHARED) == pl.col("surname").str.slice(0, VARIANT_SHARED)))
    return (
        lone.join(people, on="doc_id")
        .filter((pl.col("text") == pl.col("surname")) | variant)
        # Where two people share the surname, the exact match wins, then the first full name in
        # alphabetical order: the choice must not depend on join order, or ids flap between runs.
        .sort("doc_id", "start", pl.col("text") != pl.col("surname"), "full")
        .unique(["doc_id", "start"], keep="first", maintain_order=True)
        .select("doc_id", "start", full_name=pl.col("full"))
    )


def _places_inside_organisations(mentions: pl.DataFrame) -> pl.DataFrame:
    """Places and nationalities named inside an organisation's name ("Russian Defense
    Ministry"), as mentions of their own: roles take their country from them."""
    gazetteer = places().filter((pl.col("population") == 0) | (pl.col("population") >= MIN_POPULATION_FOR_ONE_WORD_ALIAS))
    inner = (
        mentions.filter((pl.col("type") == "ORGANIZATION") & (pl.col("words").list.len() > 1))
        .explode("words")
        .join(gazetteer.select("alias", inner_type="type", inner_country="country"), left_on="words", right_on="alias")
        .with_columns(offset=char_offset(pl.col("text"), pl.col("words")))
        .select("doc_id", "sentence", text=pl.col("words"), start=pl.col("start") + pl.col("offset"),
                type=pl.col("inner_type"), country=pl.col("inner_country"), key=pl.col("words"))
    )
    return inner.with_columns(end=pl.col("start") + pl.col("text").str.len_chars()).select(list(MENTION_SCHEMA))
