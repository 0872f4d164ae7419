-- Every write to a reference-data table moves reference_data_version on, in the writer's transaction:
-- a process that cached the lists sees the new number on its next form and reads them again. A
-- trigger rather than the loader's own UPDATE, so that no writer (a migration, an operator's psql)
-- can change the lists behind a cache's back.
INSERT INTO "reference_data_version" ("id", "version") VALUES (1, 0) ON CONFLICT ("id") DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION "bump_reference_data_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "reference_data_version" ("id", "version") VALUES (1, 1)
    ON CONFLICT ("id") DO UPDATE SET "version" = "reference_data_version"."version" + 1;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "sites_bump_reference_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sites" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "departments_bump_reference_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "departments" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "billing_units_bump_reference_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "billing_units" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "cucm_clusters_bump_reference_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "cucm_clusters" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "profiles_bump_reference_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "profiles" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "caller_ids_bump_reference_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "caller_ids" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "e911_locations_bump_reference_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "e911_locations" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "collections_bump_reference_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "collections" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
--> statement-breakpoint
CREATE TRIGGER "extension_ranges_bump_reference_data_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "extension_ranges" FOR EACH STATEMENT EXECUTE FUNCTION "bump_reference_data_version"();
