"""Counted things ("about seven thousand soldiers", "over 160 agreements", "5,000-7,000 troops"),
sums of money ("£37.5bn", "$10 billion", "1.5 billion roubles", "8.5 cents", with an ISO 4217
currency) and percentages: value in units, range, qualifier and object phrase, as polars
expressions over regex matches. A count's object is what it counts; a sum of money's is what the
money is for or is ("£35bn for new schools", "a net loss of ¥15.5 billion"), read from the few
words around it, NULL where they do not say."""

from __future__ import annotations

import re

import polars as pl

from pipelines.extraction.russian import _parses

UNIT_VALUES = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
SCALE_VALUES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
                # Written against the digits of a sum of money: "£35bn", "$285m", "€1.2tn".
                "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "tn": 1e12}
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SMALL = ("eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|ten"
          "|two|three|four|five|six|seven|eight|nine")
_SCALE = "hundred|thousand|million|billion|trillion"
DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALE_SUFFIX = r"(?i:bn|tn|m|k|b)"
# A number with a scale word or a scale letter against its digits ("3 million", "$285m").
SCALED = rf"(?i:{_SCALE})|\d{SCALE_SUFFIX}\b"
# "one" and "a" count only before a scale word ("a hundred"); alone they are rarely amounts.
NUMBER_WORD = rf"(?:{_TENS})(?:-(?:one|{_SMALL}))?|{_SMALL}|(?:a|an|one)\s(?:{_SCALE})"
# A scale word may be hyphenated to the number ("$3.6-trillion debt").
NUMBER = rf"(?:(?:{DIGITS}){SCALE_SUFFIX}?|(?i:{NUMBER_WORD}))\b(?:\s(?i:{_SCALE}|{_TENS}|{_SMALL})\b|-(?i:{_SCALE})\b)*"
QUALIFIERS = ("about|around|approximately|roughly|nearly|almost|some|over|more than|less than|fewer than|up to"
              "|at least|at most|under|above|below|an estimated|as many as|as few as|between|from")
OBJECT_WORD = r"[a-z][a-z’'-]*"
ENGLISH_AMOUNT = (
    rf"(?:(?P<qualifier>(?i:{QUALIFIERS}))\s)?(?P<currency>[$€£¥]\s?)?(?P<low>{NUMBER})"
    rf"(?:\s?(?:-|–|to|and)\s?[$€£¥]?(?P<high>{NUMBER}))?(?P<percent>\s?%|\spercent\b|\sper cent\b)?"
)
# Russian sums and counts ("1,5 млрд рублей", "$200 млн", "около 7 тыс. военнослужащих", "2,5%"):
# each form holds a Cyrillic word or a decimal comma, so it never matches English text. A bare
# number in a Russian article ("300 военнослужащих") is ENGLISH_AMOUNT's match; russian_amounts
# reads what it counts. "до" and "от" are no qualifiers here: "до 2025 года" is a date.
RUSSIAN_NUMBER = r"\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
RUSSIAN_QUALIFIERS = ("около|свыше|более чем|более|менее|почти|порядка|примерно|приблизительно|не менее|не более|"
                      "не менее чем|не более чем|лишь|всего|как минимум|минимум|максимум|больше|меньше|почти")
RUSSIAN_SCALES = {"тыс": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "тысячу": 1e3, "млн": 1e6, "миллион": 1e6,
                  "миллиона": 1e6, "миллионов": 1e6, "млрд": 1e9, "миллиард": 1e9, "миллиарда": 1e9,
                  "миллиардов": 1e9, "трлн": 1e12, "триллион": 1e12, "триллиона": 1e12, "триллионов": 1e12}
RUSSIAN_SCALE = r"(?:тыс\.|(?:" + "|".join(sorted(RUSSIAN_SCALES, key=len, reverse=True)) + r")\b)"
# Currency words by their stems, and the country adjectives that name another currency than the
# word alone ("белорусских рублей" -> BYN; "рублей" alone is the Russian rouble).
RUSSIAN_CURRENCY_STEMS = {"руб": "RUB", "доллар": "USD", "долл": "USD", "евро": "EUR", "юан": "CNY", "иен": "JPY",
                          "йен": "JPY", "гривн": "UAH", "тенге": "KZT", "фунт": "GBP", "франк": "CHF", "лир": "TRY",
                          "рупи": "INR", "злот": "PLN", "лари": "GEL", "драм": "AMD", "манат": "AZN", "сом": "KGS"}
RUSSIAN_ADJECTIVE_CURRENCIES = {"белорусск": "BYN", "российск": "RUB", "американск": "USD", "канадск": "CAD",
                                "австралийск": "AUD", "сингапурск": "SGD", "гонконгск": "HKD", "новозеландск": "NZD",
                                "швейцарск": "CHF", "турецк": "TRY", "индийск": "INR", "пакистанск": "PKR",
                                "египетск": "EGP", "британск": "GBP", "туркменск": "TMT", "узбекск": "UZS"}
RUSSIAN_CURRENCY = (r"(?:[а-яё]+(?:ск|цк)(?:ий|ого|ому|им|ом|их|ими|ие)\s)?"
                    r"(?:руб\.|долл\.|(?:рубл[а-яё]*|доллар[а-я]*|евро|юан[а-яё]*|[ий]ен[аы]?|гривн[а-я]*|тенге|"
                    r"фунт[а-я]*(?:\sстерлинг[а-я]*)?|франк[а-я]*|лир[аы]?|рупи[а-яё]*|злот[а-яё]*|лари|драм[а-я]*|"
                    r"манат[а-я]*|сом[а-я]*)\b)(?:\sСША\b)?")
