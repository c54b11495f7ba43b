CREATE TABLE `rule_hits` (
	`id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`ts` integer NOT NULL,
	`net` text,
	`flag` integer DEFAULT 0 NOT NULL,
	`event_id` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rule_hits_window` ON `rule_hits` (`kind`,`key`,`ts`);