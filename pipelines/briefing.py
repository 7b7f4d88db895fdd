"""The briefing: one self-contained HTML page of what was in the news over a period, for a
reader who does not write SQL (issue 26).

Two pure steps. `briefing_tables(con, days)` runs one SQL query per section on a warehouse
connection and keeps each result as a polars frame beside the SQL text that made it (the
period's dates written into it, so it runs as shown). `render_briefing(briefing)` draws each
section with Vega-Altair, followed by its numbers as an HTML table and its SQL, and embeds the
Vega, Vega-Lite and Vega-Embed bundle that vl-convert-python ships, the country borders of
countryinfo's GeoJSON and every datum: the page loads nothing from the network (its Content
Security Policy forbids it), so it opens offline and from a file.

The period is the last `days` days up to the latest day the warehouse knows, where an
article's day is its published date, else the day its document was first seen
(raw_documents.first_seen).
"""

from __future__ import annotations

import functools
import html
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

DEFAULT_DAYS = 7
TOP_ENTITIES = 8  # per type, in the attention chart
TOP_OUTLETS = 12  # the rest are counted as "(other outlets)"
MAX_MEETINGS = 300
MAX_NODES = 60
TOP_PLACES = 150
TOP_SPEAKERS = 12
QUOTES_EACH = 3
TOP_MONEY = 20
TOP_STORIES = 20
ENTITY_TYPES = {"PERSON": "people", "ORGANIZATION": "organisations", "LOCATION": "places"}

PERIOD_CTE = """dated AS (
    -- each article's day: its published date, else the day its document was first seen
    SELECT a.doc_id, a.outlet, a.title, a.url,
           coalesce(a.published_date, CAST(r.first_seen AS DATE)) AS day
    FROM articles a JOIN raw_documents r USING (doc_id)
), period AS (
    SELECT * FROM dated WHERE day BETWEEN DATE '{start}' AND DATE '{end}'
)"""

