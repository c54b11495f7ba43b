ALTER TABLE `devices` ADD `location` text;--> statement-breakpoint
ALTER TABLE `personal_data` ADD `location` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `location` text;