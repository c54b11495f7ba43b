DROP INDEX `events_session`;--> statement-breakpoint
DROP INDEX `events_type_ts`;