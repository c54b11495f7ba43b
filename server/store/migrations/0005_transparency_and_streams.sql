CREATE TABLE `merkle_nodes` (
	`id` integer PRIMARY KEY NOT NULL,
	`hash` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stream_cursors` (
	`destination` text PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL,
	`last_checkpoint` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	`last_error` text
);
--> statement-breakpoint
ALTER TABLE `checkpoints` ADD `root` text;--> statement-breakpoint
ALTER TABLE `checkpoints` ADD `note` text;