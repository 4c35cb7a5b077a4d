CREATE TABLE `video_jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`key_id` text,
	`model` text NOT NULL,
	`status` text NOT NULL,
	`progress` integer DEFAULT 0 NOT NULL,
	`params` text NOT NULL,
	`token_id` text,
	`video_path` text,
	`thumbnail_path` text,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `video_jobs_key_idx` ON `video_jobs` (`key_id`,`created_at`);