-- Requests submitted before this index existed may already hold the same number twice: the later
-- ones could never be carried out (the number would be taken by then), so they expire with a reason
-- and the oldest stays open. Without this the index could not be built on such a database.
UPDATE "requests" SET "state" = 'expired', "reason" = 'Duplicate of an earlier open request for the same extension number', "decided_at" = now(), "updated_at" = now()
WHERE "kind" = 'create_extension' AND "state" = 'pending' AND "payload" ->> 'extensionNumber' <> ''
  AND EXISTS (
    SELECT 1 FROM "requests" "earlier"
    WHERE "earlier"."kind" = 'create_extension' AND "earlier"."state" in ('pending', 'approved')
      AND "earlier"."payload" ->> 'extensionNumber' = "requests"."payload" ->> 'extensionNumber'
      AND ("earlier"."created_at", "earlier"."id") < ("requests"."created_at", "requests"."id")
  );--> statement-breakpoint
CREATE UNIQUE INDEX "requests_open_extension_number" ON "requests" USING btree (("payload" ->> 'extensionNumber')) WHERE "requests"."kind" = 'create_extension' and "requests"."state" in ('pending', 'approved') and "requests"."payload" ->> 'extensionNumber' <> '';