-- The Merkle tree is append-only like the log it commits to: retention prunes events, never nodes.
CREATE TRIGGER merkle_nodes_no_update BEFORE UPDATE ON merkle_nodes
BEGIN
  SELECT RAISE(ABORT, 'merkle nodes are append-only: UPDATE refused');
END;
--> statement-breakpoint
CREATE TRIGGER merkle_nodes_no_delete BEFORE DELETE ON merkle_nodes
BEGIN
  SELECT RAISE(ABORT, 'merkle nodes are append-only: DELETE refused');
END;
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN
  SELECT RAISE(ABORT, 'signed checkpoints are append-only');
END;
--> statement-breakpoint
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN
  SELECT RAISE(ABORT, 'signed checkpoints are append-only');
END;
