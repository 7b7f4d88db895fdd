"""A trained recogniser of names: PER, ORG, LOC and MISC spans from the token table.

Token features are polars expressions (the word, its shape, prefixes and suffixes, neighbouring
words, sentence position, membership in the gazetteers, name and title lists, a dictionary's
verdict on the word, and how the same word is used elsewhere in the article). A linear-chain CRF
scores them (weights trained by `python -m pipelines.extraction.train_ner`, shipped in
pipelines/data/ner_model.npz) and Viterbi decoding, vectorised over every segment of a batch in
numpy, gives the labels. Post-checks then apply what the training corpora do not teach (news
datelines, honorifics, curated organisations), and the spans become typed mentions with merge
keys: the rules and gazetteers inform the model and check it, they do not override it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

from pipelines.extraction.entities import (
    ADMIN_UNIT, CONNECTORS, FOLLOWING_TOKENS, MENTION_SCHEMA, STARTERS, org_key, with_acronyms_resolved,
    with_gazetteer_places, with_places_located_by_neighbours,
)
from pipelines.extraction.gazetteer import (
    MIN_POPULATION_FOR_ONE_WORD_ALIAS, census_names, english_lexicon, places, word_list,
)
from pipelines.extraction.tokens import ABBREVIATIONS, char_offset, neighbour, shifted

MODEL_FILE = "data/ner_model.npz"
OUTSIDE = "O"
# A sentence whose words are mostly capitalised is a headline: capitals say little there.
HEADLINE_CAPITALS = 0.7
HEADLINE_MIN_WORDS = 4
# Lower-case words that join the capitalised words of one name.
NAME_CONNECTORS = ["of", "the", "de", "du", "da", "del", "der", "van", "von", "al", "bin", "ibn", "la", "le", "and",
                   "&", "'", "’", "s", ".", "-", "for", "on", "y", "upon"]
# Capitalised words that open a clause, never a name ("As Kremlin spokesman ..."); "The" may
# open a name ("The Hague"), so the recogniser decides on it.
CLAUSE_OPENERS = [word for word in STARTERS if word not in ("The", "A", "An")]
REGNAL_NUMBER = r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII|XIII|XIV|XV|XVI)$"
POST_NOMINALS = ["QC", "KC", "MP", "MEP", "MSP", "AM", "OBE", "MBE", "CBE", "KBE", "DBE", "PhD", "MD", "Esq"]
# Capitalised words that are never a name on their own: sentence openers, pronouns, months, days.
# ("May" stays: Theresa May is "May" on her own.)
FUNCTION_CAPITALS = sorted(set(STARTERS) | {
    "January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "I", "You", "Your", "My", "Me", "Mine", "Us", "Them", "There", "Here", "Yes", "No", "Not", "Then", "Now", "Just", "Even",
    "Still", "Only", "Is", "Are", "Was", "Were", "Do", "Does", "Did", "Can", "Could", "Will", "Would", "Should", "Why",
    "Where", "Who", "Which", "Please", "Thanks", "Thank", "Posted", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"})
SMALL_LISTS = ("title", "honorific", "org_head", "known_organisation")
LARGE_LISTS = ("given", "surname", "place", "nationality", "place_or_nationality")
PRODUCT_TYPES = {"PER": "PERSON", "ORG": "ORGANIZATION", "LOC": "LOCATION", "NAT": "NATIONALITY", "MISC": "MISC"}
# A surname this long that shares its first letters with a person's surname in the same article
# is that person spelt another way ("Lukashenka" for Lukashenko).
VARIANT_MIN_LENGTH, VARIANT_SHARED = 6, 7


def _flag(condition: pl.Expr) -> pl.Expr:
    """A binary feature: "1" where `condition` holds, absent elsewhere."""
    return pl.when(condition).then(pl.lit("1"))


def _in_segment(column: str, n: int) -> pl.Expr:
    """`column` n candidate tokens away within the same segment, else NULL (segment numbers run
    across the whole batch, so no article boundary needs checking)."""
    return pl.when(pl.col("segment").shift(n) == pl.col("segment")).then(pl.col(column).shift(n))


@cache
def _word_sets() -> dict[str, frozenset[str]]:
    """The word lists and gazetteers the features and post-checks test words against."""
    gazetteer = places()
    one_word = gazetteer.filter(~pl.col("alias").str.contains(" ")
                                & ((pl.col("population") == 0) | (pl.col("population") >= MIN_POPULATION_FOR_ONE_WORD_ALIAS)))
    common, dictionary_names = english_lexicon()
    sets = {
        "given": word_list("first_names") | census_names()[0], "surname": census_names()[1],
        "title": word_list("titles"), "honorific": word_list("honorifics"), "org_head": word_list("org_heads"),
        "known_organisation": word_list("known_organisations"),
        "place": frozenset(one_word.filter(pl.col("type") == "LOCATION")["alias"]),
        "nationality": frozenset(gazetteer.filter(pl.col("type") == "NATIONALITY")["alias"]),
        "multiword_place": frozenset(gazetteer.filter(pl.col("alias").str.contains(" ") & (pl.col("type") == "LOCATION"))["alias"]),
        "common_word": common, "dictionary_name": dictionary_names,
    }
    sets["place_or_nationality"] = sets["place"] | sets["nationality"]
    return sets


@cache
def _lists() -> dict[str, pl.Series]:
    """The small word lists as Series for `is_in` (built once: `is_in` hashes its list on every
    call, so the large ones are looked up per distinct word by `_word_facts` instead)."""
    return {name: pl.Series(name, sorted(words), dtype=pl.String).implode() for name, words in _word_sets().items()
            if name in SMALL_LISTS}


# Inflections stripped to find a dictionary's lemma: "hopes" and "hoped" are common words because "hope" is.
INFLECTION = r"(?:'s|’s|ies|es|s|ed|ing|ly)$"


def _word_facts(words: pl.Series) -> pl.DataFrame:
    """Per distinct word of `words`: its membership in the large lists (given name, surname,
    place, nationality, and as a capitalised dateline word, place) and its dictionary class
    (common word, name, unknown). Looked up in Python sets once per distinct word: `is_in`
    would hash a list of 200,000 words on every call."""
    sets = _word_sets()
    distinct = words.drop_nulls().unique()
    forms = distinct.to_frame("word").select(
        "word", lower=pl.col("word").str.to_lowercase(), stem=pl.col("word").str.to_lowercase().str.replace(INFLECTION, ""),
        titled=pl.col("word").str.to_titlecase())
    words_, lowers, stems, titled = (forms[c].to_list() for c in ("word", "lower", "stem", "titled"))
    common, names = sets["common_word"], sets["dictionary_name"]
    return pl.DataFrame({
        "word": words_,
        **{name: [w in sets[name] for w in words_] for name in LARGE_LISTS},
        "titled_place": [t in sets["place"] for t in titled],
        "lexicon": ["common" if (lo in common or st in common or st + "e" in common) else "name" if w in names else "unknown"
                    for w, lo, st in zip(words_, lowers, stems)],
    }, schema={"word": pl.String, **{name: pl.Boolean for name in LARGE_LISTS}, "titled_place": pl.Boolean,
               "lexicon": pl.String})


def _coarse_shape(token: pl.Expr) -> pl.Expr:
    """A neighbour's shape in four classes (capitalised, all capitals, lower case, digits) or,
    for punctuation, the mark itself."""
    return (pl.when(token.str.contains(r"^\p{Lu}\P{Lu}")).then(pl.lit("Xx"))
            .when(token.str.contains(r"^\p{Lu}")).then(pl.lit("X"))
            .when(token.str.contains(r"^\p{Ll}")).then(pl.lit("x"))
            .when(token.str.contains(r"^\d")).then(pl.lit("d"))
            .otherwise(token))


def candidates(tokens: pl.DataFrame) -> pl.DataFrame:
    """The tokens that may belong to a name, in segments that the recogniser labels as sequences:
    runs of words with a capital letter, the connectors between them ("Bank of the West") and an
    ordinal before one ("52nd Battalion"). Every other token is outside every name: in news a
    name without a capital is rare, and leaving the other ~85% of tokens out keeps tagging fast.

    Each row carries what its features and post-checks need from the whole token table: its
    neighbours (two either side, in the same sentence), whether the sentence is a headline,
    whether the word is written in lower case elsewhere in the article, the text after it, and
    what the word lists and the dictionary say of the word (`_word_facts`)."""
    n = tokens.height
    token = pl.col("token")
    flags = tokens.select(
        capital=token.str.contains(r"\p{Lu}"), connector=token.is_in(NAME_CONNECTORS),
        ordinal=token.str.contains(r"^\d+(?:st|nd|rd|th)$"), function_word=token.is_in(FUNCTION_CAPITALS))
    capital = flags["capital"].to_numpy()
    connector = flags["connector"].to_numpy()
    doc_no, sentence = tokens["doc_no"].to_numpy(), tokens["sentence"].to_numpy()

    @cache
    def near(k: int) -> tuple[np.ndarray, np.ndarray]:
        """Row k away from every row, and whether it is in the same sentence."""
        j = np.clip(np.arange(n) + k, 0, max(n - 1, 0))
        return j, (np.arange(n) + k >= 0) & (np.arange(n) + k < n) & (doc_no[j] == doc_no) & (sentence[j] == sentence)

    (p1, in_p1), (p2, in_p2), (n1, in_n1), (n2, in_n2) = near(-1), near(-2), near(1), near(2)
    capital_before = (in_p1 & capital[p1]) | (in_p2 & capital[p2] & connector[p1])
    capital_after = (in_n1 & capital[n1]) | (in_n2 & capital[n2] & connector[n1])
    # A capitalised function word, month or weekday with no capitalised neighbour ("I", "But",
    # "October") names nothing: leaving it out spares a quarter of the candidates.
    lone_function_word = flags["function_word"].to_numpy() & ~(in_p1 & capital[p1]) & ~(in_n1 & capital[n1])
    keep = (capital & ~lone_function_word) | (connector & capital_before & capital_after) \
        | (flags["ordinal"].to_numpy() & in_n1 & capital[n1])
    rows = np.flatnonzero(keep)

    def around(column: str, k: int, edge: str | None = None) -> pl.Series:
        """`column` of the token k rows away from each kept row, `edge` across a sentence."""
        return neighbour(tokens, rows, column, k, within=("doc_no", "sentence"), edge=edge)

    words = tokens.select("doc_no", "sentence", word=token.str.contains(r"^\w"), capitalised=token.str.contains(r"^\p{Lu}"))
    headlines = (words.group_by("doc_no", "sentence").agg(pl.col("word").sum(), pl.col("capitalised").sum())
                 .filter((pl.col("word") >= HEADLINE_MIN_WORDS) & (pl.col("capitalised") >= HEADLINE_CAPITALS * pl.col("word")))
                 .select("doc_no", "sentence", headline=pl.lit(True)))
    lower_case_words = tokens.filter(~flags["capital"]).select("doc_no", lower="token").unique().with_columns(
        lower_elsewhere=pl.lit(True))
    following = pl.concat_str([around("chunk", k) for k in range(1, FOLLOWING_TOKENS + 1)], ignore_nulls=True)
    kept = tokens[rows].with_columns(
        prev1=around("token", -1, "<s>"), prev2=around("token", -2, "<s>"),
        next1=around("token", 1, "</s>"), next2=around("token", 2, "</s>"),
        first=pl.Series(~near(-1)[1][rows]), following=following,
    ).with_columns(lower=token.str.to_lowercase())
    starts = ((pl.col("token_no") != pl.col("token_no").shift(1) + 1) | (pl.col("doc_no") != pl.col("doc_no").shift(1))
              | (pl.col("sentence") != pl.col("sentence").shift(1))).fill_null(True)
    return (
        kept.with_columns(segment=starts.cum_sum())
        .join(headlines, on=["doc_no", "sentence"], how="left", maintain_order="left")
        .join(lower_case_words, on=["doc_no", "lower"], how="left", maintain_order="left")
        .join(_word_facts(kept["token"]), left_on="token", right_on="word", how="left", maintain_order="left")
        .with_columns(pl.col("headline", "lower_elsewhere").fill_null(False))
    )


def token_features(segments: pl.DataFrame) -> pl.DataFrame:
    """One row per candidate of `segments` (same order), one String column per feature
    template; NULL where a feature is absent."""
    lists = _lists()
    token, lower = pl.col("token"), pl.col("lower")
    shape = (token.str.replace_all(r"\p{Lu}", "X").str.replace_all(r"\p{Ll}", "x").str.replace_all(r"\d", "d")
             .str.replace_all("x{2,}", "x").str.replace_all("X{2,}", "X").str.replace_all("d{2,}", "d"))
    capitalised = token.str.contains(r"^\p{Lu}")
    prev1, prev2, next1, next2 = (pl.col(c) for c in ("prev1", "prev2", "next1", "next2"))
    # Words of a multi-word place name ("New York", "Nizhny Novgorod"): the bigram and trigram that
    # start at each word are looked up (per distinct string), and their words marked.
    bigram = pl.concat_str(token, pl.lit(" "), next1)
    trigram = pl.concat_str(token, pl.lit(" "), next1, pl.lit(" "), next2)
    multiword = _word_sets()["multiword_place"]
    starts = segments.select(bigram=pl.when(capitalised).then(bigram), trigram=pl.when(capitalised).then(trigram))
    distinct = pl.concat([starts["bigram"], starts["trigram"]]).drop_nulls().unique().to_list()
    known_ngrams = pl.Series([n for n in distinct if n in multiword], dtype=pl.String).implode()
    honorifics = lists["honorific"]
    base = (
        segments
        .with_columns(
            shape=shape, capitalised=capitalised, shape_1=_coarse_shape(prev1), shape1=_coarse_shape(next1),
            starts_bigram=bigram.is_in(known_ngrams), starts_trigram=trigram.is_in(known_ngrams),
            after_honorific=prev1.is_in(honorifics) | ((prev1 == ".") & prev2.is_in(honorifics)),
            # A capitalised word before is a candidate of the same segment: its facts are known.
            after_given=_in_segment("given", 1).fill_null(False) & capitalised,
        )
        .with_columns(
            place_ngram=pl.col("starts_bigram") | pl.col("starts_trigram") | _in_segment("starts_bigram", 1)
            | _in_segment("starts_trigram", 1) | _in_segment("starts_trigram", 2),
            lexicon_1=pl.concat_str(_in_segment("lexicon", 1), pl.col("lexicon")),
        )
    )
    in_document = ["doc_no", "lower"]
    w_1, w1 = prev1.str.to_lowercase(), next1.str.to_lowercase()
    shape_1, shape1 = pl.col("shape_1"), pl.col("shape1")
    return base.select(
        bias=pl.lit("1"),
        w=lower,
        shape=pl.col("shape"),
        p3=lower.str.slice(0, 3),
        s2=lower.str.slice(-2), s3=lower.str.slice(-3), s4=lower.str.slice(-4),
        w_1=w_1, w_2=prev2.str.to_lowercase(), w1=w1, w2=next2.str.to_lowercase(),
        w_1w=pl.concat_str(w_1, lower, separator="|"), ww1=pl.concat_str(lower, w1, separator="|"),
        w_2w_1=pl.concat_str(prev2.str.to_lowercase(), w_1, separator="|"), w1w2=pl.concat_str(w1, next2.str.to_lowercase(), separator="|"),

        shape_1=shape_1, shape1=shape1,
        shapes=pl.concat_str(shape_1, pl.col("shape"), shape1, separator="|"),
        first=_flag(pl.col("first")),
        lexicon=pl.when(pl.col("capitalised")).then(pl.col("lexicon")),
        lexicon_first=pl.when(pl.col("capitalised") & pl.col("first")).then(pl.col("lexicon")),
        lexicon_1=pl.when(pl.col("capitalised")).then(pl.col("lexicon_1")),
        first_shape=pl.when(pl.col("first")).then(pl.col("shape")),
        headline_shape=pl.when(pl.col("headline")).then(pl.col("shape")),
        given=_flag(pl.col("given")), surname=_flag(pl.col("surname")),
        title=_flag(token.is_in(lists["title"])),
        honorific=_flag(token.is_in(honorifics)), org_head=_flag(token.is_in(lists["org_head"])),
        connector=_flag(token.is_in(CONNECTORS)),
        place=_flag(pl.col("place")), nationality=_flag(pl.col("nationality")),
        place_ngram=_flag(pl.col("place_ngram")),
        after_honorific=_flag(pl.col("after_honorific")),
        after_title=_flag(prev1.is_in(lists["title"]) & pl.col("capitalised")),
        after_given=_flag(pl.col("after_given")),
        before_org_head=_flag(next1.is_in(lists["org_head"])),
        # How the same word is written elsewhere in the article: lower-case somewhere means a
        # common word; capitalised mid-sentence, after an honorific or a first name, a name.
        lower_in_doc=_flag(pl.col("lower_elsewhere") & pl.col("capitalised")),
        capitalised_mid_doc=_flag(pl.col("first") & (pl.col("capitalised") & ~pl.col("first")).any().over(in_document)),
        after_honorific_in_doc=_flag(pl.col("capitalised") & pl.col("after_honorific").any().over(in_document)),
        after_given_in_doc=_flag(pl.col("capitalised") & pl.col("after_given").any().over(in_document)),
    )


FEATURE_TEMPLATES = (
    "bias", "w", "shape", "p3", "s2", "s3", "s4", "w_1", "w_2", "w1", "w2", "w_1w", "ww1", "w_2w_1", "w1w2", "shape_1", "shape1", "shapes", "first",
    "first_shape", "lexicon", "lexicon_first", "lexicon_1", "headline_shape", "given", "surname", "title", "honorific", "org_head", "connector", "place", "nationality",
    "place_ngram", "after_honorific", "after_title", "after_given", "before_org_head", "lower_in_doc",
    "capitalised_mid_doc", "after_honorific_in_doc", "after_given_in_doc",
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


def tag(segments: pl.DataFrame, model: Model | None = None) -> pl.Series:
    """A label (B-PER, I-ORG, O, ...) for each candidate of `segments`, a segment a sequence."""
    model = model or load_model()
    if segments.height == 0:
        return pl.Series("label", [], pl.String)
    lengths = segments.group_by("segment", maintain_order=True).len()["len"].to_numpy()
    labels = model.decode(model.emissions(token_features(segments)), lengths)
    return pl.Series("label", np.array(model.labels)[labels])


def tagged_spans(segments: pl.DataFrame, labels: pl.Series) -> pl.DataFrame:
    """Labelled candidates to spans: doc_no, doc_id, sentence, type, start, end, text, words, the
    two tokens before the span (prev1, prev2) and the text after it (following). An I- label
    after another type, or across a gap between segments, starts a span of its own."""
    labelled = segments.with_columns(type=labels.str.slice(2), begins=labels.str.starts_with("B-")).with_columns(
        begins=pl.col("begins") | (pl.col("type") != shifted("type", 1)).fill_null(True)
        | (pl.col("segment") != shifted("segment", 1)).fill_null(True),
    ).filter(pl.col("type") != "")
    return (
        labelled.with_columns(span=pl.col("begins").cum_sum())
        .group_by("span", maintain_order=True)
        .agg(pl.col("doc_no", "doc_id", "sentence", "type", "start", "prev1", "prev2").first(),
             pl.col("end", "following").last(),
             text=pl.col("chunk").str.join("").str.strip_chars_start(),
             words=pl.col("token").filter(pl.col("token").str.contains(r"^\w")))
        .drop("span")
    )


def _relabelled(segments: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """Post-checks on the labels, for what the training corpora do not show:
    - an honorific (and its full stop) is never part of a name, nor a title opening a person's
      name ("President Barack Obama" names Barack Obama), nor a function word opening a
      sentence ("As Kremlin spokesman ...");
    - a place or demonym right before a first name in a person's span is a name of its own
      ("Foreign Minister of France Jean Dupont");
    - a regnal number continues a person's name ("Ramesses II"), a post-nominal does not ("Guy
      Mansfield QC");
    - an ordinal or a demonym right before an organisation opens its name ("52nd Independent
      Battalion", "Russian Ministry of Defense": the Russian one is not the Belarusian one), and
      an acronym after an organisation and "of (the)" names one ("Council ... of the CIS");
    - a demonym no name holds is a nationality, an organisation of the curated list
      ("BelTA", "Gazprom") left outside every name is that organisation, and a dateline's
      capitalised place ("MINSK, 28 November") is that place."""
    lists = _lists()
    token, label, next_label, previous_label = pl.col("token"), pl.col("label"), _in_segment("label", -1), _in_segment("label", 1)
    honorific = token.is_in(lists["honorific"]) | ((token == ".") & pl.col("prev1").is_in(lists["honorific"]))
    opens_person = (label == "B-PER") & (next_label == "I-PER")
    place_before_given = (opens_person & pl.col("place_or_nationality") & (~pl.col("given") | (pl.col("prev1") == "of"))
                          & pl.col("next_given"))
    given_after_place = ((label == "I-PER") & pl.col("prev_place") & (~pl.col("prev_given") | (pl.col("prev2") == "of"))
                         & (previous_label == "B-PER") & pl.col("given"))
    outside = label.is_in([OUTSIDE, "B-MISC", "I-MISC"])
    dateline = (((pl.col("token_no") == 0) | pl.col("chunk").str.contains("\n")) & token.str.contains(r"^[A-Z]{3,}$")
                & (pl.col("next1") == ","))
    acronym_of_organisation = (label == OUTSIDE) & token.str.contains(r"^[A-Z]{2,6}$") & (
        ((pl.col("prev1") == "of") & _in_segment("in_organisation", 2))
        | ((pl.col("prev1") == "the") & (pl.col("prev2") == "of") & _in_segment("in_organisation", 3)))
    ordinal = token.str.contains(r"^\d+(?:st|nd|rd|th)$")
    qualifier = (ordinal & (label == OUTSIDE)) | (pl.col("nationality") & outside)
    qualifier_opens = qualifier & (next_label == "B-ORG")
    after_qualifier = (label == "B-ORG") & _in_segment("qualifier", 1)
    # A name opens with a word: a stop or a quotation mark the recogniser took in is left out.
    starter = (token.is_in(CLAUSE_OPENERS) | ~token.str.contains(r"^\w")) & label.str.starts_with("B-")
    after_starter = label.str.starts_with("I-") & _in_segment("starter", 1)
    relabelled = (
        segments.select("doc_no", "segment", "token", "token_no", "chunk", "prev1", "prev2", "next1", "given", "nationality",
                        "place_or_nationality", "titled_place", label=labels)
        .with_columns(next_given=_in_segment("given", -1), prev_given=_in_segment("given", 1),
                      prev_place=_in_segment("place_or_nationality", 1))
        .with_columns(pl.col("next_given", "prev_given", "prev_place").fill_null(False))
    ).with_columns(starter=starter).with_columns(
        in_organisation=label.str.ends_with("-ORG"), qualifier=qualifier).select(
        pl.when(label.str.ends_with("PER") & (honorific | (opens_person & token.is_in(lists["title"]))).fill_null(False))
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
        .when((label == OUTSIDE) & token.str.contains(REGNAL_NUMBER) & previous_label.str.ends_with("-PER").fill_null(False))
        .then(pl.lit("I-PER"))
        .when(label.str.ends_with("-PER") & token.is_in(POST_NOMINALS) & previous_label.str.ends_with("-PER").fill_null(False))
        .then(pl.lit(OUTSIDE))
        .otherwise(label))
    return relabelled.to_series()


def _completed_names(segments: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """A name the recogniser stopped on a connector ("Council of | Defense Ministers") goes on
    through the capitalised words after it; a connector that still ends a name leaves it."""
    connectors = pl.Series(NAME_CONNECTORS).implode()
    frame = segments.select("segment", "token", label=labels).with_columns(
        free=(pl.col("label") == OUTSIDE) & pl.col("token").str.contains(r"^\p{Lu}"),
        open_end=pl.col("label").str.starts_with("I-") & pl.col("token").is_in(connectors))
    runs = frame.with_columns(run=(~pl.col("free") | (pl.col("segment") != pl.col("segment").shift(1))
                                   | ~pl.col("free").shift(1)).fill_null(True).cum_sum())
    opener = pl.when(pl.col("free") & (pl.col("run") != pl.col("run").shift(1)) & _in_segment("open_end", 1).fill_null(False))
    continued = runs.with_columns(type=opener.then(_in_segment("label", 1).str.slice(2))).with_columns(
        type=pl.when(pl.col("free")).then(pl.col("type").first().over("run")))
    extended = continued.select("segment", "token", label=pl.when(pl.col("type").is_not_null())
                                .then(pl.concat_str(pl.lit("I-"), "type")).otherwise(pl.col("label")))
    dangling = (pl.col("label").str.starts_with("I-") & pl.col("token").is_in(connectors)
                & ~_in_segment("label", -1).str.starts_with("I-").fill_null(False))
    for _ in range(2):  # "of the" at the end: both go
        extended = extended.with_columns(label=pl.when(dangling).then(pl.lit(OUTSIDE)).otherwise(pl.col("label")))
    return extended["label"]


def _headed_organisations(segments: pl.DataFrame, labels: pl.Series) -> pl.Series:
    """Two or more capitalised words left outside every name, with the connectors between them,
    and ending in an organisation's head word are an organisation ("International Military
    Center", "Prosecutor General's Office")."""
    heads = _lists()["org_head"]
    capitalised = pl.col("token").str.contains(r"^\p{Lu}")
    runs = segments.select("segment", "token", label=labels).with_columns(
        row=pl.int_range(pl.len()), free=pl.col("label") == OUTSIDE, capitalised=capitalised).with_columns(
        run=(~pl.col("free") | (pl.col("segment") != pl.col("segment").shift(1)) | ~pl.col("free").shift(1))
        .fill_null(True).cum_sum())
    # Runs that qualify, found by aggregates over the free tokens; connectors after the run's last
    # capitalised word ("... Center of the | Russian ...") stay out of the name.
    named = (
        runs.filter("free").group_by("run")
        .agg(first=pl.col("row").min(), last_capital=pl.col("row").filter("capitalised").max(),
             capitals=pl.col("capitalised").sum(), opens_capitalised=pl.col("capitalised").sort_by("row").first(),
             head=pl.col("token").sort_by("row").filter(pl.col("capitalised").sort_by("row")).last())
        .filter((pl.col("capitals") >= 2) & pl.col("opens_capitalised") & pl.col("head").is_in(heads))
        .select("first", "last_capital")
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
    letters are the initials of an organisation named in the article is that organisation.
    (Spreading every one-word name this way mostly spreads capitalised common words.)"""
    spans = tagged_spans(segments, labels)
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
        segments.select("doc_no", "token", label=labels)
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
    segments = candidates(tokens)
    labels = _relabelled(segments, _completed_names(segments, tag(segments, model)))
    labels = _consistent_in_document(segments, _headed_organisations(segments, labels))
    after_honorific = pl.col("prev1").is_in(honorifics) | ((pl.col("prev1") == ".") & pl.col("prev2").is_in(honorifics))
    spans = (
        tagged_spans(segments, labels)
        # The surname after an honorific is a person's, whatever else it could be ("Mr Houston").
        .with_columns(type=pl.when(after_honorific).then(pl.lit("PER")).otherwise(pl.col("type")))
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
    # that are demonyms ("Belarusian"); the rest of the other names go. A person is never a place.
    # A demonym alone is a nationality whatever the recogniser says ("the Belarusian leader").
    gazetteer_typed = pl.col("place_type").is_not_null() & (
        pl.col("type").is_in(["LOCATION", "NATIONALITY", "MISC"]) | (pl.col("place_type") == "NATIONALITY"))
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
