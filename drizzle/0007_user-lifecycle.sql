ALTER TYPE "public"."request_kind" ADD VALUE 'edit_user';--> statement-breakpoint
ALTER TYPE "public"."request_kind" ADD VALUE 'deactivate_user';--> statement-breakpoint
ALTER TYPE "public"."request_kind" ADD VALUE 'reactivate_user';--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "target_user_id" integer;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "effective_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_target_user_id_users_id_fk" FOREIGN KEY ("target_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "requests_open_change_per_user" ON "requests" USING btree ("target_user_id") WHERE "requests"."target_user_id" is not null and "requests"."state" in ('pending', 'approved');--> statement-breakpoint
CREATE INDEX "requests_due" ON "requests" USING btree ("effective_at") WHERE "requests"."state" = 'approved' and "requests"."effective_at" is not null;