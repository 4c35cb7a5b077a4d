CREATE TABLE `account_leases` (
	`id` text PRIMARY KEY NOT NULL,
	`token_id` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `account_leases_token_idx` ON `account_leases` (`token_id`,`expires_at`);--> statement-breakpoint
ALTER TABLE `tokens` ADD `quarantined_until` integer;--> statement-breakpoint
ALTER TABLE `tokens` ADD `quarantine_reason` text;--> statement-breakpoint
ALTER TABLE `tokens` ADD `quarantine_model` text;--> statement-breakpoint
ALTER TABLE `tokens` ADD `quarantine_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tokens` ADD `suspect_answers` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `tokens` ADD `quota_reset_at` integer;--> statement-breakpoint
ALTER TABLE `tokens` ADD `heavy_quota_reset_at` integer;