RUSSIAN_PERCENT = r"\s?%|\sпроцент[а-я]*|\sп\.\s?п\."
# A range: "3–5", "7—9", "от 100 до 200".
_RUSSIAN_CORE = (rf"(?:от\s)?(?:[$€£¥]\s?)?(?:{RUSSIAN_NUMBER})"
                 rf"(?:\s?[-–—]\s?(?:{RUSSIAN_NUMBER})|\sдо\s(?:{RUSSIAN_NUMBER}))?")
# "2 млн. долларов": the scale's full stop before the currency.
_RUSSIAN_UNIT = rf"(?:\.?\s{RUSSIAN_CURRENCY}|{RUSSIAN_PERCENT})"
RUSSIAN_AMOUNT = (
    rf"(?i:{RUSSIAN_QUALIFIERS})\s{_RUSSIAN_CORE}(?:\s{RUSSIAN_SCALE})?{_RUSSIAN_UNIT}?"  # около 7 тыс.
    rf"|{_RUSSIAN_CORE}\s{RUSSIAN_SCALE}{_RUSSIAN_UNIT}?"                                   # 1,5 млрд рублей
    rf"|{_RUSSIAN_CORE}\s{RUSSIAN_CURRENCY}"                                                # 300 рублей
    rf"|{_RUSSIAN_CORE}\sпроцент[а-я]*"                                                    # 5 процентов
    rf"|\d+,\d{{1,2}}(?:{RUSSIAN_PERCENT})"                                                # 2,5%
)
AMOUNT = f"{RUSSIAN_AMOUNT}|{ENGLISH_AMOUNT}"
# The words after a number that may name what it counts; read from the text after the match, so
# they stay free to start the next amount ("seven thousand soldiers and three thousand pieces").
TAIL = rf"^(?:\s{OBJECT_WORD}){{1,3}}"
# A number after these words stands for things named earlier ("the other two aim to ...").
# After "out of" it is the whole of a ratio ("three out of four voters").
PRONOMINAL = r"\b(?:other|another|last|first|next)\s$|\bout of\s$"
# A number after these words names a thing, it counts nothing ("chapter 11", "Article 5").
IDENTIFIER_WORDS = ("chapter|article|section|clause|paragraph|page|pages|volume|vol\\.|no\\.|number|room|flight|"
                    "route|platform|gate|level|grade|stage|phase|episode|verse|highway|interstate|version|model|size|"
                    "tier")
IDENTIFIER = rf"\b(?i:{IDENTIFIER_WORDS})\s$"
# A number right after a number and a dash or slash is the end of a range the number before it
# opened, a year that the date reader took ("the 2005-6 budget"): it is not an amount of its own.
RANGE_END = r"\d[-–/]$"
# ISO 4217 codes of the currencies a sign or a word after the number names ("$" is taken as the US
# dollar, the reading in most English news; cents as US cents).
CURRENCY_CODES = {
    "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "dollars": "USD", "dollar": "USD", "euros": "EUR", "euro": "EUR",
    "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "roubles": "RUB", "rubles": "RUB", "rouble": "RUB", "ruble": "RUB", "rupees": "INR", "rupee": "INR",
    "francs": "CHF", "hryvnias": "UAH", "hryvnia": "UAH", "zlotys": "PLN", "zloty": "PLN",
    "rials": "IRR", "rial": "IRR", "riyals": "SAR", "riyal": "SAR", "dirhams": "AED", "dirham": "AED",
    "naira": "NGN", "rand": "ZAR", "lira": "TRY", "liras": "TRY", "baht": "THB", "ringgit": "MYR", "rupiah": "IDR",
    "shekels": "ILS", "shekel": "ILS", "reais": "BRL", "won": "KRW", "forints": "HUF", "forint": "HUF",
    "tenge": "KZT", "taka": "BDT", "kyat": "MMK", "afghanis": "AFN", "dinars": "IQD", "pesos": "MXN",
    "cents": "USD", "cent": "USD", "pence": "GBP", "penny": "GBP",
}
# Currencies a country's name or adjective before the currency word names ("Australian dollars").
COUNTRY_CURRENCIES = {
    "australian dollars": "AUD", "australian dollar": "AUD", "canadian dollars": "CAD", "canadian dollar": "CAD",
    "hong kong dollars": "HKD", "new zealand dollars": "NZD", "singapore dollars": "SGD", "taiwan dollars": "TWD",
    "us dollars": "USD", "swiss francs": "CHF", "indian rupees": "INR", "pakistani rupees": "PKR",
    "sri lankan rupees": "LKR", "saudi riyals": "SAR", "iranian rials": "IRR", "mexican pesos": "MXN",
    "philippine pesos": "PHP", "argentine pesos": "ARS", "chilean pesos": "CLP", "colombian pesos": "COP",
    "egyptian pounds": "EGP", "turkish lira": "TRY", "south african rand": "ZAR", "kenyan shillings": "KES",
    "ugandan shillings": "UGX", "tanzanian shillings": "TZS", "iraqi dinars": "IQD", "jordanian dinars": "JOD",
    "kuwaiti dinars": "KWD", "danish kroner": "DKK", "norwegian kroner": "NOK", "swedish kronor": "SEK",
    "czech crowns": "CZK", "brazilian reais": "BRL", "chinese yuan": "CNY", "japanese yen": "JPY",
    "south korean won": "KRW", "nigerian naira": "NGN", "russian roubles": "RUB", "ukrainian hryvnias": "UAH",
}
# The currency word after a number, perhaps after the country's name ("1.5 billion Australian dollars").
CURRENCY_WORDS = "|".join(sorted({w for w in CURRENCY_CODES if w.isalpha()}
                                 | {p.split()[-1] for p in COUNTRY_CURRENCIES}, key=len, reverse=True))
