"""Extraction: clean article text to entities, quotes and amounts, as polars expressions over a
batch of articles. No Dagster here."""
