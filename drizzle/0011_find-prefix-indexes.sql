CREATE INDEX "users_username_c" ON "users" USING btree (lower("username") collate "C");--> statement-breakpoint
CREATE INDEX "users_email_c" ON "users" USING btree (lower("email") collate "C");--> statement-breakpoint
CREATE INDEX "users_first_name_c" ON "users" USING btree (lower("first_name") collate "C");--> statement-breakpoint
CREATE INDEX "users_last_name_c" ON "users" USING btree (lower("last_name") collate "C");--> statement-breakpoint
CREATE INDEX "users_full_name_c" ON "users" USING btree (lower("first_name" || ' ' || "last_name") collate "C");