SECTION_SQL = {
    "attention": """WITH {period},
daily AS (
    SELECT e.type, e.canonical_name AS entity, p.day, count(*) AS mentions
    FROM entity_mentions m
    JOIN period p USING (doc_id)
    JOIN entities e USING (entity_id)
    WHERE e.type IN ('PERSON', 'ORGANIZATION', 'LOCATION')
    GROUP BY ALL
), ranked AS (
    SELECT type, entity, row_number() OVER (PARTITION BY type ORDER BY sum(mentions) DESC, entity) AS rank
    FROM daily
    GROUP BY type, entity
), days AS (
    -- every day some article has: a top entity not named that day counts 0 there
    SELECT DISTINCT day FROM period
)
SELECT r.type, r.entity, days.day, coalesce(d.mentions, 0) AS mentions
FROM ranked r
CROSS JOIN days
LEFT JOIN daily d ON d.type = r.type AND d.entity = r.entity AND d.day = days.day
WHERE r.rank <= {top_entities}
ORDER BY r.type, r.rank, days.day""",
    "outlets": """WITH {period},
top AS (
    SELECT coalesce(outlet, '(unknown)') AS outlet, count(*) AS articles
    FROM period GROUP BY 1 ORDER BY articles DESC, outlet LIMIT {top_outlets}
)
SELECT coalesce(t.outlet, '(other outlets)') AS outlet, p.day, count(*) AS articles
FROM period p LEFT JOIN top t ON t.outlet = coalesce(p.outlet, '(unknown)')
GROUP BY ALL
ORDER BY p.day, articles DESC, outlet""",
    "meetings": """WITH {period},
actors AS (
    SELECT ev.doc_id, ev.sentence, ev.start, ev.place_entity_id, ev.sentence_text, actor.entity_id, actor.position
    FROM events ev, UNNEST(ev.actor_entity_ids) WITH ORDINALITY AS actor(entity_id, position)
    WHERE ev.kind = 'meeting' AND ev.doc_id IN (SELECT doc_id FROM period)
)
SELECT ea.canonical_name AS a, ea.type AS type_a, eb.canonical_name AS b, eb.type AS type_b,
       pl.canonical_name AS place, p.day, coalesce(p.outlet, '(unknown)') AS outlet, p.title, p.url,
       x.doc_id, x.sentence_text AS sentence
FROM actors x
JOIN actors y ON y.doc_id = x.doc_id AND y.start = x.start AND y.position > x.position
JOIN entities ea ON ea.entity_id = x.entity_id AND ea.type IN ('PERSON', 'ORGANIZATION')
JOIN entities eb ON eb.entity_id = y.entity_id AND eb.type IN ('PERSON', 'ORGANIZATION')
LEFT JOIN entities pl ON pl.entity_id = x.place_entity_id
JOIN period p ON p.doc_id = x.doc_id
WHERE ea.entity_id <> eb.entity_id
ORDER BY p.day DESC, a, b, x.doc_id, x.start
LIMIT {max_meetings}""",
    "places": """WITH {period}
SELECT e.canonical_name AS place, e.country, e.latitude, e.longitude,
       count(*) AS mentions, count(DISTINCT m.doc_id) AS articles
FROM entity_mentions m
JOIN period p USING (doc_id)
JOIN entities e USING (entity_id)
WHERE e.type = 'LOCATION' AND e.latitude IS NOT NULL AND e.longitude IS NOT NULL
GROUP BY ALL
ORDER BY mentions DESC, place
LIMIT {top_places}""",
    "quotes": """WITH {period},
said AS (
    SELECT e.canonical_name AS speaker, q.quote, coalesce(p.outlet, '(unknown)') AS outlet, p.day, p.title,
           p.url, q.doc_id, q.start
    FROM quotes q
    JOIN period p USING (doc_id)
    JOIN entities e ON e.entity_id = q.speaker_entity_id
), ranked AS (
    SELECT speaker, count(*) AS quotes, row_number() OVER (ORDER BY count(*) DESC, speaker) AS rank
    FROM said GROUP BY speaker
)
SELECT r.rank, s.speaker, r.quotes, s.quote, s.outlet, s.day, s.title, s.url, s.doc_id
FROM said s JOIN ranked r USING (speaker)
WHERE r.rank <= {top_speakers}
QUALIFY row_number() OVER (PARTITION BY s.speaker ORDER BY s.day DESC, s.doc_id, s.start) <= {quotes_each}
ORDER BY r.rank, s.day DESC, s.doc_id, s.start""",
    "money": """WITH {period}
SELECT am.text AS as_written, am.value, am.value_high, am.currency, am.object,
       coalesce(p.outlet, '(unknown)') AS outlet, p.day, p.title, p.url, am.doc_id
FROM amounts am
JOIN period p USING (doc_id)
WHERE am.unit = 'money'
ORDER BY coalesce(am.value_high, am.value) DESC, am.doc_id, am.start
LIMIT {top_money}""",
    "stories": """WITH {period}
SELECT coalesce(g.title, '(untitled)') AS title, len(g.outlets) AS outlets, g.articles,
       array_to_string(g.outlets, ', ') AS outlet_names, g.first_published, g.last_published,
       CAST(g.first_seen AS DATE) AS first_seen, CAST(g.last_seen AS DATE) AS last_seen
FROM near_duplicate_groups g
WHERE len(g.outlets) >= 2  -- one outlet's reprints and corrections are not a story others ran
  AND g.first_doc_id IN (SELECT coalesce(a.near_duplicate_of, a.doc_id) FROM articles a JOIN period p USING (doc_id))
ORDER BY outlets DESC, g.articles DESC, g.first_seen, g.first_doc_id
LIMIT {top_stories}""",
}

SECTION_TITLES = {
    "attention": "Who was in the news: mentions per day",
    "outlets": "Articles per outlet per day",
    "meetings": "Who met whom",
    "places": "Places in the news",
    "quotes": "Top quotes by speaker",
    "money": "The largest sums of money",
    "stories": "Stories many outlets ran",
}
SECTION_NOTES = {
    "attention": f"The {TOP_ENTITIES} most mentioned people, organisations and places of the period, and their "
                 "mentions on each day that has articles (bars when only one day has).",
    "outlets": f"Articles each outlet published per day (the {TOP_OUTLETS} busiest outlets; the rest together).",
    "meetings": "People and organisations reported meeting (events of kind 'meeting'): a line joins two who met, "
                "thicker for more meetings; point at its middle for the sentence and click to read it below.",
    "places": "Places the articles name, at the gazetteer's coordinates, sized by mentions.",
    "quotes": f"The {TOP_SPEAKERS} speakers quoted most often, with up to {QUOTES_EACH} of their latest quotes each.",
    "money": "Sums of money the articles state, largest first, with what they are for when the text says. "
             "Each in its own currency: not converted, so compare within a currency.",
    "stories": "Stories two or more outlets ran (near-duplicate groups: one story's renderings, reprints and "
               "corrections), by how many outlets ran them.",
}


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    sql: str
    frame: pl.DataFrame


