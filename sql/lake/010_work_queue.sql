-- work_queue: what a sharded refresh of a DuckLake has still to do, one row per task.
-- A lake's bookkeeping only (a DuckDB file warehouse has no such table): pipelines/shards.py
-- queues tasks when it plans a refresh and deletes each in the transaction that does it, so a
-- task done twice (a retried shard, two refreshes at once) commits once; the loser's commit
-- conflicts in DuckLake and is retried on what is left.
CREATE TABLE IF NOT EXISTS work_queue (
    stage      VARCHAR NOT NULL,
    key        VARCHAR NOT NULL,
    queued_at  TIMESTAMP NOT NULL
);
COMMENT ON TABLE work_queue IS 'Tasks a sharded refresh of this lake has still to do (pipelines/shards.py); empty after a run that finished.';
COMMENT ON COLUMN work_queue.stage IS 'clean (clean and extract a raw document), extract (extract an article again), link (find near-duplicates of a new article), unlink (re-link the articles that pointed at a removed one), entity (merge an entity again).';
COMMENT ON COLUMN work_queue.key IS 'The doc_id of the document or article, or the entity_id for stage entity.';
COMMENT ON COLUMN work_queue.queued_at IS 'When the run that queued the task started.';
