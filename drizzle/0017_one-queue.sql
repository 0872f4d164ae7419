-- One durable queue: the notification outbox becomes rows of `jobs` (kind `notify.<channel>`), run by
-- the one job worker beside the import rows and the recurring sweep. Every notification is carried
-- over with its id (an email's Message-ID is built from it), dedupe key, request, topic, payload,
-- attempts, schedule, lease and last error: a queued one goes on being delivered, a dead one can still
-- be retried, the approval message's delivery line reads the same. `sent` and `skipped` both become
-- `done`, the outcome kept in `result`; a skipped row keeps its reason in last_error too.
-- Only enum values that existed before this migration are used (job_state from 0015, notification_state
-- from 0002): a new database runs every migration in one transaction.
ALTER TABLE "jobs" ADD COLUMN "topic" text;--> statement-breakpoint
INSERT INTO "jobs" ("id", "kind", "dedupe_key", "topic", "request_id", "payload", "result", "state", "attempts", "run_after", "leased_until", "last_error", "finished_at", "created_at")
SELECT
	"id",
	'notify.' || "channel"::text,
	"dedupe_key",
	"topic",
	"request_id",
	"payload",
	CASE "state"
		WHEN 'sent' THEN jsonb_build_object('outcome', 'sent')
		WHEN 'skipped' THEN jsonb_build_object('outcome', 'skipped', 'reason', "last_error")
	END,
	(CASE "state" WHEN 'queued' THEN 'queued' WHEN 'dead' THEN 'dead' ELSE 'done' END)::"job_state",
	"attempts",
	"run_after",
	"leased_until",
	"last_error",
	"sent_at",
	"created_at"
FROM "notifications";--> statement-breakpoint
DROP TABLE "notifications" CASCADE;--> statement-breakpoint
DROP TYPE "public"."notification_channel";--> statement-breakpoint
DROP TYPE "public"."notification_state";
