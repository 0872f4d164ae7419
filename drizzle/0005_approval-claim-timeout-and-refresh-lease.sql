ALTER TABLE "requests" ADD COLUMN "approval_claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "approval_refresh_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "approval_refresh_pending" boolean DEFAULT false NOT NULL;