CREATE TABLE `pool_snapshots` (
	`at` integer PRIMARY KEY NOT NULL,
	`available` integer DEFAULT 0 NOT NULL,
	`cooling` integer DEFAULT 0 NOT NULL,
	`quarantined` integer DEFAULT 0 NOT NULL,
	`invalid` integer DEFAULT 0 NOT NULL,
	`disabled` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `request_logs_token_idx` ON `request_logs` (`token_id`,`created_at`);