@dataclass(frozen=True)
class Briefing:
    days: int
    start: date | None  # None: the warehouse holds no article
    end: date | None
    articles: int  # articles in the period
    outlets: int
    sections: dict[str, Section] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.articles == 0


def period_sql(start: date, end: date) -> str:
    return PERIOD_CTE.format(start=start.isoformat(), end=end.isoformat())


def section_sql(key: str, start: date, end: date) -> str:
    """The SQL of one section, runnable as shown."""
    return SECTION_SQL[key].format(
        period=period_sql(start, end), top_entities=TOP_ENTITIES, top_outlets=TOP_OUTLETS,
        max_meetings=MAX_MEETINGS, top_places=TOP_PLACES, top_speakers=TOP_SPEAKERS, quotes_each=QUOTES_EACH,
        top_money=TOP_MONEY, top_stories=TOP_STORIES)


def briefing_tables(con: duckdb.DuckDBPyConnection, days: int = DEFAULT_DAYS, end: date | None = None) -> Briefing:
    """Every section's rows for the `days` days up to `end` (default: the latest day an article
    has), as polars frames with the SQL they came from."""
    if days < 1:
        raise ValueError("days must be at least 1")
    if end is None:
        end = con.execute("SELECT max(coalesce(a.published_date, CAST(r.first_seen AS DATE))) "
                          "FROM articles a JOIN raw_documents r USING (doc_id)").fetchone()[0]
    if end is None:
        return Briefing(days=days, start=None, end=None, articles=0, outlets=0)
    start = end - timedelta(days=days - 1)
    articles, outlets = con.execute(
        f"WITH {period_sql(start, end)} SELECT count(*), count(DISTINCT outlet) FROM period").fetchone()
    sections = {}
    for key in SECTION_SQL:
        sql = section_sql(key, start, end)
        sections[key] = Section(key, SECTION_TITLES[key], sql, con.execute(sql).pl())
    return Briefing(days=days, start=start, end=end, articles=articles, outlets=outlets, sections=sections)


# --- the network's layout ---------------------------------------------------------------------

