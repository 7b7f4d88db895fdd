-- plan_turns: one row whose update by every plan of a sharded refresh makes two plans committed
-- at once conflict in DuckLake, so they take turns and never both store the same new document.
CREATE TABLE IF NOT EXISTS plan_turns (
    turn       BIGINT NOT NULL,
    planned_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE plan_turns IS 'How many sharded refreshes have planned in this lake, and when the last one did (one row).';
COMMENT ON COLUMN plan_turns.turn IS 'Number of plans committed.';
COMMENT ON COLUMN plan_turns.planned_at IS 'When the last plan committed.';
