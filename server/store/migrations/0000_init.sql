CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`subject` text,
	`rule` text NOT NULL,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`summary` text NOT NULL,
	`event_ids` text NOT NULL,
	`dedupe_key` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `alerts_subject` ON `alerts` (`subject`,`status`);--> statement-breakpoint
CREATE INDEX `alerts_dedupe` ON `alerts` (`dedupe_key`,`created_at`);--> statement-breakpoint
CREATE TABLE `checkpoints` (
	`id` integer PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`hash` text NOT NULL,
	`signed_at` integer NOT NULL,
	`key_id` text NOT NULL,
	`signature` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`subject` text NOT NULL,
	`fingerprint` text NOT NULL,
	`browser` text,
	`os` text,
	`device_type` text,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`ip_net` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_subject_fp` ON `devices` (`subject`,`fingerprint`);--> statement-breakpoint
CREATE TABLE `erasure_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`subject` text NOT NULL,
	`status` text NOT NULL,
	`requested_at` integer NOT NULL,
	`scheduled_for` integer NOT NULL,
	`requested_by` text NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `erasure_subject` ON `erasure_requests` (`subject`);--> statement-breakpoint
CREATE INDEX `erasure_due` ON `erasure_requests` (`status`,`scheduled_for`);--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`ts` integer NOT NULL,
	`received_at` integer NOT NULL,
	`event_type` text NOT NULL,
	`level` text NOT NULL,
	`outcome` text,
	`subject` text,
	`session_ref` text,
	`request_id` text,
	`resource_type` text,
	`resource_id` text,
	`action` text,
	`metadata` text,
	`pii_commit` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_id` ON `events` (`id`);--> statement-breakpoint
CREATE INDEX `events_subject_ts` ON `events` (`subject`,`ts`,`seq`);--> statement-breakpoint
CREATE INDEX `events_session` ON `events` (`session_ref`);--> statement-breakpoint
CREATE INDEX `events_type_ts` ON `events` (`event_type`,`ts`);--> statement-breakpoint
CREATE TABLE `ingest_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`scope` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ingest_keys_hash_unique` ON `ingest_keys` (`hash`);--> statement-breakpoint
CREATE TABLE `legal_holds` (
	`subject` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`subject` text,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`delivered_at` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`delivered_at`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `personal_data` (
	`seq` integer PRIMARY KEY NOT NULL,
	`subject` text,
	`salt` blob NOT NULL,
	`user_id` text,
	`ip` text,
	`ip_key` blob,
	`ip_net` text,
	`user_agent` text,
	`browser` text,
	`os` text,
	`device_type` text,
	`values` text
);
--> statement-breakpoint
CREATE INDEX `personal_subject` ON `personal_data` (`subject`);--> statement-breakpoint
CREATE INDEX `personal_ip` ON `personal_data` (`ip_key`);--> statement-breakpoint
CREATE TABLE `retention_checkpoints` (
	`id` integer PRIMARY KEY NOT NULL,
	`through_seq` integer NOT NULL,
	`hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`ref` text NOT NULL,
	`host_tag` text,
	`subject` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ip_net` text,
	`browser` text,
	`os` text,
	`device_type` text,
	`device_id` text,
	`ended_at` integer,
	`revoked_by` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_ref_unique` ON `sessions` (`ref`);--> statement-breakpoint
CREATE INDEX `sessions_subject` ON `sessions` (`subject`,`status`);--> statement-breakpoint
CREATE TABLE `subjects` (
	`user_id` text PRIMARY KEY NOT NULL,
	`pseudonym` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subjects_pseudonym_unique` ON `subjects` (`pseudonym`);