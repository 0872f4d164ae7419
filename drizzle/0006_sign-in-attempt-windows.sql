CREATE TABLE "sign_in_attempt_windows" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"attempts" integer NOT NULL,
	"window_ends_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sign_in_attempt_windows_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE INDEX "sign_in_attempt_windows_ends" ON "sign_in_attempt_windows" USING btree ("window_ends_at");