# Both keep the space before them, so that the amount's text is the article's as written.
CURRENCY_PHRASE = rf"^([^\S\n]+(?:[A-Z][a-z]+[^\S\n]+){{0,2}}(?:{CURRENCY_WORDS}))\b"
CURRENCY_WORD = rf"^([^\S\n]+(?:{CURRENCY_WORDS}))\b"
# Letters against the dollar sign that name another dollar ("A$5bn", "HK$10m").
DOLLAR_PREFIXES = {"A": "AUD", "AU": "AUD", "C": "CAD", "CA": "CAD", "HK": "HKD", "NZ": "NZD", "S": "SGD",
                   "US": "USD", "NT": "TWD", "R": "BRL"}
# Currency words that count hundredths of the currency.
HUNDREDTHS = ["cents", "cent", "pence", "penny"]
# Currency words that are also units of weight, or other words ("3 won"): money only with a scale.
AMBIGUOUS_CURRENCY_WORDS = ["pounds", "pound", "won", "rand", "penny"]
# Words that end an object phrase rather than belong to it.
STOP_WORDS = [
    "of", "in", "on", "at", "to", "for", "from", "with", "by", "and", "or", "but", "the", "a", "an", "that",
    "which", "who", "were", "was", "are", "is", "be", "been", "have", "has", "had", "will", "would", "can",
    "could", "may", "might", "should", "said", "says", "this", "these", "those", "its", "their", "his", "her",
    "as", "than", "more", "per", "each", "while", "when", "into", "across", "during", "since", "after",
    "before", "also", "not", "took", "take", "it", "they", "we", "he", "she", "there", "here", "ago",
    # "three out of four" is a ratio, not three of something called "out".
    "out",
]
# Words around a sum of money that say what it is for or is (money_object).
OBJECT_REACH = 80
OBJECT_WORDS = 5
WORD_TOKEN = re.compile(r"[\w’'-]+|[^\w\s]")
NOUN_WORD = r"[a-z][a-z’'-]*"
NAME_WORD = r"[A-Z][a-z’'-]+"
DETERMINERS = ("a", "an", "the", "its", "their", "his", "her", "our", "my", "your", "this", "these", "those")
# Prepositions after a sum that say what it is for or in: "for new schools", "in damages", "of debt",
# "per child", and "on a stadium" after a verb of spending.
OBJECT_PREPOSITIONS = ("for", "in", "of", "on", "per")
SPENT = r"\b(?:spent|spend|spends|spending|invest|invests|invested|investing|wasted|splashed|splurged|blew|blown)\s"
# Prepositions of a phrase that hangs on the noun before it ("rate for digital marketing agencies").
PHRASE_PREPOSITIONS = ("of", "for", "per", "on", "in")
# Other prepositions: a noun phrase after one is not what a sum after it is the value of ("a room off
# the gym at $10").
OTHER_PREPOSITIONS = ("to", "at", "from", "with", "by", "off", "into", "onto", "over", "under", "about", "through",
                      "via", "against", "without", "within", "between", "among", "near", "toward", "towards")
# Words that are never part of an object phrase: nouns of adverbial phrases ("for the first time",
# "in total", "on average", "in lieu of"), numbers, pronouns, adverbs, conjunctions, prepositions.
NOT_OBJECT_WORDS = {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "quarter", "quarters", "half", "decade",
    "decades", "period", "time", "times", "hour", "hours", "minute", "minutes", "night", "season", "total", "average",
    "example", "instance", "comparison", "now", "sale", "free", "nothing", "less", "more", "first", "second", "third",
    "last", "next", "each", "every", "all", "both", "one", "two", "three", "four", "five", "ten", "top", "record",
    "cash", "hand", "return", "exchange", "addition", "contrast", "turn", "fact", "part", "order", "case", "terms",
    "value", "lieu", "no", "any", "some", "annual", "itself", "themselves", "him", "them", "us", "me", "you",
    "because", "although", "though", "if", "unless", "so", "yet", "about", "under", "over", "via", "through",
    "against", "without", "within", "between", "among", "like", "off", "up", "down", "around", "toward", "towards",
    "town", "court", "person", "public", "private", "prison", "jail", "office", "advance", "full", "kind", "practice",
    "principle", "theory", "response", "place", "paid", "spent", "made", "sold", "bought", "given", "taken", "lost",
    "won", "left", "due", "worth", "another", "other", "connection", "relation", "respect", "line", "light",
    "behind", "beyond", "along", "outside", "inside", "beneath", "above", "below", "near", "despite", "until",
    "depending", "including", "according", "starting", "beginning", "following", "excluding", "regarding",
    "north", "south", "shy", "short", "bit", "range", "mark", "level", "threshold", "bracket", "ballpark",
}
# Nouns in "-ly" and "-ed" that may end an object phrase ("for his family", "the money needed").
NOT_ADVERBS = {"family", "supply", "assembly", "ally", "rally", "monopoly", "anomaly", "bed", "shed", "seed", "feed",
               "speed", "need", "greed", "deed", "breed", "creed", "reed", "weed", "steed", "bled", "sled"}
# Before a sum, the words that make it the modifier of the noun after it ("a $5bn deal", "the total
# $1.63 trillion student loan debt").
MODIFIED_AFTER = (r"\b(?i:a|an|the|its|their|his|her|our|this)\s+(?:(?:total|whopping|additional|extra|further|record|"
                  r"new|annual|current|estimated|proposed|planned|mere|massive|huge|initial|combined)\s+)?$")
# Before a sum, the words that make it the value of the noun phrase before them ("a net loss of",
# "the rate is", "repayments totalled", "a deal worth", "the bleach for around").
VALUE_LINK = (r"\s(?:(?:could|would|will|may|might|can)\s+)?(?P<verb>of|is|was|are|were|be|been|totall?ed|totals|"
              r"total|amounted to|amounts to|amounting to|stood at|stands at|reached|reaches|came to|comes to|cost|"
              r"costs|costing|worth|valued at|priced at|fetch|fetches|fetched|for)\s+"
              r"(?:(?i:" + QUALIFIERS + r"|more like|just|only|nearly)\s+)?$")