def network(meetings: pl.DataFrame, max_nodes: int = MAX_NODES) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Nodes (name, type, meetings, x, y) and edges (a, b, meetings, coordinates, the first
    meeting's sentence and article) of the meetings, the `max_nodes` best-connected nodes kept,
    laid out by a force-directed layout in numpy (seeded: the same rows give the same picture)."""
    if meetings.is_empty():
        return (pl.DataFrame(schema={"name": pl.String, "type": pl.String, "meetings": pl.Int64, "x": pl.Float64, "y": pl.Float64}),
                pl.DataFrame(schema={"a": pl.String, "b": pl.String, "meetings": pl.Int64}))
    rows = meetings.with_row_index("meeting")
    # One edge per unordered pair; its evidence is its first meeting in the table.
    rows = rows.with_columns(lo=pl.min_horizontal("a", "b"), hi=pl.max_horizontal("a", "b"))
    edges = (rows.group_by("lo", "hi", maintain_order=True)
             .agg(pl.len().alias("meetings"), pl.first("meeting"), pl.first("sentence"), pl.first("title"),
                  pl.first("outlet"), pl.first("day"), pl.first("place"))
             .rename({"lo": "a", "hi": "b"}))
    types = dict(zip(rows["a"].to_list() + rows["b"].to_list(), rows["type_a"].to_list() + rows["type_b"].to_list()))
    degree = (pl.concat([edges.select(name="a", meetings="meetings"), edges.select(name="b", meetings="meetings")])
              .group_by("name").agg(pl.sum("meetings")).sort(["meetings", "name"], descending=[True, False])
              .head(max_nodes))
    kept = set(degree["name"].to_list())
    edges = edges.filter(pl.col("a").is_in(kept) & pl.col("b").is_in(kept))
    names = degree["name"].to_list()
    index = {name: i for i, name in enumerate(names)}
    pairs = np.array([[index[a], index[b]] for a, b in zip(edges["a"], edges["b"])], dtype=int).reshape(-1, 2)
    xy = force_layout(len(names), pairs)
    nodes = degree.with_columns(type=pl.Series([types[n] for n in names], dtype=pl.String),
                                x=pl.Series(xy[:, 0]), y=pl.Series(xy[:, 1]))
    edges = edges.with_columns(
        x=pl.Series(xy[pairs[:, 0], 0] if len(pairs) else [], dtype=pl.Float64),
        y=pl.Series(xy[pairs[:, 0], 1] if len(pairs) else [], dtype=pl.Float64),
        x2=pl.Series(xy[pairs[:, 1], 0] if len(pairs) else [], dtype=pl.Float64),
        y2=pl.Series(xy[pairs[:, 1], 1] if len(pairs) else [], dtype=pl.Float64),
    ).with_columns(mx=(pl.col("x") + pl.col("x2")) / 2, my=(pl.col("y") + pl.col("y2")) / 2)
    return nodes, edges


def force_layout(n: int, pairs: np.ndarray, iterations: int = 300, seed: int = 0) -> np.ndarray:
    """Positions in [-1, 1]² of `n` nodes joined by `pairs` (i, j): each connected group laid out
    on its own (Fruchterman-Reingold), the groups packed in rows, largest first. Laid out together,
    separate groups push each other to the corners and each shrinks to a knot of labels."""
    if n == 0:
        return np.zeros((0, 2))
    groups = _components(n, pairs)
    sides = [math.sqrt(len(g)) for g in groups]  # a group's square grows with its nodes
    width = max(max(sides), math.sqrt(n) * 1.6)  # the chart is wider than high
    pos = np.zeros((n, 2))
    x = y = row_height = 0.0
    for group, side in zip(groups, sides):
        if x > 0 and x + side > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        index = {node: i for i, node in enumerate(group)}
        inner = np.array([[index[a], index[b]] for a, b in pairs if a in index], dtype=int).reshape(-1, 2)
        local = _fruchterman_reingold(len(group), inner, iterations, seed) * 0.4 * side  # margins for labels
        pos[group] = local + [x + side / 2, -(y + side / 2)]
        x, row_height = x + side, max(row_height, side)
    pos -= (pos.max(axis=0) + pos.min(axis=0)) / 2
    scale = np.abs(pos).max(axis=0)
    return pos / np.where(scale > 0, scale, 1)


def _components(n: int, pairs: np.ndarray) -> list[list[int]]:
    """The connected groups of nodes, largest first (ties: by their first node)."""
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def _fruchterman_reingold(n: int, pairs: np.ndarray, iterations: int, seed: int) -> np.ndarray:
    """Positions in [-1, 1]² of one connected group (seeded: the same rows give the same picture)."""
    if n == 1:
        return np.zeros((1, 2))
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1, 1, size=(n, 2))
    k = math.sqrt(4.0 / n)
    temperature = 0.2
    adjacency = np.zeros((n, n))
    if len(pairs):
        adjacency[pairs[:, 0], pairs[:, 1]] = 1
        adjacency[pairs[:, 1], pairs[:, 0]] = 1
    for step in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.maximum(np.linalg.norm(delta, axis=-1), 1e-3)
        force = k * k / distance - adjacency * distance * distance / k  # repulsion - attraction
        np.fill_diagonal(force, 0)
        displacement = (delta / distance[..., None] * force[..., None]).sum(axis=1)
        length = np.maximum(np.linalg.norm(displacement, axis=1), 1e-9)
        pos += displacement / length[:, None] * np.minimum(length, temperature)[:, None]
        temperature = max(0.005, temperature * 0.98)
    pos -= pos.mean(axis=0)
    scale = np.abs(pos).max()
    return pos / scale if scale > 0 else pos


# --- the page ---------------------------------------------------------------------------------

CSP = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
       "img-src data: blob:; font-src 'none'; connect-src 'none'")
STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; margin: 0 auto;
       max-width: 1200px; padding: 1rem 2rem 4rem; color: #1d2330; line-height: 1.4; }
h1 { margin-bottom: .2rem; } .lede { color: #555; margin-top: 0; }
section { margin: 2.5rem 0; border-top: 1px solid #ddd; padding-top: .5rem; }
.note { color: #555; max-width: 60rem; } .empty { color: #777; font-style: italic; }
.numbers { max-height: 22rem; overflow: auto; border: 1px solid #e3e3e3; margin: .6rem 0; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; }
th, td { text-align: left; padding: .2rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
th { position: sticky; top: 0; background: #f6f7f9; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr:target { background: #fff4c2; }
details pre { background: #f6f7f9; padding: .7rem; overflow: auto; font-size: .8rem; }
nav a { margin-right: 1rem; }
.chart { min-height: 50px; }
"""


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script, from vl-convert-python (no network); built
    once per process (about a second)."""
    import altair as alt
    import vl_convert

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    versions = vl_convert.get_vegalite_versions()
    version = major_minor if major_minor in versions else versions[-1]
    return vl_convert.javascript_bundle(vl_version=version).replace("</script", "<\\/script")


@functools.lru_cache(maxsize=1)
def world_borders() -> dict:
    """Country borders as one GeoJSON FeatureCollection, from the files countryinfo ships
    (coordinates rounded to 0.01°, about 1 km: enough for a world map, a third of the bytes)."""
    import countryinfo

    features = []
    for path in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for feature in (data.get("geoJSON") or {}).get("features", []):
            geometry = feature.get("geometry") or {}
            if geometry.get("type") not in ("Polygon", "MultiPolygon"):
                continue
            features.append({"type": "Feature", "properties": {"name": data.get("name", "")},
                             "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}})
    return {"type": "FeatureCollection", "features": features}


def _rounded(coordinates):
    if isinstance(coordinates, (int, float)):
        return round(coordinates, 2)
    return [_rounded(c) for c in coordinates]


def _json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def records(frame: pl.DataFrame) -> list[dict]:
    """A frame's rows as JSON-ready dicts (dates as ISO strings)."""
    return [{key: _json_value(value) for key, value in row.items()} for row in frame.iter_rows(named=True)]


def format_cell(value) -> str:
    """A value as the tables show it: numbers in full (no thousands separators, so they read back
    exactly), dates ISO, lists joined, NULL as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(format_cell(v) for v in value)
    return str(value)


def html_table(frame: pl.DataFrame, section: str, columns: list[str] | None = None,
               row_ids: list[str] | None = None, links: dict[str, str] | None = None) -> str:
    """`frame` as an HTML table (every text escaped); numeric columns right-aligned and marked
    data-numeric; `links` maps a column to the column holding its URL."""
    columns = columns or frame.columns
    links = links or {}
    numeric = {c for c in columns if frame.schema[c].is_numeric()}
    head = "".join(f'<th data-column="{html.escape(c)}">{html.escape(c)}</th>' for c in columns)
    body = []
    for i, row in enumerate(frame.iter_rows(named=True)):
        cells = []
        for c in columns:
            text = html.escape(format_cell(row[c]))
            url = row.get(links[c]) if c in links else None
            if url and str(url).startswith(("http://", "https://")):
                text = f'<a href="{html.escape(str(url))}" rel="noreferrer">{text}</a>'
            cells.append(f'<td class="n" data-numeric="1">{text}</td>' if c in numeric else f"<td>{text}</td>")
        row_id = f' id="{html.escape(row_ids[i])}"' if row_ids else ""
        body.append(f"<tr{row_id}>{''.join(cells)}</tr>")
    return (f'<div class="numbers"><table data-section="{html.escape(section)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _charts(briefing: Briefing) -> dict[str, object]:
    """The Altair chart of each section that has rows."""
    import altair as alt

    s = briefing.sections
    charts: dict[str, tuple[object, dict[str, object]]] = {}
    datasets: dict[str, object] = {}

    def data(name: str, values, **kwargs):
        """Rows by name: the spec refers to them and gets them after Altair's validation, which
        would otherwise walk every datum (seconds for tens of thousands of rows)."""
        datasets[name] = values
        return alt.NamedData(name=name, **kwargs)

    def keep(key: str, chart) -> None:
        charts[key] = (chart, dict(datasets))
        datasets.clear()
    # One tick a day for a week or a month (not Vega's noon ticks labelled twice), Vega's own beyond.
    ticks = {"tickCount": {"interval": "day", "step": 1}} if briefing.days <= 31 else {}
    day_axis = alt.X("day:T", title="day", axis=alt.Axis(format="%d %b", labelAngle=0, **ticks),
                     scale=alt.Scale(type="utc", domain=[briefing.start.isoformat(), briefing.end.isoformat()]))

    counts_axis = alt.Axis(tickMinStep=1, format="d")  # whole numbers: no "0.2 quotes"
    attention = s["attention"].frame
    if not attention.is_empty():
        panels = []
        for entity_type, label in ENTITY_TYPES.items():
            rows = records(attention.filter(pl.col("type") == entity_type))
            if not rows:
                continue
            chart = alt.Chart(data(f"attention_{entity_type.lower()}", rows), title=label, width=900, height=170)
            tooltip = ["entity:N", alt.Tooltip("day:T", format="%Y-%m-%d"), "mentions:Q"]
            if attention["day"].n_unique() == 1:  # one day has articles: a line would be a column of dots
                panels.append(chart.mark_bar().encode(
                    y=alt.Y("entity:N", sort=None, title=None), x=alt.X("mentions:Q", title="mentions", axis=counts_axis),
                    color=alt.Color("entity:N", title=label, sort=None, legend=None), tooltip=tooltip))
                continue
            panels.append(chart.mark_line(point=True).encode(
                x=day_axis, y=alt.Y("mentions:Q", title="mentions", axis=counts_axis), color=alt.Color("entity:N", title=label, sort=None),
                tooltip=tooltip))
        keep("attention", alt.vconcat(*panels).resolve_scale(color="independent"))

    outlets = s["outlets"].frame
    if not outlets.is_empty():
        keep("outlets", alt.Chart(data("outlets", records(outlets)), width=900, height=260)
                             .mark_bar()
                             .encode(x=alt.X("day:O", title="day", axis=alt.Axis(labelAngle=0)),
                                     y=alt.Y("sum(articles):Q", title="articles", axis=counts_axis),
                                     color=alt.Color("outlet:N", title="outlet"),
                                     tooltip=["outlet:N", "day:O", "articles:Q"]))

    nodes, edges = network(s["meetings"].frame)
    if not nodes.is_empty():
        scale_x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-1.25, 1.25]))
        scale_y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[-1.15, 1.15]))
        edge_rows = records(edges.with_columns(href=pl.format("#meeting-{}", pl.col("meeting"))))
        edge_data = data("meetings_edges", edge_rows)
        lines = (alt.Chart(edge_data).mark_rule(color="#8a94a6", opacity=0.7)
                 .encode(x=scale_x, y=scale_y, x2="x2:Q", y2="y2:Q",
                         strokeWidth=alt.StrokeWidth("meetings:Q", scale=alt.Scale(range=[1, 6]), legend=None)))
        middles = (alt.Chart(edge_data).mark_point(shape="diamond", size=60, filled=True,
                                                                    color="#8a94a6", cursor="pointer")
                   .encode(x=alt.X("mx:Q", axis=None), y=alt.Y("my:Q", axis=None), href="href:N",
                           tooltip=[alt.Tooltip("a:N", title="who"), alt.Tooltip("b:N", title="met"),
                                    alt.Tooltip("meetings:Q"), alt.Tooltip("place:N"),
                                    alt.Tooltip("sentence:N"), alt.Tooltip("title:N", title="article"),
                                    alt.Tooltip("outlet:N"), alt.Tooltip("day:T", format="%Y-%m-%d")]))
        node_data = data("meetings_nodes", records(nodes))
        points = (alt.Chart(node_data).mark_circle(opacity=0.9, stroke="white", strokeWidth=1)
                  .encode(x=scale_x, y=scale_y,
                          size=alt.Size("meetings:Q", scale=alt.Scale(range=[80, 900], zero=False), title="meetings",
                                        legend=alt.Legend(values=_legend_counts(nodes["meetings"]), format="d")),
                          color=alt.Color("type:N", title="type",
                                          scale=alt.Scale(domain=["PERSON", "ORGANIZATION"], range=["#d95f02", "#1b9e77"])),
                          tooltip=["name:N", "type:N", "meetings:Q"]))
        labels = (alt.Chart(node_data).mark_text(dy=-12, fontSize=11, color="#1d2330")
                  .encode(x=scale_x, y=scale_y, text="name:N"))
        keep("meetings", alt.layer(lines, middles, points, labels).properties(width=900, height=560))

    places = s["places"].frame
    if not places.is_empty():
        borders = (alt.Chart(data("world", world_borders(), format=alt.DataFormat(property="features", type="json")))
                   .mark_geoshape(fill="#eef0f3", stroke="#b8bec9", strokeWidth=0.5, clip=True))
        circles = (alt.Chart(data("places", records(places))).mark_circle(color="#c2185b", opacity=0.6, stroke="white")
                   .encode(longitude="longitude:Q", latitude="latitude:Q",
                           size=alt.Size("mentions:Q", scale=alt.Scale(range=[30, 1500]), title="mentions"),
                           tooltip=["place:N", "country:N", "mentions:Q", "articles:Q"]))
        keep("places", alt.layer(borders, circles).project(type="equalEarth", fit=_map_extent(places))
                            .properties(width=900, height=470))

    quotes = s["quotes"].frame
    if not quotes.is_empty():
        speakers = quotes.unique("speaker", keep="first", maintain_order=True).select("rank", "speaker", "quotes")
        keep("quotes", alt.Chart(data("speakers", records(speakers)), width=700)
                            .mark_bar(color="#4c78a8")
                            .encode(y=alt.Y("speaker:N", sort=None, title=None), x=alt.X("quotes:Q", title="quotes", axis=counts_axis),
                                    tooltip=["speaker:N", "quotes:Q"]))

    money = s["money"].frame
    if not money.is_empty():
        rows = records(money.with_row_index("rank", offset=1).with_columns(
            label=pl.format("{}. {}", pl.col("rank"), pl.col("as_written")),
            largest=pl.coalesce("value_high", "value"), currency=pl.col("currency").fill_null("?")))
        values = [r["largest"] for r in rows if r["largest"] and r["largest"] > 0]
        log = bool(values) and len(values) == len(rows) and max(values) / min(values) > 1000  # orders of magnitude apart
        keep("money", alt.Chart(data("money", rows), width=700)
                           .mark_bar()
                           .encode(y=alt.Y("label:N", sort=None, title=None),
                                   x=alt.X("largest:Q", title=f"value in its currency{' (log scale)' if log else ''}",
                                           scale=alt.Scale(type="log", zero=False, nice=False) if log else alt.Scale()),
                                   color=alt.Color("currency:N", title="currency"),
                                   tooltip=["as_written:N", "largest:Q", "currency:N", "object:N", "outlet:N",
                                            alt.Tooltip("day:T", format="%Y-%m-%d"), "title:N"]))

    stories = s["stories"].frame
    if not stories.is_empty():
        rows = records(stories.with_row_index("rank", offset=1).with_columns(
            label=pl.format("{}. {}", pl.col("rank"), pl.col("title").str.slice(0, 70))))
        keep("stories", alt.Chart(data("stories", rows), width=700)
                             .mark_bar(color="#72b7b2")
                             .encode(y=alt.Y("label:N", sort=None, title=None), x=alt.X("outlets:Q", title="outlets", axis=counts_axis),
                                     tooltip=["title:N", "outlets:Q", "articles:Q", "outlet_names:N",
                                              "first_seen:N", "last_seen:N"]))
    return charts


def _legend_counts(counts: pl.Series) -> list[int]:
    """Up to four whole counts from the smallest to the largest, for a size legend (Vega's own
    ticks are fractional: "1, 1.5, 2" for meetings)."""
    low, high = int(counts.min()), int(counts.max())
    return sorted({round(low + (high - low) * i / 3) for i in range(4)})


def _map_extent(places: pl.DataFrame) -> dict:
    """What the map's projection fits: the places' bounding box, widened to at least 40° by 25°
    around its middle (a single city is not a whole map), as a GeoJSON MultiPoint."""
    lon, lat = places["longitude"], places["latitude"]
    west, east, south, north = lon.min(), lon.max(), lat.min(), lat.max()
    half_width, half_height = max((east - west) / 2 * 1.15, 20), max((north - south) / 2 * 1.15, 12.5)
    middle_lon, middle_lat = (west + east) / 2, (south + north) / 2
    corners = [[max(-180, middle_lon - half_width), max(-85, middle_lat - half_height)],
               [min(180, middle_lon + half_width), min(85, middle_lat + half_height)]]
    return {"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": corners}, "properties": {}}


def _numbers(key: str, frame: pl.DataFrame) -> str:
    """The table under a section's chart."""
    if key == "attention":
        return html_table(frame, key)
    if key == "outlets":
        return html_table(frame, key)
    if key == "meetings":
        ids = [f"meeting-{i}" for i in range(frame.height)]
        return html_table(frame, key, ["a", "b", "place", "day", "outlet", "title", "sentence"], ids, {"title": "url"})
    if key == "places":
        return html_table(frame, key)
    if key == "quotes":
        return html_table(frame, key, ["rank", "speaker", "quotes", "quote", "outlet", "day", "title"],
                          links={"title": "url"})
    if key == "money":
        return html_table(frame, key, ["as_written", "value", "value_high", "currency", "object", "outlet", "day", "title"],
                          links={"title": "url"})
    return html_table(frame, key)


def _script_json(value) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/").replace("<!--", "<\\!--")


def render_briefing(briefing: Briefing, generated_at: datetime | None = None, warehouse: str | None = None) -> str:
    """One self-contained HTML page of the briefing: every chart, its numbers and its SQL."""
    generated_at = generated_at or datetime.now().replace(microsecond=0)
    esc = html.escape
    if briefing.end is None:
        lede = "The warehouse holds no articles yet: nothing to brief on. Add files under raw/ and run the pipeline."
    else:
        lede = (f"{briefing.articles} article(s) from {briefing.outlets} named outlet(s), "
                f"{briefing.start.isoformat()} to {briefing.end.isoformat()} ({briefing.days} day(s) up to the latest "
                f"day the warehouse knows; an article's day is its published date, else the day it was first seen).")
        if briefing.empty:
            lede += " No article falls in this period."
    source = f" from {esc(warehouse)}" if warehouse else ""
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>News briefing {esc(briefing.end.isoformat() if briefing.end else '(empty warehouse)')}</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>News briefing</h1>",
        f'<p class="lede" id="lede">{esc(lede)}</p>',
        f'<p class="lede">Made {esc(generated_at.isoformat(sep=" "))}{source} by news-warehouse. '
        "Each chart is followed by its numbers and the SQL they came from; the page needs no network.</p>",
    ]
    specs: dict[str, dict] = {}
    if not briefing.empty:
        charts = _charts(briefing)
        parts.append("<nav>" + "".join(f'<a href="#{k}">{esc(t)}</a>' for k, t in SECTION_TITLES.items()) + "</nav>")
        for key, section in briefing.sections.items():
            parts.append(f'<section id="{key}" data-rows="{section.frame.height}"><h2>{esc(section.title)}</h2>')
            parts.append(f'<p class="note">{esc(SECTION_NOTES[key])}</p>')
            if key in charts:
                chart, values = charts[key]
                specs[key] = {**chart.to_dict(), "datasets": values}
                parts.append(f'<div class="chart" id="chart-{key}" data-chart="{key}"></div>')
                parts.append(_numbers(key, section.frame))
            else:
                parts.append('<p class="empty">Nothing in this period.</p>')
            parts.append(f"<details><summary>SQL</summary><pre><code>{esc(section.sql)}</code></pre></details></section>")
    if specs:
        parts.append(f"<script>{vega_bundle()}</script>")
        parts.append(f'<script type="application/json" id="briefing-specs">{_script_json(specs)}</script>')
        parts.append("""<script>
(function () {
  const specs = JSON.parse(document.getElementById('briefing-specs').textContent);
  window.briefingCharts = Promise.all(Object.entries(specs).map(([key, spec]) =>
    vegaEmbed('#chart-' + key, spec, {actions: false, renderer: 'svg', loader: {target: '_self'}})
      .then(result => { document.getElementById('chart-' + key).dataset.drawn = '1'; return result; })));
})();
</script>""")
    parts.append("</body></html>")
    return "\n".join(parts)


