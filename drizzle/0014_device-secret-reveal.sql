CREATE TABLE "device_secret_reveal_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"extension_id" integer NOT NULL,
	"secret_generation" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "extensions" ADD COLUMN "secret_generation" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "extensions" ADD COLUMN "secret_revealed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "device_secret_reveal_tokens" ADD CONSTRAINT "device_secret_reveal_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_secret_reveal_tokens" ADD CONSTRAINT "device_secret_reveal_tokens_extension_id_extensions_id_fk" FOREIGN KEY ("extension_id") REFERENCES "public"."extensions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "device_secret_reveal_tokens_extension" ON "device_secret_reveal_tokens" USING btree ("extension_id");--> statement-breakpoint
CREATE INDEX "device_secret_reveal_tokens_expires" ON "device_secret_reveal_tokens" USING btree ("expires_at");