CREATE TABLE "reference_data_version" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "reference_data_version_one_row" CHECK ("reference_data_version"."id" = 1)
);