# Pronouns before a noun phrase that make it a relative clause's ("the adapter I use is $18").
SUBJECT_PRONOUNS = ("I", "you", "we", "they", "he", "she", "it", "You", "We", "They", "He", "She", "It")
# Heads of a noun phrase before "of" that measure the sum rather than name it ("a total of $5bn").
NOT_VALUE_HEADS = {"total", "average", "sum", "amount", "figure", "equivalent", "maximum", "minimum", "max", "min",
                   "excess", "tune", "upwards", "range", "mean", "estimate", "number", "it", "that", "this", "which",
                   "what"}
# Measure words whose object follows "of" ("pieces of equipment", "tons of ammunition").
MEASURE_WORDS = ["pieces", "piece", "units", "tons", "tonnes", "rounds", "items", "sets", "batches", "kinds",
                 "types", "barrels", "liters", "litres", "cubic", "square", "hectares", "kilograms", "crates"]


def number_values(phrases: pl.Series) -> pl.Series:
    """The numeric value of each number phrase ("7,000", "1.5 million", "seven thousand",
    "twenty-five"), summed word by word the way one reads it aloud; NULL for a NULL phrase."""
    words = (
        pl.DataFrame({"phrase": phrases})
        .select(row=pl.int_range(pl.len()), word=pl.col("phrase").str.to_lowercase().str.extract_all(r"[\d.,]+|[a-z]+"))
        .explode("word")
        .with_columns(
            unit=pl.when(pl.col("word").str.contains(r"^\d"))
            .then(pl.col("word").str.replace_all(",", "").cast(pl.Float64, strict=False))
            .otherwise(pl.col("word").replace_strict(UNIT_VALUES, default=None, return_dtype=pl.Float64)),
            scale=pl.col("word").replace_strict(SCALE_VALUES, default=None, return_dtype=pl.Float64),
        )
        # A scale of a thousand or more closes a group ("two hundred fifty | thousand").
        .with_columns(big=(pl.col("scale") >= 1000).fill_null(False))
        .with_columns(group=pl.col("big").cast(pl.Int32).cum_sum().shift(1, fill_value=0).over("row"))
        .with_columns(after_hundred=(pl.col("scale") == 100).fill_null(False).cum_sum().over("row", "group") > 0)
    )
    hundreds = pl.when((pl.col("scale") == 100).any()).then(100).otherwise(1)
    groups = words.group_by("row", "group").agg(
        known=pl.col("word").is_not_null().all(),
        value=(pl.col("unit").filter(~pl.col("after_hundred")).sum() * hundreds
               + pl.col("unit").filter(pl.col("after_hundred")).sum())
        * pl.col("scale").filter(pl.col("big")).max().fill_null(1),
    )
    totals = groups.group_by("row").agg(value=pl.when(pl.col("known").all()).then(pl.col("value").sum())).sort("row")
    return totals["value"]


def _is_word(word: str, before_noun: bool) -> bool:
    """A word that may stand in an object phrase: not a function word or a word of an adverbial
    phrase; a word in "-ly" or "-ed" only before a noun ("a monthly fee", "unsecured borrowing",
    not "in debt probably", "the money raised")."""
    return (word not in STOP_WORDS and word not in NOT_OBJECT_WORDS and not word.endswith(("n't", "n’t"))
            and (before_noun or word in NOT_ADVERBS or not word.endswith(("ly", "ed"))))


def _content_words(tokens: list[re.Match], capitalised: bool = False) -> int:
    """How many of `tokens` in a row make a noun phrase's words: lower-case (or, for a beneficiary,
    capitalised) words that are not function words or adverbs, with an "and" joining two of them
    ("for Caleb and his family"); a word in "-ed" only before another ("a $2m unsecured loan")."""
    count = 0
    for index, token in enumerate(tokens):
        word, following = token[0], tokens[index + 1][0] if index + 1 < len(tokens) else ""
        before_noun = bool(re.fullmatch(NOUN_WORD, following)) and following not in STOP_WORDS
        content = (re.fullmatch(NOUN_WORD, word) or (capitalised and re.fullmatch(NAME_WORD, word))) and _is_word(
            word, before_noun)
        # "and" joins a determiner or a name, not a verb ("spent $2m on a stadium and won ...").
        joining = count > 0 and ((word == "and" and (following in DETERMINERS or re.fullmatch(NAME_WORD, following)))
                                 or (word in DETERMINERS and tokens[index - 1][0] == "and"))
        if not (content or joining):
            break
        count = index + 1
    while count and tokens[count - 1][0] in DETERMINERS + ("and",):
        count -= 1
    return count


def _words_before(preceding: list[re.Match]) -> int:
    """How many of `preceding` (tokens read backwards from a sum) make the words of a noun phrase."""
    size = 0
    for index, token in enumerate(preceding):
        # The phrase's first word may be capitalised as the sentence's ("Net repayments totalled").
        opens_sentence = index + 1 == len(preceding) or preceding[index + 1][0] in (".", "!", "?")
        word = token[0].lower() if opens_sentence and re.fullmatch(NAME_WORD, token[0]) else token[0]
        if not re.fullmatch(NOUN_WORD, word) or not _is_word(word, before_noun=size > 0) or size == OBJECT_WORDS:
            break
        # A verb in "-ed" after a noun is the clause's: "the company reported profits of $5bn".
        if word.endswith("ed") and word not in NOT_ADVERBS and index + 1 < len(preceding) and re.fullmatch(
                NOUN_WORD, preceding[index + 1][0]) and _is_word(preceding[index + 1][0], before_noun=True):
            break
        size += 1
    return size


def _determiner_at(preceding: list[re.Match], index: int) -> int:
    return int(len(preceding) > index and preceding[index][0].lower() in DETERMINERS)


def _is_preposition_at(preceding: list[re.Match], index: int, prepositions: tuple[str, ...]) -> bool:
    return len(preceding) > index and preceding[index][0] in prepositions


