CREATE TYPE "public"."collection_kind" AS ENUM('user', 'agent');--> statement-breakpoint
CREATE TYPE "public"."user_status" AS ENUM('active', 'deactivated');--> statement-breakpoint
CREATE TYPE "public"."user_type" AS ENUM('agent', 'supervisor', 'admin', 'non_agent');--> statement-breakpoint
CREATE TYPE "public"."device_type" AS ENUM('softphone', 'webrtc');--> statement-breakpoint
CREATE TYPE "public"."request_kind" AS ENUM('create_user', 'clone_user', 'create_extension');--> statement-breakpoint
CREATE TYPE "public"."request_state" AS ENUM('pending', 'approved', 'completed', 'rejected', 'failed', 'expired');--> statement-breakpoint
CREATE SEQUENCE "public"."agent_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1001 CACHE 1;--> statement-breakpoint
CREATE TABLE "billing_units" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "caller_ids" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"number" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "collections" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" "collection_kind" NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cucm_clusters" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "e911_locations" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"street" text NOT NULL,
	"suite" text,
	"city" text NOT NULL,
	"state" text NOT NULL,
	"postal_code" text NOT NULL,
	"country" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "extension_ranges" (
	"id" serial PRIMARY KEY NOT NULL,
	"range_from" integer NOT NULL,
	"range_to" integer NOT NULL,
	CONSTRAINT "extension_ranges_ordered" CHECK ("extension_ranges"."range_from" <= "extension_ranges"."range_to")
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_collections" (
	"user_id" integer NOT NULL,
	"collection_id" integer NOT NULL,
	CONSTRAINT "user_collections_user_id_collection_id_pk" PRIMARY KEY("user_id","collection_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "users_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"username" text NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"phone" text NOT NULL,
	"email" text,
	"description" text,
	"site_key" text,
	"department_key" text,
	"billing_unit_key" text,
	"profile_key" text NOT NULL,
	"cluster_key" text,
	"user_type" "user_type" NOT NULL,
	"agent_id" integer,
	"voicemail_access" boolean DEFAULT false NOT NULL,
	"recording_access" boolean DEFAULT false NOT NULL,
	"notes" text,
	"status" "user_status" DEFAULT 'active' NOT NULL,
	"password_hash" text,
	"password_one_time" boolean DEFAULT true NOT NULL,
	"password_expires_at" timestamp with time zone,
	"password_changed_at" timestamp with time zone,
	"failed_sign_ins" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deactivated_by" text,
	"deactivated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "extensions" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "extensions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"number" integer NOT NULL,
	"device_name" text NOT NULL,
	"device_type" "device_type" NOT NULL,
	"caller_id_key" text,
	"e911_location_key" text,
	"multi_line" boolean DEFAULT false NOT NULL,
	"call_recording" boolean DEFAULT false NOT NULL,
	"monitoring" boolean DEFAULT false NOT NULL,
	"voicemail_access" boolean DEFAULT false NOT NULL,
	"device_secret" text NOT NULL,
	"assigned_user_id" integer,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "request_kind" NOT NULL,
	"payload" jsonb NOT NULL,
	"requester_id" text NOT NULL,
	"state" "request_state" DEFAULT 'pending' NOT NULL,
	"approver_id" text,
	"decided_at" timestamp with time zone,
	"reason" text,
	"result_user_id" integer,
	"result_extension_id" integer,
	"approval_channel" text,
	"approval_ts" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "user_collections" ADD CONSTRAINT "user_collections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_collections" ADD CONSTRAINT "user_collections_collection_id_collections_id_fk" FOREIGN KEY ("collection_id") REFERENCES "public"."collections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_site_key_sites_key_fk" FOREIGN KEY ("site_key") REFERENCES "public"."sites"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_department_key_departments_key_fk" FOREIGN KEY ("department_key") REFERENCES "public"."departments"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_billing_unit_key_billing_units_key_fk" FOREIGN KEY ("billing_unit_key") REFERENCES "public"."billing_units"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_profile_key_profiles_key_fk" FOREIGN KEY ("profile_key") REFERENCES "public"."profiles"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_cluster_key_cucm_clusters_key_fk" FOREIGN KEY ("cluster_key") REFERENCES "public"."cucm_clusters"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "extensions" ADD CONSTRAINT "extensions_caller_id_key_caller_ids_key_fk" FOREIGN KEY ("caller_id_key") REFERENCES "public"."caller_ids"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "extensions" ADD CONSTRAINT "extensions_e911_location_key_e911_locations_key_fk" FOREIGN KEY ("e911_location_key") REFERENCES "public"."e911_locations"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "extensions" ADD CONSTRAINT "extensions_assigned_user_id_users_id_fk" FOREIGN KEY ("assigned_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_result_user_id_users_id_fk" FOREIGN KEY ("result_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_result_extension_id_extensions_id_fk" FOREIGN KEY ("result_extension_id") REFERENCES "public"."extensions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "collections_kind_name" ON "collections" USING btree ("kind","name");--> statement-breakpoint
CREATE UNIQUE INDEX "extension_ranges_from" ON "extension_ranges" USING btree ("range_from");--> statement-breakpoint
CREATE UNIQUE INDEX "profiles_one_default" ON "profiles" USING btree ("is_default") WHERE "profiles"."is_default";--> statement-breakpoint
CREATE INDEX "user_collections_collection" ON "user_collections" USING btree ("collection_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_ci" ON "users" USING btree (lower("username"));--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_ci" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "users_agent_id" ON "users" USING btree ("agent_id");--> statement-breakpoint
CREATE INDEX "users_last_first" ON "users" USING btree ("last_name","first_name");--> statement-breakpoint
CREATE INDEX "users_site" ON "users" USING btree ("site_key");--> statement-breakpoint
CREATE INDEX "users_department" ON "users" USING btree ("department_key");--> statement-breakpoint
CREATE UNIQUE INDEX "extensions_number" ON "extensions" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "extensions_assigned_user" ON "extensions" USING btree ("assigned_user_id");--> statement-breakpoint
CREATE INDEX "requests_state_created" ON "requests" USING btree ("state","created_at");--> statement-breakpoint
CREATE INDEX "requests_requester" ON "requests" USING btree ("requester_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_entity" ON "audit_events" USING btree ("entity_type","entity_id","at");