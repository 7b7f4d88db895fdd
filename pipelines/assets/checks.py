"""Asset checks: the invariants an analyst relies on when querying the warehouse."""

import dagster as dg

from pipelines.resources import WarehouseResource
from pipelines.warehouse import reading


def _scalar(warehouse: WarehouseResource, sql: str):
    with reading(warehouse.settings().warehouse) as con:
        return con.execute(sql).fetchall()[0][0]


def _no_rows(warehouse: WarehouseResource, sql: str, what: str) -> dg.AssetCheckResult:
    count = _scalar(warehouse, f"SELECT count(*) FROM ({sql})")
    return dg.AssetCheckResult(passed=count == 0, metadata={what: count})


@dg.asset_check(asset="articles", description="Every article comes from a document in raw_documents.")
def articles_have_raw_document(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    return _no_rows(warehouse, "SELECT doc_id FROM articles ANTI JOIN raw_documents USING (doc_id)", "orphan_articles")


@dg.asset_check(asset="articles", description="doc_id is unique in articles.")
def articles_unique_doc_id(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    return _no_rows(warehouse, "SELECT doc_id FROM articles GROUP BY doc_id HAVING count(*) > 1", "duplicated_ids")


@dg.asset_check(asset="raw_documents", description="doc_id (the content hash) is unique in raw_documents.")
def raw_documents_unique_doc_id(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    return _no_rows(warehouse, "SELECT doc_id FROM raw_documents GROUP BY doc_id HAVING count(*) > 1", "duplicated_ids")


@dg.asset_check(asset="articles", description="No article claims a publication date in the future.")
def articles_published_not_in_future(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    return _no_rows(warehouse, "SELECT doc_id FROM articles WHERE published_date > current_date", "future_dates")


@dg.asset_check(asset="rejected_documents", description="Reports how many inputs were set aside and why (warns when any were).")
def rejected_documents_reported(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with reading(warehouse.settings().warehouse) as con:
        by_reason = con.execute(
            "SELECT reason, count(*) FROM rejected_documents GROUP BY reason ORDER BY 2 DESC, 1 LIMIT 20").fetchall()
    total = sum(n for _, n in by_reason)
    table = "\n".join(["| reason | files |", "|---|---|"] + [f"| {r.replace('|', '/')} | {n} |" for r, n in by_reason])
    return dg.AssetCheckResult(
        passed=True,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected": total, "by_reason": dg.MetadataValue.md(table if by_reason else "none")},
    )


ALL_CHECKS = [
    articles_have_raw_document,
    articles_unique_doc_id,
    raw_documents_unique_doc_id,
    articles_published_not_in_future,
    rejected_documents_reported,
]
