ALTER TYPE "public"."request_kind" ADD VALUE 'reset_sign_in';--> statement-breakpoint
ALTER TYPE "public"."request_kind" ADD VALUE 'resend_welcome';--> statement-breakpoint
ALTER TYPE "public"."request_kind" ADD VALUE 'rotate_device_secret';--> statement-breakpoint
ALTER TYPE "public"."request_kind" ADD VALUE 'reassign_extension';--> statement-breakpoint
ALTER TYPE "public"."request_kind" ADD VALUE 'unassign_extension';--> statement-breakpoint
ALTER TYPE "public"."request_kind" ADD VALUE 'import_batch';--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "recovery_user_id" integer;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "target_extension_id" integer;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_recovery_user_id_users_id_fk" FOREIGN KEY ("recovery_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_target_extension_id_extensions_id_fk" FOREIGN KEY ("target_extension_id") REFERENCES "public"."extensions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "requests_open_recovery_per_user" ON "requests" USING btree ("recovery_user_id") WHERE "requests"."recovery_user_id" is not null and "requests"."state" in ('pending', 'approved');--> statement-breakpoint
CREATE UNIQUE INDEX "requests_open_change_per_extension" ON "requests" USING btree ("target_extension_id") WHERE "requests"."target_extension_id" is not null and "requests"."state" in ('pending', 'approved');