def _span(text: str, tokens: list[re.Match], next_token: re.Match | None = None) -> str | None:
    """The text of `tokens`, the object phrase; None if it names only the currency ("in current
    dollars") or a number follows it, which makes it a date ("in fiscal 2023")."""
    if not tokens or tokens[-1][0].lower() in CURRENCY_CODES or (next_token is not None and next_token[0][0].isdigit()):
        return None
    return text[tokens[0].start():tokens[-1].end()]


def _next(tokens: list[re.Match], index: int) -> re.Match | None:
    return tokens[index] if index < len(tokens) else None


def money_object(before: str, after: str) -> str | None:
    """What a sum of money is for or is, from the words before and after it, or None: a phrase
    after it ("£35bn for new schools", "£130,000 in disability benefits", "£1.7bn of debt on
    credit cards"), the noun it modifies ("a $5bn deal", "a £0.5bn rise in mortgage lending"), or
    the noun phrase it is the value of ("a net loss of ¥15.5 billion", "net repayments totalled
    £163m", "the average hourly rate is $107.47")."""
    # The object is in the sum's own paragraph.
    before, after = before.rsplit("\n", 1)[-1], after.split("\n", 1)[0]
    following = list(WORD_TOKEN.finditer(after[:OBJECT_REACH]))
    spent = following and following[0][0] == "on" and re.search(SPENT, before[-40:])
    if following and following[0][0] in OBJECT_PREPOSITIONS and (following[0][0] != "on" or spent):
        preposition, rest = following[0][0], following[1:]
        # "in" takes no article: "$3m in damages", never "in the first quarter".
        with_article = int(bool(rest) and rest[0][0] in DETERMINERS and preposition != "in")
        size = _content_words(rest[with_article:], capitalised=preposition == "for")
        if size and rest[with_article][0] not in NOT_OBJECT_WORDS:
            phrase = following[:1 + with_article + size]
            more = following[len(phrase):]
            # A verb in "-ing" takes its object ("spent $55m on developing the technology").
            if phrase[-1][0].endswith("ing") and more and more[0][0] in DETERMINERS:
                object_words = _content_words(more[1:])
                phrase += more[:1 + object_words] if object_words else []
            elif len(more) > 1 and more[0][0] == "on" and preposition in ("of", "in"):
                phrase += more[:1 + _content_words(more[1:])] if _content_words(more[1:]) else []
            found = _span(after, phrase, _next(following, len(phrase)))
            if found:
                return found
    if re.search(MODIFIED_AFTER, before) and following:
        size = _content_words(following)
        if size:
            phrase = following[:size]
            more = following[size:]
            if len(more) > 1 and more[0][0] in ("in", "of", "on", "for"):
                extra = _content_words(more[1:])
                phrase += more[:1 + extra] if extra else []
            found = _span(after, phrase, _next(following, len(phrase)))
            if found:
                return found
    link = re.search(VALUE_LINK, before)
    if link:
        preceding = list(WORD_TOKEN.finditer(before[:link.start()]))[::-1]
        size = _words_before(preceding)
        if not size or preceding[0][0] in NOT_VALUE_HEADS:
            return None
        size += _determiner_at(preceding, size)
        # A phrase that hangs on another is read with it ("the average hourly rate for digital
        # marketing agencies is"); deeper than that, which phrase the sum is the value of is unclear.
        if _is_preposition_at(preceding, size, PHRASE_PREPOSITIONS):
            head = _words_before(preceding[size + 1:])
            if not head:
                return None
            size += 1 + head
            size += _determiner_at(preceding, size)
        if _is_preposition_at(preceding, size, PHRASE_PREPOSITIONS + OTHER_PREPOSITIONS):
            return None
        # "for" gives a price only after a noun phrase with its article ("buy the bleach for $3"),
        # not after a verb ("to pay for $5bn").
        if link["verb"] == "for" and preceding[size - 1][0].lower() not in DETERMINERS:
            return None
        # The subject of "is", "costs" ... is no relative clause's object ("the adapter I use is $18").
        word_before = _next(preceding, size)
        if link["verb"] not in ("of", "for", "worth") and word_before and word_before[0] in SUBJECT_PRONOUNS:
            return None
        # A number before the phrase measures it ("a 2,000-square-foot home"): the phrase is part of one.
        return _span(before, preceding[:size][::-1], _next(preceding, size))
    return None


# Reading a Russian amount's match again, in parts.
RUSSIAN_PARTS = re.compile(
    rf"^(?:(?P<qualifier>(?i:{RUSSIAN_QUALIFIERS}))\s)?(?:от\s)?(?P<sign>[$€£¥])?\s?(?P<low>\d[\d \u00a0]*(?:[.,]\d+)?)"
    rf"(?:(?:\s?[-–—]\s?|\sдо\s)[$€£¥]?(?P<high>\d[\d \u00a0]*(?:[.,]\d+)?))?(?:\s(?P<scale>{RUSSIAN_SCALE}))?"
    rf"(?:\.?\s(?P<currency>{RUSSIAN_CURRENCY})|(?P<percent>{RUSSIAN_PERCENT}))?$")
RUSSIAN_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*|[^\w\s]|\w+")
# Words before a number that make it the name of a thing ("статья 5", "№ 12", "рейс 302").
RUSSIAN_IDENTIFIER = (r"(?:№|\b(?i:номер|номера|номеру|статья|статьи|статье|статью|пункт|пункта|пункте|часть|части|"
                      r"глава|главы|главе|раздел|раздела|разделе|рейс|рейса|рейсом|маршрут|маршрута|дом|дома|доме|"
                      r"корпус|квартира|квартиры|кабинет|палата|палаты|протокол|протокола|указ|указа|приказ|приказа|"
                      r"постановление|постановления|закон|закона)|\bст\.|\bп\.|\bч\.)\s?$")
