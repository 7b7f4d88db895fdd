-- plan_turns: one row that every plan of a sharded refresh reads before it reads the lake and
-- updates when it writes: two plans committed at once conflict in DuckLake on the update, and a
-- plan whose turn changed since it read plans again, so no new document is stored twice.
CREATE TABLE IF NOT EXISTS plan_turns (
    turn       BIGINT NOT NULL,
    planned_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE plan_turns IS 'How many sharded refreshes have planned in this lake, and when the last one did (one row).';
COMMENT ON COLUMN plan_turns.turn IS 'Number of plans committed.';
COMMENT ON COLUMN plan_turns.planned_at IS 'When the last plan committed.';