def write_briefing(page: str, folder: Path, stamp: datetime) -> tuple[Path, Path]:
    """`page` as folder/<stamp>.html and folder/latest.html (each written whole, then renamed into
    place, so a reader never opens half a page)."""
    folder.mkdir(parents=True, exist_ok=True)
    dated = folder / f"{stamp.strftime('%Y%m%dT%H%M%S')}.html"
    latest = folder / "latest.html"
    for target in (dated, latest):
        scratch = target.with_name(f".{target.name}.tmp")
        scratch.write_text(page, encoding="utf-8")
        scratch.replace(target)
    return dated, latest


def summary_markdown(briefing: Briefing) -> str:
    """A few lines for the asset's metadata in the Dagster UI."""
    if briefing.end is None:
        return "The warehouse holds no articles yet."
    lines = [f"**{briefing.start.isoformat()} to {briefing.end.isoformat()}**: {briefing.articles} articles, "
             f"{briefing.outlets} named outlets."]
    s = briefing.sections
    if briefing.empty:
        return lines[0] + " No article falls in this period."
    attention = s["attention"].frame
    for entity_type, label in ENTITY_TYPES.items():
        top = (attention.filter(pl.col("type") == entity_type).group_by("entity").agg(pl.sum("mentions"))
               .sort(["mentions", "entity"], descending=[True, False]).head(3))
        if not top.is_empty():
            lines.append(f"- Top {label}: " + ", ".join(f"{e} ({m})" for e, m in top.iter_rows()))
    lines.append(f"- {s['meetings'].frame.height} meetings, {s['quotes'].frame['speaker'].n_unique()} speakers quoted, "
                 f"{s['places'].frame.height} places on the map, {s['stories'].frame.height} stories run by several outlets")
    return "\n".join(lines)
