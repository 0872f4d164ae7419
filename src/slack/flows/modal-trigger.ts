import type { View } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { ReferenceDataMissing } from '../../services/form-data.js';
import { NO_REFERENCE_DATA_TEXT } from '../context.js';

/**
 * Slack accepts a trigger_id in views.open for 3 s after it sent the interaction. We can only count
 * from when our listener got it, so we keep a margin for the trip from Slack and back: a trigger older
 * than this is never used. The person is told we are busy instead of Slack showing them nothing, or a
 * modal opening long after they gave up.
 */
export const TRIGGER_BUDGET_MS = 2_000;

/**
 * How many modals one process prepares at once (the reads before views.open). Past it, a command is
 * answered "busy" in its own acknowledgement: under a flood the work waiting behind the ack would
 * otherwise grow without bound, and every trigger in the queue would expire before its turn.
 */
export const MODALS_IN_PREPARATION_MAX = 16;

export const BUSY_TEXT = 'I have too many forms to open right now and could not open yours in time. Please try again in a minute.';

/** A trigger_id and when this process received it (ms since the epoch). */
export interface Trigger {
  readonly id: string;
  readonly receivedAt: number;
}

export function receivedTrigger(id: string, now: number = Date.now()): Trigger {
  return { id, receivedAt: now };
}

/** The trigger was too old to use: nothing was opened, the person must be told we are busy. */
export class TriggerTooOld extends Error {
  override readonly name = 'TriggerTooOld';
  constructor(readonly ageMs: number) {
    super(`trigger_id ${ageMs} ms old, past the ${TRIGGER_BUDGET_MS} ms budget: views.open not called`);
  }
}

/** Throws TriggerTooOld rather than let a late views.open go out. */
export function assertTriggerFresh(trigger: Trigger, now: number = Date.now()): void {
  const age = now - trigger.receivedAt;
  if (age > TRIGGER_BUDGET_MS) throw new TriggerTooOld(age);
}

/** views.open, only while the trigger can still be used. */
export async function openModal(client: WebClient, trigger: Trigger, view: View): Promise<void> {
  assertTriggerFresh(trigger);
  await client.views.open({ trigger_id: trigger.id, view });
}

/** Counts the modals this process is preparing; `tryEnter` gives a release, or undefined when full. */
export interface ModalGate {
  tryEnter(): (() => void) | undefined;
  readonly inPreparation: number;
}

export function modalGate(limit: number = MODALS_IN_PREPARATION_MAX): ModalGate {
  let inPreparation = 0;
  return {
    tryEnter() {
      if (inPreparation >= limit) return undefined;
      inPreparation++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inPreparation--;
      };
    },
    get inPreparation() {
      return inPreparation;
    },
  };
}

/**
 * The refusals every modal opener shares, as what to tell the person and what to log: no reference
 * data loaded yet, or a trigger too old to use. Undefined for anything else.
 */
export function modalRefusal(err: unknown): { text: string; log: string } | undefined {
  if (err instanceof ReferenceDataMissing) return { text: NO_REFERENCE_DATA_TEXT, log: 'no reference data loaded' };
  if (err instanceof TriggerTooOld) return { text: BUSY_TEXT, log: `busy: ${err.message}` };
  return undefined;
}
