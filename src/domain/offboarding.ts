import { issue, type FieldIssue } from './errors.js';

/**
 * The rules of an offboarding's effective time. "Now" (null) means at approval. A date and time must
 * lie ahead: a past one is refused on the field rather than carried out at once, since the person who
 * picked it meant some other moment. At most a year ahead, so a typo in the year is caught too.
 */
export const MAX_SCHEDULE_DAYS = 366;

export function effectiveTimeIssue(field: string, at: Date | null, now: Date): FieldIssue | null {
  if (at === null) return null;
  if (!Number.isFinite(at.getTime())) return issue(field, 'invalid_format', 'Pick a date and time');
  if (at.getTime() <= now.getTime()) return issue(field, 'in_the_past', 'That time has already passed: pick a time ahead, or choose Now');
  if (at.getTime() - now.getTime() > MAX_SCHEDULE_DAYS * 86_400_000) {
    return issue(field, 'invalid_format', `Pick a time within ${MAX_SCHEDULE_DAYS} days`);
  }
  return null;
}

/** Whether an approved request waits for its effective time (null: it is carried out at approval). */
export function isScheduledAfter(effectiveAt: Date | null, now: Date): boolean {
  return effectiveAt !== null && effectiveAt.getTime() > now.getTime();
}
