"""news-warehouse: raw news files in, clean articles and facts in DuckDB out."""
