-- The audit floor, as on SQLite (migrations 0001 and 0006): the log, its Merkle tree and both kinds of
-- checkpoint are append-only, and events leave only as a prefix that a retention checkpoint and a signed
-- checkpoint both cover. The triggers bind every role, the owner included; the runtime role is refused by its
-- privileges before they fire. Every function pins its search_path and names tables with their schema, so no
-- object another role creates can stand in for ours.

-- How far the log may be pruned: the last seq that a retention checkpoint anchors and a signed checkpoint
-- commits to (0: nothing).
CREATE FUNCTION receipts_prunable_through() RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT LEAST(
    (SELECT COALESCE(MAX(through_seq), 0) FROM public.retention_checkpoints),
    (SELECT COALESCE(MAX(seq), 0) FROM public.checkpoints)
  )
$$;
--> statement-breakpoint
-- TG_ARGV[0] names the rows in the message, e.g. "signed checkpoints are append-only: UPDATE refused".
CREATE FUNCTION receipts_refuse_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION '% are append-only: % refused', TG_ARGV[0], TG_OP
    USING ERRCODE = 'restrict_violation';
END
$$;
--> statement-breakpoint
-- Checked once per statement over the deleted rows, so pruning a year of events costs one look, not one a row.
-- It runs as its owner so that whoever deletes gets this answer, whatever else they may read or execute.
CREATE FUNCTION receipts_refuse_uncovered_delete() RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  last_gone bigint := (SELECT MAX(seq) FROM gone);
  covered bigint := public.receipts_prunable_through();
BEGIN
  IF last_gone > covered THEN
    RAISE EXCEPTION 'events are append-only: DELETE refused (seq % is past %, the last seq both a retention checkpoint and a signed checkpoint cover)', last_gone, covered
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER events_append_only BEFORE UPDATE OR TRUNCATE ON events
FOR EACH STATEMENT EXECUTE FUNCTION receipts_refuse_change('events');
--> statement-breakpoint
CREATE TRIGGER events_no_uncovered_delete AFTER DELETE ON events
REFERENCING OLD TABLE AS gone
FOR EACH STATEMENT EXECUTE FUNCTION receipts_refuse_uncovered_delete();
--> statement-breakpoint
CREATE TRIGGER merkle_nodes_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON merkle_nodes
FOR EACH STATEMENT EXECUTE FUNCTION receipts_refuse_change('merkle nodes');
--> statement-breakpoint
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION receipts_refuse_change('signed checkpoints');
--> statement-breakpoint
CREATE TRIGGER retention_checkpoints_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON retention_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION receipts_refuse_change('retention checkpoints');
--> statement-breakpoint
-- The one way the runtime role removes audit rows. It runs as its owner (the schema owner), so the runtime
-- role needs no DELETE on events, and it refuses any cut that is not anchored and signed.
CREATE FUNCTION receipts_prune_events(through_seq bigint) RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  cut CONSTANT bigint := $1;
  pruned bigint;
BEGIN
  IF cut IS NULL THEN
    RAISE EXCEPTION 'receipts_prune_events: through_seq must not be null';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.retention_checkpoints r WHERE r.through_seq >= cut) THEN
    RAISE EXCEPTION 'refusing to prune events through seq %: no retention checkpoint covers it', cut
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.checkpoints c WHERE c.seq >= cut) THEN
    RAISE EXCEPTION 'refusing to prune events through seq %: no signed checkpoint covers it', cut
      USING ERRCODE = 'restrict_violation';
  END IF;
  DELETE FROM public.events WHERE seq <= cut;
  GET DIAGNOSTICS pruned = ROW_COUNT;
  RETURN pruned;
END
$$;
--> statement-breakpoint
-- Functions are executable by PUBLIC unless told otherwise; the runtime role is granted what it needs by name.
REVOKE ALL ON FUNCTION receipts_prune_events(bigint) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION receipts_prunable_through() FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION receipts_refuse_change() FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION receipts_refuse_uncovered_delete() FROM PUBLIC;
