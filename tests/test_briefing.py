"""The briefing page (pipelines/briefing.py, the `briefing` asset, `news-warehouse briefing`): its
tables on warehouses built by the real job, the page offline and escaped, and the page in
headless Chromium with the network cut off: no console error, every chart drawn, every number
in its tables the number its SQL gives."""

from __future__ import annotations

import html
import re
import shutil
import urllib.request
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from conftest import OUTLETS, SAMPLE_DIR, fetch, run_job, varied_article
from pipelines.briefing import (SECTION_SQL, briefing_tables, force_layout, network, render_briefing,
                                summary_markdown)
from pipelines.cli import main, serve_briefings
from pipelines.screenshot import CHROMIUM, free_port, wait_for
from pipelines.settings import Settings
from pipelines.warehouse import reading

LONG = 20_000  # days: the whole sample, whose one dated article is from 2025


def build(folder: Path, files: dict[str, str] | None = None) -> Settings:
    """A warehouse built by the real job from the sample (or from `files`) under `folder`."""
    raw = folder / "raw"
    if files is None:
        shutil.copytree(SAMPLE_DIR, raw)
    else:
        raw.mkdir(parents=True)
        for name, text in files.items():
            (raw / name).write_text(text)
    settings = Settings(raw_dir=raw, warehouse=folder / "warehouse" / "news.duckdb", workers=2)
    run_job(settings)
    return settings


def dated(page: str, n: int) -> str:
    """The page published on one of five days of November 2026 (meta tag and a date line)."""
    day = date(2026, 11, 20 + n % 5)
    return (page.replace("</head>", f'<meta property="article:published_time" content="{day.isoformat()}T09:00:00Z"></head>')
            .replace("</h1>", f"</h1><p class=\"date\">{day.strftime('%d %B %Y')}</p>"))


