"""Dagster assets: one per warehouse table and view, each named after it."""
