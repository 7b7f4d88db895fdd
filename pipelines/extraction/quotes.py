"""Quotations and their speakers, as polars expressions over the text, the tokens and the mentions.

A quotation runs from an opening mark to its closing mark within a paragraph; news style opens a
new mark at each paragraph of a long quotation without closing the previous one, so a mark left
open at the end of a paragraph closes there when the next paragraph opens a mark. The speaker
comes from the attribution clause beside the quote: after it (`," said X`, `," X said`, `," X, a
senior aide, said`, `," X told BBC News`), before it (`X said: "`, `according to X, "`), or, for
a quote with no clause of its own, from the quote it continues (the next paragraph of the same
quotation, or a second quote in the paragraph). With no clause the speaker is NULL: a guess
from the nearest name is wrong more often than right."""

from __future__ import annotations

from functools import cache

import numpy as np
import polars as pl

from pipelines.extraction.gazetteer import word_list
from pipelines.extraction.tokens import neighbour, text_partition

# Quotation marks, each an opening or a closing one by the text around it (see _marks).
MARKS = "“”\"«»"
OPENING_MARKS, CLOSING_MARKS = "“«", "”»"
# Before an opening mark: the start, a space or an opening bracket or dash; after a closing one:
# the end, a space or punctuation.
OPENS_AFTER = r"^(?:|[\s(\[{—–/-])$"
CLOSES_BEFORE = r"^(?:|[\s.,;:!?)\]}—–/-])$"
MIN_QUOTE_WORDS = 2
# A quotation this short is speech only when a speech verb attributes it (else a term or a scare
# quote: "free as in beer"); a short one in title case is a name or a title ("Allied Resolve").
MIN_UNATTRIBUTED_WORDS = 5
MAX_TITLE_WORDS = 6
# How far (characters) the attribution clause may stand from the quote, after it and before it.
AFTER_REACH, BEFORE_REACH = 100, 60
# How far the speaker's name may stand from the verb: "said X", "X said", "X told".
NAME_REACH = 30
EXTRA_SPEECH_VERBS = ("told", "tells", "wrote", "tweeted", "asked", "asks", "replied", "replies", "recalled",
                      "continued", "concluded", "acknowledged", "admitted", "according")
SPEAKER_TYPES = ("PERSON", "ORGANIZATION")


@cache
def speech_verbs() -> list[str]:
    """The verbs of an attribution clause: the curated speech verbs and a few more."""
    return sorted(word_list("speech_verbs") | set(EXTRA_SPEECH_VERBS))


def _marks(articles: pl.DataFrame) -> pl.DataFrame:
    """Every quotation mark: doc_id, start, end, opens, paragraph, and the text up to the next
    mark (`inner`). A mark opens when it leans on the word after it (a space or the start before
    it, a word after it) and closes when it leans on the word before it, whatever its shape
    (scraped text turns "“" into "”" and back); a curly mark that leans on neither side keeps
    its shape's role, a straight one the role its place in the alternation gives it."""
    chunks = text_partition(articles, f"[{MARKS}]", f"[^{MARKS}]+")
    text_before = pl.when(~pl.col("is_match").shift(1)).then(pl.col("match").shift(1)).over("doc_id").fill_null("")
    text_after = pl.when(~pl.col("is_match").shift(-1)).then(pl.col("match").shift(-1)).over("doc_id").fill_null("")
    marks = (
        chunks.with_columns(before=text_before.str.slice(-1), after=text_after.str.slice(0, 1), inner=text_after,
                            breaks=pl.when(pl.col("is_match")).then(0)
                            .otherwise(pl.col("match").str.count_matches(r"\n\s*")).cum_sum().over("doc_id"))
        .filter("is_match")
    )
    leans_right = pl.col("before").str.contains(OPENS_AFTER) & ~pl.col("after").str.contains(CLOSES_BEFORE)
    leans_left = ~pl.col("before").str.contains(OPENS_AFTER) & pl.col("after").str.contains(CLOSES_BEFORE)
    by_shape = pl.when(pl.col("match").str.contains(f"[{OPENING_MARKS}]")).then(True) \
        .when(pl.col("match").str.contains(f"[{CLOSING_MARKS}]")).then(False)
    role = pl.when(leans_right).then(True).when(leans_left).then(False).otherwise(by_shape)
    previous_opens = pl.col("opens").shift(1).over("doc_id").fill_null(False)
    # A straight mark cannot close what is not open: `Wilkins said," [Warhol] liked it".` Twice,
    # so that the mark after one turned round sees it.
    straight = (pl.col("match") == '"') & pl.col("before").is_in([",", ":"]) & (pl.col("after") == " ")
    marks = marks.with_columns(shape_role=role, opens=role)
    for _ in range(2):
        marks = marks.with_columns(opens=pl.col("shape_role").fill_null(~previous_opens) | (straight & ~previous_opens))
    return marks.select("doc_id", "start", "end", "opens", "inner", paragraph="breaks")


