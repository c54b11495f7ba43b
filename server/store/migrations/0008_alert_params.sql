ALTER TABLE `alerts` ADD `params` text;--> statement-breakpoint
ALTER TABLE `alerts` ADD `session_id` text;