-- The audit log is append-only: no row is ever changed, and rows are removed only when a
-- retention checkpoint already anchors the chain past them.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
WHEN OLD.seq > (SELECT COALESCE(MAX(through_seq), 0) FROM retention_checkpoints)
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: DELETE refused');
END;
--> statement-breakpoint
CREATE TRIGGER retention_checkpoints_no_update BEFORE UPDATE ON retention_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'retention checkpoints are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER retention_checkpoints_no_delete BEFORE DELETE ON retention_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'retention checkpoints are append-only');
END;