# Nouns after a number that count time or a ratio, not things ("5 лет", "в 3 раза").
RUSSIAN_NOT_OBJECTS = {"год", "лет", "месяц", "неделя", "день", "час", "минута", "секунда", "раз", "век", "сутки",
                       "процент", "число", "номер", "место", "время", "очко", "балл", "пункт", "градус", "этаж",
                       "утро", "вечер", "ночь"}
# Measure nouns whose object is the noun after them ("5 тонн нефти").
RUSSIAN_MEASURES = {"тонна", "баррель", "штука", "единица", "литр", "гектар", "кубометр", "кубический", "килограмм",
                    "партия", "вагон", "упаковка", "комплект"}
# Before a sum, the words that make it the value of the noun phrase before them ("кредит в размере",
# "товарооборот составил", "контракт на сумму", "призовой фонд — 1 миллион долларов").
RUSSIAN_VALUE_LINK = (r"\s(?:[—–]|в размере|на сумму|стоимостью|общей стоимостью|объ[её]мом|в объ[её]ме|"
                      r"составил[аио]?|составля[ею]т|составит|составят|достиг(?:ла|ло|ли)?|оценива[ею]тся в|"
                      r"обойд[её]тся в|обош[её]л(?:ся|ась|ось)? в)\s(?:(?:уже|ещё|еще|всего|лишь)\s)?"
                      r"(?:(?i:" + RUSSIAN_QUALIFIERS + r")\s)?$")
# "задолженности, которая составляет ...": the sum is the value of the noun the relative word refers to.
RUSSIAN_RELATIVE = re.compile(r",\s(?:котор(?:ый|ая|ое|ые))\s*$")
# "за транзит газа 200 млн долларов", "200 млн долларов за транзит": what the money pays for.
RUSSIAN_PAID_FOR = re.compile(r"\bза\s([^,.;:!?«»]{1,80})$")
RUSSIAN_PAID_FOR_REST = r"\s*(?:(?:в|во|на|из|через)\s[А-Яа-яЁё-]+\s*)?"
# Words of a Russian noun phrase read for an object, at most.
RUSSIAN_OBJECT_WORDS = 4


def _russian_tag(word: str):
    return _parses(word.lower())[0].tag


