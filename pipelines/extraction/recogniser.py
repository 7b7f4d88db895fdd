"""A trained recogniser of names: PER, ORG, LOC and MISC spans from the token table.

Token features are polars expressions (the word, its shape, prefixes and suffixes, neighbouring
words, sentence position, membership in the gazetteers, name and title lists, a dictionary's
verdict on the word, the distributional clusters of the word and its neighbours, and how the same
word is used elsewhere in the article). A linear-chain CRF
scores them (weights trained by `python -m pipelines.extraction.train_ner`, shipped in
pipelines/data/ner_model.npz) and Viterbi decoding, vectorised over every segment of a batch in
numpy, gives the labels. `names` then applies the post-checks for what the training corpora do
not teach (news datelines, honorifics, curated organisations) and makes the spans typed mentions
with merge keys: the rules and gazetteers inform the model and check it, they do not override it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import polars as pl

from pipelines.extraction.entities import (
    CONNECTORS, FOLLOWING_TOKENS, STARTERS,
)
from pipelines.extraction.gazetteer import (
    MIN_POPULATION_FOR_ONE_WORD_ALIAS, census_names, english_lexicon, places, word_list,
)
from pipelines.extraction.tokens import neighbour, shifted

MODEL_FILE = "data/ner_model.npz"
CLUSTERS_FILE = "data/word_clusters.npz"  # made by `python -m pipelines.extraction.word_clusters`
CLUSTER_LEVELS = ("c64", "c256", "c1024", "c64b", "c256b", "c1024b")  # two k-means runs
CLUSTER_NEIGHBOUR_TEMPLATES = tuple(level + position for level in ("c64", "c64b") for position in ("_1", "1"))
OUTSIDE = "O"
# A sentence whose words are mostly capitalised is a headline: capitals say little there.
HEADLINE_CAPITALS = 0.7
HEADLINE_MIN_WORDS = 4
# Lower-case words that join the capitalised words of one name.
NAME_CONNECTORS = ["of", "the", "de", "du", "da", "del", "der", "van", "von", "al", "bin", "ibn", "la", "le", "and",
                   "&", "'", "’", "s", ".", "-", "for", "on", "y", "upon"]
PUNCTUATION_CONNECTORS = [c for c in NAME_CONNECTORS if not c.isalpha()]
# Capitalised words that are never a name on their own: sentence openers, pronouns, months, days.
# ("May" stays: Theresa May is "May" on her own.)
FUNCTION_CAPITALS = sorted(set(STARTERS) | {
    "January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "I", "You", "Your", "My", "Me", "Mine", "Us", "Them", "There", "Here", "Yes", "No", "Not", "Then", "Now", "Just", "Even",
    "Still", "Only", "Is", "Are", "Was", "Were", "Do", "Does", "Did", "Can", "Could", "Will", "Would", "Should", "Why",
    "Where", "Who", "Which", "Please", "Thanks", "Thank", "Posted", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"})
SMALL_LISTS = ("title", "occupation", "honorific", "org_head", "known_organisation")
LARGE_LISTS = ("given", "surname", "place", "nationality", "place_or_nationality")


def _flag(condition: pl.Expr) -> pl.Expr:
    """A binary feature: "1" where `condition` holds, absent elsewhere."""
    return pl.when(condition).then(pl.lit("1"))


def in_segment(column: str, n: int) -> pl.Expr:
    """`column` n candidate tokens away within the same segment, else NULL (segment numbers run
    across the whole batch, so no article boundary needs checking)."""
    return pl.when(pl.col("segment").shift(n) == pl.col("segment")).then(pl.col(column).shift(n))


def after_honorific() -> pl.Expr:
    """Whether an honorific stands right before the token, with or without its full stop ("Mr
    Blair", "Mr. Blair"), read from the candidates' `prev1` and `prev2`."""
    honorifics = word_lists()["honorific"]
    return pl.col("prev1").is_in(honorifics) | ((pl.col("prev1") == ".") & pl.col("prev2").is_in(honorifics))


@cache
def word_sets() -> dict[str, frozenset[str]]:
    """The word lists and gazetteers the features and post-checks test words against."""
    gazetteer = places()
    one_word = gazetteer.filter(~pl.col("alias").str.contains(" ")
                                & ((pl.col("population") == 0) | (pl.col("population") >= MIN_POPULATION_FOR_ONE_WORD_ALIAS)))
    common, dictionary_names = english_lexicon()
    sets = {
        "given": word_list("first_names") | census_names()[0], "surname": census_names()[1],
        "title": word_list("titles"), "occupation": word_list("occupations"), "honorific": word_list("honorifics"),
        "org_head": word_list("org_heads"),
        "known_organisation": word_list("known_organisations"),
        "place": frozenset(one_word.filter(pl.col("type") == "LOCATION")["alias"]),
        "nationality": frozenset(gazetteer.filter(pl.col("type") == "NATIONALITY")["alias"]),
        "multiword_place": frozenset(gazetteer.filter(pl.col("alias").str.contains(" ") & (pl.col("type") == "LOCATION"))["alias"]),
        "common_word": common, "dictionary_name": dictionary_names,
    }
    sets["place_or_nationality"] = sets["place"] | sets["nationality"]
    return sets


@cache
def word_lists() -> dict[str, pl.Series]:
    """The small word lists as Series for `is_in` (built once: `is_in` hashes its list on every
    call, so the large ones are looked up per distinct word by `_word_facts` instead)."""
    return {name: pl.Series(name, sorted(words), dtype=pl.String).implode() for name, words in word_sets().items()
            if name in SMALL_LISTS}


@cache
def word_clusters() -> pl.DataFrame:
    """Each word of the cluster table, as written, with its distributional cluster at every
    level (pipelines/data/word_clusters.npz) as strings for features: words used alike share a
    cluster, so weights learnt for one name reach names the labelled corpora never showed."""
    with resources.files("pipelines").joinpath(CLUSTERS_FILE).open("rb") as handle:
        with np.load(handle, allow_pickle=False) as arrays:
            return pl.DataFrame({"word": arrays["words"], **{level: arrays[level] for level in CLUSTER_LEVELS}}).with_columns(
                pl.col(CLUSTER_LEVELS).cast(pl.String))


def _clusters_of(position: str) -> pl.DataFrame:
    """The cluster table ready to join on a candidate's token ("") or neighbour ("_1" on
    `prev1`, "1" on `next1`), its levels suffixed alike."""
    key = {"": "token", "_1": "prev1", "1": "next1"}[position]
    return word_clusters().select(pl.col("word").alias(key), *(pl.col(level).alias(level + position) for level in CLUSTER_LEVELS))


# Inflections stripped to find a dictionary's lemma: "hopes" and "hoped" are common words because "hope" is.
INFLECTION = r"(?:'s|’s|ies|es|s|ed|ing|ly)$"


def _word_facts(words: pl.Series) -> pl.DataFrame:
    """Per distinct word of `words`: its membership in the large lists (given name, surname,
    place, nationality, and as a capitalised dateline word, place) and its dictionary class
    (common word, name, unknown). Looked up in Python sets once per distinct word: `is_in`
    would hash a list of 200,000 words on every call."""
    sets = word_sets()
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


def _headline_rows(tokens: pl.DataFrame) -> np.ndarray:
    """Whether each token's sentence is a headline: at least HEADLINE_MIN_WORDS words, at least
    HEADLINE_CAPITALS of them capitalised. A sentence is a run of rows of the token table, so
    sums over runs (np.add.reduceat) replace a group-by and a join."""
    if tokens.height == 0:
        return np.zeros(0, dtype=bool)
    token = pl.col("token")
    words = tokens.select(word=token.str.contains(r"^\w"), capitalised=token.str.contains(r"^\p{Lu}"))
    doc_no, sentence = tokens["doc_no"].to_numpy(), tokens["sentence"].to_numpy()
    opens = np.concatenate([[True], (doc_no[1:] != doc_no[:-1]) | (sentence[1:] != sentence[:-1])])
    starts = np.flatnonzero(opens)
    word_count = np.add.reduceat(words["word"].to_numpy().astype(np.int64), starts)
    capitalised_count = np.add.reduceat(words["capitalised"].to_numpy().astype(np.int64), starts)
    headline = (word_count >= HEADLINE_MIN_WORDS) & (capitalised_count >= HEADLINE_CAPITALS * word_count)
    return headline[np.cumsum(opens) - 1]


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

    following = pl.concat_str([around("chunk", k) for k in range(1, FOLLOWING_TOKENS + 1)], ignore_nulls=True)
    kept = tokens[rows].with_columns(
        prev1=around("token", -1, "<s>"), prev2=around("token", -2, "<s>"),
        next1=around("token", 1, "</s>"), next2=around("token", 2, "</s>"),
        first=pl.Series(~near(-1)[1][rows]), following=following,
    ).with_columns(lower=token.str.to_lowercase())
    # Only the lower-case tokens written as some candidate's lower-case form can match one: the
    # rest of the table is never made distinct.
    lower_case_words = (
        tokens.filter(~flags["capital"] & token.is_in(kept["lower"].unique().implode()))
        .select("doc_no", lower="token").unique().with_columns(lower_elsewhere=pl.lit(True))
    )
    starts = ((pl.col("token_no") != pl.col("token_no").shift(1) + 1) | (pl.col("doc_no") != pl.col("doc_no").shift(1))
              | (pl.col("sentence") != pl.col("sentence").shift(1))).fill_null(True)
    return (
        kept.with_columns(segment=starts.cum_sum())
        .with_columns(headline=pl.Series(_headline_rows(tokens)[rows]))
        .join(lower_case_words, on=["doc_no", "lower"], how="left", maintain_order="left")
        .join(_word_facts(kept["token"]), left_on="token", right_on="word", how="left", maintain_order="left")
        .join(_clusters_of(""), on="token", how="left", maintain_order="left")
        .join(_clusters_of("_1"), on="prev1", how="left", maintain_order="left")
        .join(_clusters_of("1"), on="next1", how="left", maintain_order="left")
        .with_columns(pl.col("headline", "lower_elsewhere").fill_null(False))
    )


def token_features(segments: pl.DataFrame) -> pl.DataFrame:
    """One row per candidate of `segments` (same order), one String column per feature
    template; NULL where a feature is absent."""
    lists = word_lists()
    token, lower = pl.col("token"), pl.col("lower")
    shape = (token.str.replace_all(r"\p{Lu}", "X").str.replace_all(r"\p{Ll}", "x").str.replace_all(r"\d", "d")
             .str.replace_all("x{2,}", "x").str.replace_all("X{2,}", "X").str.replace_all("d{2,}", "d"))
    capitalised = token.str.contains(r"^\p{Lu}")
    prev1, prev2, next1, next2 = (pl.col(c) for c in ("prev1", "prev2", "next1", "next2"))
    # Words of a multi-word place name ("New York", "Nizhny Novgorod"): the bigram and trigram that
    # start at each word are looked up (per distinct string), and their words marked.
    bigram = pl.concat_str(token, pl.lit(" "), next1)
    trigram = pl.concat_str(token, pl.lit(" "), next1, pl.lit(" "), next2)
    multiword = word_sets()["multiword_place"]
    starts = segments.select(bigram=pl.when(capitalised).then(bigram), trigram=pl.when(capitalised).then(trigram))
    distinct = pl.concat([starts["bigram"], starts["trigram"]]).drop_nulls().unique().to_list()
    known_ngrams = pl.Series([n for n in distinct if n in multiword], dtype=pl.String).implode()
    honorifics = lists["honorific"]
    base = (
        segments
        .with_columns(
            shape=shape, capitalised=capitalised, shape_1=_coarse_shape(prev1), shape1=_coarse_shape(next1),
            starts_bigram=bigram.is_in(known_ngrams), starts_trigram=trigram.is_in(known_ngrams),
            after_honorific=after_honorific(),
            # A capitalised word before is a candidate of the same segment: its facts are known.
            after_given=in_segment("given", 1).fill_null(False) & capitalised,
        )
        .with_columns(
            place_ngram=pl.col("starts_bigram") | pl.col("starts_trigram") | in_segment("starts_bigram", 1)
            | in_segment("starts_trigram", 1) | in_segment("starts_trigram", 2),
            lexicon_1=pl.concat_str(in_segment("lexicon", 1), pl.col("lexicon")),
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
        # Distributional clusters of the word and, coarser, of its neighbours.
        *CLUSTER_LEVELS, *CLUSTER_NEIGHBOUR_TEMPLATES,
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
    "bias", "w", "shape", "p3", "s2", "s3", "s4", *CLUSTER_LEVELS, *CLUSTER_NEIGHBOUR_TEMPLATES, "w_1", "w_2", "w1", "w2", "w_1w", "ww1", "w_2w_1", "w1w2", "shape_1", "shape1", "shapes", "first",
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
    # A name does not open on punctuation: the "." of "Sen. Rand Paul" or "A.O. Smith" tagged with
    # the name after it is left out of the span.
    leading_punctuation = (~pl.col("token").is_in(PUNCTUATION_CONNECTORS)).cum_sum().over("span") == 0
    return (
        labelled.with_columns(span=pl.col("begins").cum_sum())
        .filter(~leading_punctuation)
        .group_by("span", maintain_order=True)
        .agg(pl.col("doc_no", "doc_id", "sentence", "type", "start", "prev1", "prev2").first(),
             pl.col("end", "following").last(),
             text=pl.col("chunk").str.join("").str.strip_chars_start(),
             words=pl.col("token").filter(pl.col("token").str.contains(r"^\w")))
        .drop("span")
    )