def _passages(articles: pl.DataFrame) -> pl.DataFrame:
    """Quoted passages: doc_id, start, end (marks included), quote (marks excluded), closed. An
    opening mark pairs with the next mark when that one closes, in its paragraph or the next (a
    paragraph of quotation that runs on unmarked); one quote nested in it is stepped over. A
    paragraph that opens a quote and does not close it ends it there when the next paragraph
    opens a mark (news style for a long quotation). Any other mark pairs with nothing."""
    marks = _marks(articles)
    ahead = {f"{column}_{k}": pl.col(column).shift(-k).over("doc_id") for column in ("opens", "end", "paragraph")
             for k in (1, 2, 3)}
    marks = marks.with_columns(**ahead, previous_opens=pl.col("opens").shift(1).over("doc_id"))
    closes_next = ~pl.col("opens_1").fill_null(True) & (pl.col("paragraph_1") - pl.col("paragraph") <= 1)
    # `"it would not be called "research", would it?"`: an inner pair, then the closing mark.
    closes_after_inner = (pl.col("opens_1").fill_null(False) & ~pl.col("opens_2").fill_null(True)
                          & ~pl.col("opens_3").fill_null(True) & (pl.col("paragraph_3") == pl.col("paragraph")))
    runs_on = (pl.col("opens_1").fill_null(False) & (pl.col("paragraph_1") - pl.col("paragraph") == 1)
               & pl.col("inner").str.contains(r"^[^\n]*\n\s*$"))
    nested = pl.col("previous_opens").fill_null(False) & ~pl.col("opens_1").fill_null(True) \
        & ~pl.col("opens_2").fill_null(True) & (pl.col("paragraph_2") == pl.col("paragraph"))
    end = pl.when(closes_next).then(pl.col("end_1")).when(closes_after_inner).then(pl.col("end_3")) \
        .when(runs_on).then(pl.col("start") + 1 + pl.col("inner").str.strip_chars_end().str.len_chars())
    return (
        marks.filter(pl.col("opens") & ~nested)
        .with_columns(end=end, closed=~runs_on)
        .filter(pl.col("end").is_not_null())
        .join(articles.select("doc_id", "text"), on="doc_id")
        .with_columns(quote=pl.col("text").str.slice(pl.col("start") + 1, pl.col("end") - pl.col("start") - 1 - pl.col("closed").cast(pl.Int64)))
        .filter(pl.col("quote").str.count_matches(r"\w+") >= MIN_QUOTE_WORDS)
        .select("doc_id", "start", "end", "quote", "closed")
    )


def _cues(tokens: pl.DataFrame) -> pl.DataFrame:
    """Speech verbs ("said", "told", "according" before "to") with their paragraph: doc_id,
    paragraph, verb, v_start, v_end."""
    verbs = speech_verbs()
    forms = verbs + [verb.capitalize() for verb in verbs]
    # Scraped text loses spaces: "declaredthat" is "declared that".
    glued = pl.col("token").str.ends_with("that") & pl.col("token").str.slice(0, pl.col("token").str.len_chars() - 4).is_in(forms)
    rows = np.flatnonzero(tokens.select(pl.col("token").is_in(forms) | glued).to_series().to_numpy())
    return (
        tokens[rows].with_columns(word=pl.col("token").str.to_lowercase().str.replace(r"that$", ""),
                                  next_word=neighbour(tokens, rows, "token", 1))
        .filter((pl.col("word") != "according") | (pl.col("next_word") == "to"))
        .select("doc_id", "paragraph", verb="word", v_start="start", v_end="end", v_sentence="sentence")
    )


def with_paragraphs(tokens: pl.DataFrame) -> pl.DataFrame:
    """`tokens` with `paragraph`: the number of line breaks before each token in its article."""
    return tokens.with_columns(paragraph=pl.col("chunk").str.contains("\n", literal=True).cast(pl.Int32).cum_sum().over("doc_id"))


