-- `/provision find` (issue 12): for a very common name (jennifer, 2 % of the directory) the prefix
-- ranks read every match's heap page (2,000 pages for 2,000 rows scattered over the table) only to keep
-- the first page in username order. These partial covering indexes hold what that rank needs (id,
-- username, email, and the columns its expression is made of, which the planner wants for an
-- index-only scan) for active users, a find's default: each prefix branch of searchUsers
-- (db/repositories/users.ts) is then an index-only scan and a top-k sort. On the bench's 100,000 users
-- jennifer went from 2,160 to 187 buffers. No username one: that branch reads in username order from
-- users_username_c and stops after a page. Drizzle cannot declare INCLUDE, so they live here only.
CREATE INDEX "users_email_active" ON "users" ((lower("email") collate "C")) INCLUDE ("email", "username", "id") WHERE "status" = 'active';--> statement-breakpoint
CREATE INDEX "users_last_name_active" ON "users" ((lower("last_name") collate "C")) INCLUDE ("last_name", "username", "email", "id") WHERE "status" = 'active';--> statement-breakpoint
CREATE INDEX "users_full_name_active" ON "users" ((lower("first_name" || ' ' || "last_name") collate "C")) INCLUDE ("first_name", "last_name", "username", "email", "id") WHERE "status" = 'active';