def larger_corpus(n: int = 36) -> dict[str, str]:
    """`n` distinct pages, and reprints of a third of them under other outlets (near-duplicate
    stories several outlets ran)."""
    files = {f"story-{i:03d}.html": dated(varied_article(i), i) for i in range(n)}
    for i in range(0, n, 3):
        page = dated(varied_article(i), i)
        outlet = next(o for o in OUTLETS if f'content="{o}"' in page)
        for k, other in enumerate(o for o in OUTLETS if o != outlet):
            if k <= (i // 3) % 3:  # one, two or three more outlets
                files[f"reprint-{i:03d}-{k}.html"] = page.replace(outlet, other)
    return files


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Settings:
    return build(tmp_path_factory.mktemp("briefing-sample"))


@pytest.fixture(scope="module")
def larger(tmp_path_factory) -> Settings:
    return build(tmp_path_factory.mktemp("briefing-larger"), larger_corpus())


def test_tables_cover_the_period_and_come_from_their_sql(sample):
    with reading(sample.target) as con:
        briefing = briefing_tables(con, LONG)
        assert set(briefing.sections) == set(SECTION_SQL)
        for section in briefing.sections.values():  # each frame is what its SQL, as shown, gives
            assert con.execute(section.sql).pl().equals(section.frame), section.key
        week = briefing_tables(con, 7)
    assert briefing.articles == 4
    assert briefing.start == briefing.end - timedelta(days=LONG - 1)
    s = briefing.sections
    # Who met whom: the sample's meetings, people and organisations alike.
    pairs = {tuple(sorted(p)) for p in s["meetings"].frame.select("a", "b").iter_rows()}
    assert ("Sergei Shoigu", "Viktor Khrenin") in pairs and ("Alexander Ozerets", "Alexei Miller") in pairs
    assert "ORGANIZATION" in s["meetings"].frame["type_a"].to_list()
    # Attention: a person's mentions per day add up to the warehouse's count.
    shoigu = s["attention"].frame.filter(pl.col("entity") == "Sergei Shoigu")["mentions"].sum()
    assert shoigu == fetch(sample, "SELECT count(*) FROM entity_mentions JOIN entities USING (entity_id) "
                                   "WHERE canonical_name = 'Sergei Shoigu'")[0][0]
    assert s["outlets"].frame["articles"].sum() == 4
    assert set(s["quotes"].frame["speaker"]) >= {"Sergei Shoigu", "Eduard Tovpinets"}
    assert s["places"].frame["latitude"].null_count() == 0 and "Moscow" in s["places"].frame["place"].to_list()
    money = s["money"].frame
    assert money.height == 3 and money["currency"].to_list() == ["USD"] * 3
    assert s["stories"].frame.is_empty()  # the sample has no near-duplicates
    # The default week ends on the latest day an article has: the three undated articles, first seen today.
    days = fetch(sample, "SELECT coalesce(published_date, CAST(first_seen AS DATE)) FROM articles JOIN raw_documents USING (doc_id)")
    assert week.end == max(d for (d,) in days)
    assert week.articles == sum(week.start <= d <= week.end for (d,) in days) == 3


def test_page_is_offline_escaped_and_says_what_it_shows(sample):
    with reading(sample.target) as con:
        briefing = briefing_tables(con, LONG)
    quotes = briefing.sections["quotes"]
    hostile = quotes.frame.with_columns(quote=pl.lit('</script><img src="http://x/y.png"> & "quoted"'))
    tampered = replace(briefing, sections={**briefing.sections, "quotes": replace(quotes, frame=hostile)})
    page = render_briefing(tampered)
    assert html.escape('</script><img src="http://x/y.png"> & "quoted"') in page
    assert '<img src="http' not in page
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=[\"']?(https?:)?//", page, re.I)
    assert "@import" not in page and "url(http" not in page and "fonts.googleapis" not in page
    assert "default-src 'none'" in page  # the browser refuses any request the page might still make
    for key, section in briefing.sections.items():
        if not section.frame.is_empty():
            assert f'id="chart-{key}"' in page and f'data-section="{key}"' in page
        assert html.escape(section.sql) in page
    assert "Nothing in this period." in page  # stories: none in the sample
    assert "4 article(s)" in page


def test_an_empty_warehouse_gives_a_page_that_says_so(tmp_path):
    settings = build(tmp_path, files={})
    with reading(settings.target) as con:
        briefing = briefing_tables(con, 7)
    assert briefing.empty and briefing.end is None
    page = render_briefing(briefing)
    assert "holds no articles yet" in page and "<svg" not in page and "vegaEmbed" not in page
    assert summary_markdown(briefing) == "The warehouse holds no articles yet."


def test_the_asset_and_the_cli_write_the_page(tmp_path, capsys):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE_DIR, raw)
    settings = Settings(raw_dir=raw, warehouse=tmp_path / "warehouse" / "news.duckdb", workers=2)
    result = run_job(replace(settings, briefing_url="http://127.0.0.1:3001/"))
    metadata = {e.asset_key.to_user_string(): e.materialization.metadata
                for e in result.get_asset_materialization_events()}["briefing"]
    latest = Path(metadata["path"].value)
    assert latest == settings.warehouse.parent / "briefing" / "latest.html"
    assert latest.read_text() == Path(metadata["page"].value).read_text()
    # The UI links the page where `news-warehouse ui` serves it; the server gives the file.
    assert metadata["open"].value == "http://127.0.0.1:3001/latest.html"
    assert metadata["open_this_run"].value == "http://127.0.0.1:3001/" + Path(metadata["page"].value).name
    url, server = serve_briefings(settings, free_port())
    try:
        wait_for(url + "latest.html", timeout=30)
        with urllib.request.urlopen(url + "latest.html") as response:
            assert response.read().decode() == latest.read_text()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert "**" in metadata["summary"].value and "Top people" in metadata["summary"].value
    out = tmp_path / "pages"
    assert main(["briefing", "--warehouse", str(settings.warehouse), "--days", "3", "--out", str(out)]) == 0
    assert "Briefing of 3 articles" in capsys.readouterr().out
    assert (out / "latest.html").exists() and len(list(out.glob("*.html"))) == 2
    assert main(["briefing", "--warehouse", str(tmp_path / "none.duckdb")]) == 2