def _russian_phrase_words(words: list[re.Match], start: int = 0, backwards: bool = False) -> int:
    """How many of `words` from `start` (read backwards if asked) make a noun phrase: lower-case
    adjectives and nouns (a capitalised one only first when reading backwards, as the sentence
    opens), at most RUSSIAN_OBJECT_WORDS; a phrase read forwards ends with a noun."""
    size, last_noun = 0, 0
    for index in range(start, len(words)):
        word = words[index][0]
        if size == RUSSIAN_OBJECT_WORDS or not re.fullmatch(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*", word):
            break
        if word[:1].isupper() and not (backwards and (index + 1 == len(words) or words[index + 1][0] in ".!?")):
            break
        tag = _russian_tag(word)
        # "В 2010 году прибыль составила ...": a word of time ends the phrase.
        if tag.POS not in ("NOUN", "ADJF", "PRTF") or "Apro" in tag or _parses(word.lower())[0].normal_form in RUSSIAN_NOT_OBJECTS:
            break
        size += 1
        last_noun = size if tag.POS == "NOUN" else last_noun
    return size if backwards else last_noun


def russian_count_object(after: str) -> str | None:
    """What a Russian count counts, as written: the adjectives and the noun right after it
    ("свыше 300 военнослужащих", "7 тыс. иностранных туристов", "5 тонн нефти"); None for time
    and ratios ("5 лет", "в 3 раза") or when no noun follows."""
    words = list(RUSSIAN_WORD.finditer(after[:OBJECT_REACH]))
    size = 0
    for index, word in enumerate(words):
        if not re.fullmatch(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*", word[0]) or word[0][:1].isupper():
            break
        tag = _russian_tag(word[0])
        if tag.POS == "NOUN":
            size = index + 1
            break
        if tag.POS not in ("ADJF", "PRTF") or "Apro" in tag or index == 2:
            break
        # An adjective standing for its noun ("300 военнослужащих", "5 раненых").
        size = index + 1
    if not size:
        return None
    lemma = _parses(words[size - 1][0].lower())[0].normal_form
    if lemma in RUSSIAN_NOT_OBJECTS:
        return None
    if lemma in RUSSIAN_MEASURES:
        size += _russian_phrase_words(words, size)
    return after[words[0].start():words[size - 1].end()]


def russian_money_object(before: str, after: str) -> str | None:
    """What a Russian sum is for or is, as written: the phrase after "на" or "за" ("2 млрд рублей
    на строительство школ"), the noun phrase it is the value of ("кредит в размере 1,5 млрд
    рублей", "товарооборот составил 2 млрд долларов", "задолженности, которая составляет ..."), or
    what "за" before it says it pays for ("за транзит газа 200 млн долларов"); None where the
    text does not say."""
    before, after = before.rsplit("\n", 1)[-1], after.split("\n", 1)[0]
    following = list(RUSSIAN_WORD.finditer(after[:OBJECT_REACH]))
    if following and following[0][0] in ("на", "за"):
        size = _russian_phrase_words(following, 1)
        if size:
            return after[following[1].start():following[size].end()]
    link = re.search(RUSSIAN_VALUE_LINK, before)
    if link:
        linked = before[:link.start()]
        relative = RUSSIAN_RELATIVE.search(linked)
        preceding = list(RUSSIAN_WORD.finditer(linked[:relative.start()] if relative else linked))[::-1]
        size = _russian_phrase_words(preceding, backwards=True)
        if relative and size:
            # The noun the relative word refers to, with its adjectives: the last noun before the comma.
            size = 1 + next((i for i, w in enumerate(preceding[1:size]) if _russian_tag(w[0]).POS == "NOUN"), size - 1)
        if size:
            return before[preceding[size - 1].start():preceding[0].end()]
    paid_for = RUSSIAN_PAID_FOR.search(before)
    if paid_for:
        phrase = paid_for.group(1)
        words = list(RUSSIAN_WORD.finditer(phrase))
        size = _russian_phrase_words(words)
        # The phrase runs up to the sum, but for where ("в Европу"); "за год" is when, not what for.
        if size and re.fullmatch(RUSSIAN_PAID_FOR_REST, phrase[words[size - 1].end():]) \
                and _parses(words[0][0].lower())[0].normal_form not in RUSSIAN_NOT_OBJECTS:
            return phrase[words[0].start():words[size - 1].end()]
    return None


def _russian_number(text: str | None) -> float | None:
    return None if text is None else float(re.sub(r"[ \u00a0]", "", text).replace(",", "."))


def _russian_currency(sign: str | None, word: str | None) -> str | None:
    """The ISO 4217 code of a sign or a Russian currency word, a country adjective before the word
    naming another ("белорусских рублей" -> BYN); "США" after dollars is the US dollar."""
    if sign:
        return CURRENCY_CODES[sign]
    if not word:
        return None
    words = word.lower().split()
    base = next((code for stem, code in RUSSIAN_CURRENCY_STEMS.items()
                 for w in words if w.startswith(stem) and not w.endswith(("ск", "цк"))), None)
    adjective = next((code for stem, code in RUSSIAN_ADJECTIVE_CURRENCIES.items() if words[0].startswith(stem)), None)
    return adjective if adjective and len(words) > 1 else base


def russian_amounts(matches: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Amounts in Russian articles, in the columns of `amounts`: each match read again in parts
    (RUSSIAN_PARTS: decimal commas, "тыс."/"млн"/"млрд"/"трлн", currency words in any case); a
    count keeps the noun it counts (russian_count_object) or is left out, as are numbers that
    name a thing ("статья 5") or end a range after a year; a sum's object is
    russian_money_object's."""
    rows = (matches.join(articles.select("doc_id", "text"), on="doc_id")
            .with_columns(before=pl.col("text").str.slice((pl.col("start") - OBJECT_REACH).clip(0),
                                                          pl.col("start").clip(upper_bound=OBJECT_REACH)),
                          after=pl.col("text").str.slice(pl.col("end"), OBJECT_REACH + 30))
            .filter(~pl.col("before").str.contains(f"{RUSSIAN_IDENTIFIER}|{RANGE_END}"))
            .select("doc_id", "start", "match", "before", "after"))
    found, taken = [], ("", -1)
    for doc_id, start, match, before, after in rows.iter_rows():
        # Thousands a space apart are one number ("176 668 заявок"), which ENGLISH_AMOUNT reads as
        # two: the first takes the rest.
        if (doc_id, start) <= taken:
            continue
        thousands = re.match(r"^(?:[ \u00a0]\d{3})+\b", after) if re.fullmatch(r"\d{1,3}", match) else None
        if thousands:
            match, after = match + thousands[0], after[thousands.end():]
            taken = (doc_id, start + len(match) - 1)
        parts = RUSSIAN_PARTS.match(match)
        if parts is None:
            continue
        scale = RUSSIAN_SCALES.get((parts["scale"] or "").rstrip("."), 1.0)
        currency = _russian_currency(parts["sign"], parts["currency"])
        text, unit, object_ = match, "count", None
        if parts["percent"]:
            unit, object_ = "percent", "percent"
        elif currency:
            unit, object_ = "money", russian_money_object(before, after)
        else:
            object_ = russian_count_object(after)
            if object_ is None:
                continue
            text = match + after[:after.index(object_) + len(object_)]
        high = _russian_number(parts["high"])
        found.append((doc_id, start, start + len(text), text, _russian_number(parts["low"]) * scale,
                      None if high is None else high * scale, (parts["qualifier"] or "").lower() or None,
                      object_, currency, unit))
    return pl.DataFrame(found, orient="row", schema={
        "doc_id": pl.String, "start": pl.Int64, "end": pl.Int64, "text": pl.String, "value": pl.Float64,
        "value_high": pl.Float64, "qualifier": pl.String, "object": pl.String, "currency": pl.String,
        "unit": pl.String})


def amounts(matches: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Amount expressions (rows of `pattern_matches` with AMOUNT) to doc_id, start, end, text, value,
    value_high, qualifier, object, currency, unit; articles whose language is "ru" are read by
    russian_amounts."""
    russian = (articles.filter(pl.col("language") == "ru")["doc_id"] if "language" in articles.columns
               else pl.Series([], dtype=pl.String))
    in_russian = pl.col("doc_id").is_in(russian.implode())
    english = english_amounts(matches.filter(~in_russian), articles)
    if russian.len() == 0:
        return english
    found = russian_amounts(matches.filter(in_russian), articles.filter(in_russian))
    return pl.concat([english, found.select(english.columns).cast(english.schema)]).sort("doc_id", "start")


def english_amounts(matches: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Amount expressions (rows of `pattern_matches` with AMOUNT) to doc_id, start, end, text, value,
    value_high, qualifier, object, currency, unit. A number with no counted object, unit or
    currency is left out, and so is a number that names a thing ("chapter 11") or ends a range
    after a year ("2005-6"). A sum of money's object is money_object's, NULL where the text does
    not say; a sum in brackets right after another ("¥15.5bn ($195m)") is for the same thing."""
    parts = (
        matches.with_columns(part=pl.col("match").str.extract_groups(f"^{AMOUNT}$")).unnest("part")
        .join(articles.select("doc_id", "text"), on="doc_id")
        .with_columns(before=pl.col("text").str.slice((pl.col("start") - OBJECT_REACH).clip(0),
                                                      pl.col("start").clip(upper_bound=OBJECT_REACH)),
                      after=pl.col("text").str.slice(pl.col("end"), OBJECT_REACH + 30))
        .drop("text")
        .filter(~pl.col("before").str.contains(f"{PRONOMINAL}|{IDENTIFIER}|{RANGE_END}"))
        .with_columns(tail=pl.col("after").str.slice(0, 60).str.extract(f"({TAIL})"),
                      country_currency=pl.col("after").str.extract(CURRENCY_PHRASE).str.strip_chars()
                      .str.replace_all(r"\s+", " ").str.to_lowercase()
                      .replace_strict(COUNTRY_CURRENCIES, default=None),
                      currency_phrase=pl.col("after").str.extract(CURRENCY_PHRASE),
                      currency_word=pl.col("after").str.extract(CURRENCY_WORD))
    )
    tail = pl.col("tail")
    words = tail.str.extract_all(OBJECT_WORD)
    first, second, third = (words.list.get(i, null_on_oob=True) for i in range(3))

    def usable(word: pl.Expr) -> pl.Expr:
        return word.is_not_null() & ~word.is_in(STOP_WORDS)

    def noun_like(word: pl.Expr) -> pl.Expr:  # after the first word, "-ed" is a verb ("troops arrived")
        return usable(word) & ~word.str.ends_with("ed")

    def leading_words(n: int) -> pl.Expr:
        return tail.str.extract(rf"^((?:\s{OBJECT_WORD}){{{n}}})")

    # "192 search sites" keeps a modifier and its noun; "28 sites were" stops after the plural noun.
    object_span = (
        pl.when(~usable(first)).then(None)
        .when(first.is_in(MEASURE_WORDS) & (second == "of") & noun_like(third)).then(leading_words(3))
        .when(~first.str.ends_with("s") & noun_like(second)).then(leading_words(2))
        .otherwise(leading_words(1))
    )
    sign = pl.col("currency").str.strip_chars()
    # "pounds" after a number weighs as often as it pays: money only with a scale ("3 million pounds").
    scaled = pl.col("low").str.contains(SCALED)
    word_currency = (pl.when(pl.col("country_currency").is_not_null()).then(pl.col("currency_phrase"))
                     .when(~pl.col("currency_word").str.strip_chars().is_in(AMBIGUOUS_CURRENCY_WORDS) | scaled)
                     .then(pl.col("currency_word")))
    dollar_prefix = (pl.col("before").str.extract(r"(?:^|[^\w])([A-Z]{1,2})$")
                     .replace_strict(DOLLAR_PREFIXES, default=None))
    currency = pl.coalesce(pl.when(sign == "$").then(dollar_prefix), sign.replace_strict(CURRENCY_CODES, default=None),
                           pl.col("country_currency"),
                           pl.col("named").str.strip_chars().replace_strict(CURRENCY_CODES, default=None))
    found = (
        parts.with_columns(object_span=object_span, named=pl.when(sign.is_null()).then(word_currency))
        .with_columns(currency=pl.when(pl.col("percent").is_null()).then(currency))
        .with_columns(
            object=pl.when(pl.col("percent").is_not_null()).then(pl.lit("percent"))
            .when(pl.col("currency").is_null()).then(pl.col("object_span").str.strip_chars()),
            text=pl.col("match") + pl.when(pl.col("named").is_not_null()).then(pl.col("named"))
            .when(pl.col("currency").is_null() & pl.col("percent").is_null()).then(pl.col("object_span"))
            .otherwise(pl.lit("")).fill_null(""),
            # What follows the amount as written: the words that may say what money is for.
            rest=pl.col("after").str.slice(pl.col("named").str.len_chars().fill_null(0)))
        .filter(pl.col("object").is_not_null() | pl.col("currency").is_not_null())
    )
    is_money = found["currency"].is_not_null().to_list()
    objects = [money_object(before, rest) if money else None
               for money, before, rest in zip(is_money, found["before"].to_list(), found["rest"].to_list())]
    # A scale letter against digits ("5m") is money's only: "a 5m race" measures, it does not count.
    suffixed = pl.col("low").str.contains(rf"\d{SCALE_SUFFIX}\b")
    hundredths = pl.when(pl.col("named").str.strip_chars().is_in(HUNDREDTHS)).then(0.01).otherwise(1.0)
    return (
        found.with_columns(value=number_values(found["low"]), value_high=number_values(found["high"]),
                           money_object=pl.Series(objects, dtype=pl.String))
        # "$10 – $55 billion": the high end's scale is the low end's too.
        .with_columns(value=pl.when(~scaled & pl.col("high").str.contains(SCALED).fill_null(False))
                      .then(pl.coalesce(pl.col("value") * pl.col("value_high")
                                        / number_values(found["high"].str.extract(r"^([\d.,]+)")), pl.col("value")))
                      .otherwise(pl.col("value")))
        .with_columns(value=pl.col("value") * hundredths, value_high=pl.col("value_high") * hundredths)
        .filter(~suffixed | pl.col("currency").is_not_null())
        .sort("doc_id", "start")
        .with_columns(object=pl.when(pl.col("currency").is_null()).then("object").when(
            pl.col("before").str.contains(r"\(\s*$") & (pl.col("start") - pl.col("end").shift(1).over("doc_id") <= 3)
            & pl.col("currency").shift(1).over("doc_id").is_not_null())
            .then(pl.col("money_object").shift(1).over("doc_id")).otherwise("money_object"))
        .select("doc_id", "start", end=pl.col("start") + pl.col("text").str.len_chars(), text="text",
                value="value", value_high="value_high", qualifier=pl.col("qualifier").str.to_lowercase(), object="object",
                currency="currency",
                unit=pl.when(pl.col("percent").is_not_null()).then(pl.lit("percent"))
                .when(pl.col("currency").is_not_null()).then(pl.lit("money")).otherwise(pl.lit("count")))
    )