def quotes(articles: pl.DataFrame, tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """One row per quotation: doc_id, start, end, quote, speech verb, speaker entity id (NULL when
    no attribution clause names one)."""
    tokens = with_paragraphs(tokens)
    by_start = tokens.select("doc_id", "start", "paragraph", "sentence").sort("doc_id", "start")
    located = (
        _passages(articles).sort("doc_id", "start")
        .join_asof(by_start, on="start", by="doc_id", strategy="forward", check_sortedness=False)
        # The sentence of the quote's last character: an attribution after the quote is in it.
        .with_columns(last=pl.col("end") - 1).sort("doc_id", "last")
        .join_asof(by_start.select("doc_id", last="start", end_sentence="sentence"), on="last", by="doc_id",
                   strategy="backward", check_sortedness=False)
        .drop("last").sort("doc_id", "start")
    )
    cues = _cues(tokens)
    following = pl.col("start").shift(-1).over("doc_id")
    previous_end = pl.col("end").shift(1).over("doc_id")
    after = (
        located.with_columns(next_quote=following).join(cues, on=["doc_id", "paragraph"])
        .filter((pl.col("v_start") >= pl.col("end")) & (pl.col("v_start") - pl.col("end") <= AFTER_REACH)
                & (pl.col("v_sentence") == pl.col("end_sentence")) & (pl.col("v_start") < pl.col("next_quote").fill_null(2**62)))
        .sort("v_start").group_by("doc_id", "start", maintain_order=True).first()
        .select("doc_id", "start", "verb", "v_start", "v_end", "v_sentence", side=pl.lit("after"))
    )
    before = (
        located.with_columns(previous_quote_end=previous_end).join(cues, on=["doc_id", "paragraph"])
        .filter((pl.col("v_end") <= pl.col("start")) & (pl.col("start") - pl.col("v_end") <= BEFORE_REACH)
                & (pl.col("v_start") >= pl.col("previous_quote_end").fill_null(-1)))
        .sort("v_start", descending=True).group_by("doc_id", "start", maintain_order=True).first()
        .select("doc_id", "start", "verb", "v_start", "v_end", "v_sentence", side=pl.lit("before"))
    )
    # The clause after the quote wins when it names a speaker; else the one before it (`called
    # Belarus "the closest ally," and promised "any support"`: "promised" names no one).
    attributed = pl.concat([after, before])
    nominal = _nominal_organisations(tokens, mentions)
    named_organisations = mentions.filter(pl.col("type") == "ORGANIZATION").select("doc_id", "entity_id", "start")
    organisations = pl.concat([named_organisations, nominal.select("doc_id", "entity_id", "start")])
    speakers = _speakers(located.join(attributed, on=["doc_id", "start"]), mentions,
                         pl.concat([nominal, _organisation_pronouns(tokens, organisations)]))
    chosen = (
        attributed.join(speakers, on=["doc_id", "start", "side"], how="left")
        .sort(pl.col("speaker_entity_id").is_null(), pl.col("side") != "after")
        .group_by("doc_id", "start", maintain_order=True).first()
        .select("doc_id", "start", "verb", "speaker_entity_id")
    )
    resolved = (
        located.join(chosen, on=["doc_id", "start"], how="left")
        .sort("doc_id", "start")
        .pipe(_continuations)
    )
    words = pl.col("quote").str.count_matches(r"\w+")
    title_case = pl.col("quote").str.contains(r"^\W*\p{Lu}[\w’'-]*(?:\W+(?:\p{Lu}[\w’'-]*|of|the|and|in|on|for|to|a))*\W*$")
    speech = ~(title_case & (words <= MAX_TITLE_WORDS)) & ((words >= MIN_UNATTRIBUTED_WORDS) | pl.col("verb").is_not_null())
    return resolved.filter(speech).select("doc_id", "start", "end", "quote", speech_verb="verb",
                                         speaker_entity_id="speaker_entity_id")


def _nominal_organisations(tokens: pl.DataFrame, mentions: pl.DataFrame) -> pl.DataFrame:
    """"the ministry", "the company": an organisation's head word after "the", as a mention of the
    latest organisation named before it whose name holds that word (in the mentions' columns)."""
    heads = sorted({head.lower() for head in word_list("org_heads")})
    rows = np.flatnonzero(tokens["token"].is_in(["the", "The"]).to_numpy())
    phrases = (
        tokens[rows].with_columns(head=neighbour(tokens, rows, "token", 1), end=neighbour(tokens, rows, "end", 1))
        .filter(pl.col("head").is_in(heads))
        .select("doc_id", "start", "sentence", "head", "end")
    )
    organisations = (mentions.filter(pl.col("type") == "ORGANIZATION")
                     .select("doc_id", "entity_id", o_start="start", words=pl.col("text").str.to_lowercase().str.extract_all(r"\w+")))
    return (
        phrases.join(organisations, on="doc_id")
        .filter((pl.col("o_start") < pl.col("start")) & pl.col("words").list.contains(pl.col("head")))
        .sort("o_start", descending=True).group_by("doc_id", "start", maintain_order=True).first()
        .select("doc_id", "entity_id", "start", "end", "sentence", type=pl.lit("ORGANIZATION"))
    )


def _organisation_pronouns(tokens: pl.DataFrame, organisations: pl.DataFrame) -> pl.DataFrame:
    """"it" right before or after a speech verb ("it added", "said it") as a mention of the
    latest organisation named before it: agencies and ministries speak as "it"."""
    verbs = speech_verbs()
    rows = np.flatnonzero(tokens["token"].is_in(["it", "It"]).to_numpy())
    pronouns = (
        tokens[rows].with_columns(before=neighbour(tokens, rows, "token", -1), after=neighbour(tokens, rows, "token", 1))
        .filter(pl.col("before").is_in(verbs) | pl.col("after").is_in(verbs))
        .select("doc_id", "start", "end", "sentence").sort("doc_id", "start")
    )
    return (
        pronouns.join_asof(organisations.select("doc_id", "entity_id", o_start="start").sort("doc_id", "o_start"),
                           left_on="start", right_on="o_start", by="doc_id", strategy="backward", check_sortedness=False)
        .filter(pl.col("entity_id").is_not_null())
        .select("doc_id", "entity_id", "start", "end", "sentence", type=pl.lit("ORGANIZATION"))
    )


def _speakers(attributed: pl.DataFrame, mentions: pl.DataFrame, organisation_references: pl.DataFrame) -> pl.DataFrame:
    """(doc_id, start, side, speaker_entity_id) of quotes with an attribution verb: the person or
    organisation that is the verb's subject. After the quote: the first name between the quote
    and the verb (`," Khaled Al-Maeena, editor at large at the Saudi Gazette, said`), else the
    name right after the verb (`," said Mr. Trump`). Before it: the first person named in the
    verb's sentence before the verb (`Senior researcher Mu Li, of the University of NSW, said "`),
    else the nearest organisation there (`PC World's analysis concluded, "`); after "according
    to", the name that follows."""
    columns = ["doc_id", "entity_id", "type", "start", "end", "sentence"]
    names = pl.concat([mentions.filter(pl.col("type").is_in(SPEAKER_TYPES)).select(columns), organisation_references.select(columns)])
    names = names.select("doc_id", "entity_id", "type", m_start="start", m_end="end", m_sentence="sentence")
    pairs = attributed.join(names, on="doc_id")
    after, before, according = pl.col("side") == "after", pl.col("side") == "before", pl.col("verb") == "according"
    between_quote_and_verb = after & ~according & (pl.col("m_start") >= pl.col("end")) & (pl.col("m_end") <= pl.col("v_start"))
    after_verb = ((pl.col("m_start") >= pl.col("v_end")) & (pl.col("m_start") - pl.col("v_end") <= NAME_REACH)
                  & (pl.col("m_sentence") == pl.col("v_sentence")) & (after | according))
    subject_before = (before & ~according & (pl.col("m_end") <= pl.col("v_start"))
                      & (pl.col("m_sentence") == pl.col("v_sentence")))
    ranked = pairs.with_columns(rank=pl.when(between_quote_and_verb).then(pl.col("m_start") - pl.col("end"))
                                .when(after_verb).then(10_000 + pl.col("m_start") - pl.col("v_end"))
                                .when(subject_before & (pl.col("type") == "PERSON")).then(20_000 + pl.col("m_start"))
                                .when(subject_before).then(2**40 - pl.col("m_end")))
    return (
        ranked.filter(pl.col("rank").is_not_null())
        .sort("rank").group_by("doc_id", "start", "side", maintain_order=True).first()
        .select("doc_id", "start", "side", speaker_entity_id="entity_id")
    )


def _continuations(resolved: pl.DataFrame) -> pl.DataFrame:
    """A quote with no attribution of its own takes the speaker of the quote it continues: the
    one before it in the same paragraph, or the one opening the paragraph after. A paragraph of
    quotation left open takes the speaker named in the next paragraph of it."""
    continues = pl.col("verb").is_null() & (pl.col("paragraph") - pl.col("paragraph").shift(1)).is_between(0, 1)
    chains = resolved.with_columns(
        chain=(~continues.over("doc_id").fill_null(False)).cast(pl.Int32).cum_sum().over("doc_id"))
    forward = chains.with_columns(speaker_entity_id=pl.col("speaker_entity_id").forward_fill().over("doc_id", "chain"))
    next_speaker = pl.col("speaker_entity_id").shift(-1).over("doc_id")
    opens_next_paragraph = (pl.col("paragraph").shift(-1).over("doc_id") - pl.col("paragraph")) == 1
    return forward.with_columns(speaker_entity_id=pl.when(
        pl.col("speaker_entity_id").is_null() & ~pl.col("closed") & opens_next_paragraph.fill_null(False))
        .then(next_speaker).otherwise(pl.col("speaker_entity_id")))