def test_network_layout_is_deterministic_and_in_view():
    meetings = pl.DataFrame({
        "a": ["A", "A", "B", "D", "A"], "type_a": ["PERSON"] * 5,
        "b": ["B", "C", "C", "E", "B"], "type_b": ["PERSON", "PERSON", "ORGANIZATION", "PERSON", "PERSON"],
        "place": [None] * 5, "day": [date(2026, 1, 1)] * 5, "outlet": ["x"] * 5, "title": ["t"] * 5,
        "url": [None] * 5, "doc_id": ["d"] * 5, "sentence": ["s1", "s2", "s3", "s4", "s5"],
    })
    nodes, edges = network(meetings)
    assert sorted(nodes["name"]) == ["A", "B", "C", "D", "E"]
    assert edges.filter((pl.col("a") == "A") & (pl.col("b") == "B"))["meetings"].to_list() == [2]
    assert edges.height == 4 and nodes["x"].abs().max() <= 1 and nodes["y"].abs().max() <= 1
    assert nodes.equals(network(meetings)[0])
    xy = force_layout(5, np.array([[0, 1], [1, 2]]))
    assert xy.shape == (5, 2) and np.abs(xy).max() == pytest.approx(1)
    # Separate groups (a chain, a clique of five, pairs) are packed apart: no knot of labels.
    clique = [[i, j] for i in range(3, 8) for j in range(i + 1, 8)]
    xy = force_layout(12, np.array([[0, 1], [1, 2], *clique, [8, 9], [10, 11]]))
    distances = np.linalg.norm(xy[:, None] - xy[None], axis=-1) + np.eye(12) * 9
    assert distances.min() > 0.2
    assert network(meetings, max_nodes=2)[0].height == 2


# --- in a browser -----------------------------------------------------------------------------

def number(text: str) -> float | None:
    return float(text) if text.strip() else None


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("corpus", ["sample", "larger"])
def test_page_in_headless_chromium_offline(corpus, request, tmp_path):
    pytest.importorskip("playwright.sync_api")
    from pipelines.screenshot import offline_page, open_briefing

    settings = request.getfixturevalue(corpus)
    with reading(settings.target) as con:
        briefing = briefing_tables(con, LONG)
    path = tmp_path / "briefing.html"
    path.write_text(render_briefing(briefing), encoding="utf-8")
    drawn = {key for key, s in briefing.sections.items() if not s.frame.is_empty()}
    if corpus == "larger":
        assert drawn == set(SECTION_SQL)  # every kind of chart, the stories included
    with offline_page() as (page, messages, blocked):
        open_briefing(page, path)
        charts = page.evaluate("""[...document.querySelectorAll('[data-chart]')].map(d => {
            const svg = d.querySelector('svg'); const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
            return {key: d.dataset.chart, drawn: d.dataset.drawn === '1', width: box.width, height: box.height,
                    marks: d.querySelectorAll('svg g.mark-rect path, svg g.mark-symbol path, svg g.mark-line path, '
                                              + 'svg g.mark-rule line, svg g.mark-shape path, svg g.mark-text text').length};
        })""")
        tables = page.evaluate("""[...document.querySelectorAll('table[data-section]')].map(t => ({
            section: t.dataset.section,
            columns: [...t.querySelectorAll('thead th')].map(th => th.dataset.column),
            rows: [...t.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(td => td.textContent)),
        }))""")
        sql = page.evaluate("""Object.fromEntries([...document.querySelectorAll('section[id]')].map(
            s => [s.id, s.querySelector('details pre').textContent]))""")
        if corpus == "larger":
            path_png = tmp_path / "briefing.png"
            page.screenshot(path=str(path_png), full_page=True)
            assert path_png.stat().st_size > 50_000
    assert blocked == []
    assert [m for m in messages if m[0] in ("error", "pageerror")] == []
    assert {c["key"] for c in charts} == drawn
    for chart in charts:
        assert chart["drawn"] and chart["width"] > 100 and chart["height"] > 50 and chart["marks"] > 0, chart
    # The numbers: each table's numeric columns are what the section's SQL, as the page shows it, gives.
    assert {t["section"] for t in tables} == drawn
    with reading(settings.target) as con:
        for table in tables:
            result = con.execute(sql[table["section"]])
            names = [d[0] for d in result.description]
            rows = result.fetchall()
            assert len(rows) == len(table["rows"]) > 0
            for column in table["columns"]:
                values = [row[names.index(column)] for row in rows]
                shown = [cells[table["columns"].index(column)] for cells in table["rows"]]
                if all(v is None or isinstance(v, int | float) for v in values):
                    assert [number(s) for s in shown] == [None if v is None else pytest.approx(float(v)) for v in values], column
                elif all(v is None or isinstance(v, date) for v in values):
                    assert shown == ["" if v is None else v.isoformat() for v in values], column
