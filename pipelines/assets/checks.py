"""The invariants of pipelines/invariants.py as Dagster asset checks. A DuckDB file's are yielded
by the steps that write it (pipelines/assets/ingest.py, facts.py), judged on the working copy
before anything is published; a lake's run as check steps after its refresh."""

from collections.abc import Iterator

import dagster as dg

from pipelines.invariants import Invariant, offending_examples, offending_rows, produced_by
from pipelines.resources import WRITER_POOL, WarehouseResource
from pipelines.warehouse import reading


def check_specs(checked: list[Invariant]) -> list[dg.AssetCheckSpec]:
    return [dg.AssetCheckSpec(i.name, asset=i.asset, description=i.description, blocking=i.blocking) for i in checked]


def check_results(checked: list[Invariant], counts: dict[str, int],
                  examples: dict[str, list[str]]) -> Iterator[dg.AssetCheckResult]:
    """One result per invariant from its offending rows, with the first of them when it failed."""
    for invariant in checked:
        count = counts[invariant.name]
        metadata = {invariant.metric: count}
        if examples.get(invariant.name):
            metadata["examples"] = dg.MetadataValue.md("\n".join(f"- `{line}`" for line in examples[invariant.name]))
        yield dg.AssetCheckResult(check_name=invariant.name, asset_key=invariant.asset, passed=count == 0,
                                  metadata=metadata)


def lake_checks() -> list[dg.AssetChecksDefinition]:
    """A lake's checks, one step per producing table group, after its refresh: a lake publishes
    every commit by itself, so they report on it afterwards instead of gating it (a DuckDB file's
    checks run inside the steps that write it, before anything is published). Built with the
    definitions (not at import, so that a test building the definitions exercises it)."""
    return [_lake_invariant_checks(producer) for producer in ("ingest", "facts")]


def _lake_invariant_checks(producer: str) -> dg.AssetChecksDefinition:
    checked = produced_by(producer, in_lake=True)

    @dg.multi_asset_check(name=f"{producer}_invariants", pool=WRITER_POOL, specs=check_specs(checked))
    def _checks(warehouse: WarehouseResource):
        with reading(warehouse.settings().target) as con:
            counts = offending_rows(con, checked)
            examples = {i.name: offending_examples(con, i) for i in checked if counts[i.name]}
        yield from check_results(checked, counts, examples)

    return _checks
