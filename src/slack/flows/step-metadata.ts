import { z } from 'zod';

/**
 * A pushed step (Collections, an agent's new Extension) carries the User Info step's state, so that
 * when it is done the User Info view can be rebuilt with the step's outcome. The payload comes back
 * from the network: it is validated, and a forged one is refused.
 */
const stepMetadata = z.object({ v: z.number().int().min(0).max(10_000), p: z.string().max(2900) });
export type StepMetadata = z.output<typeof stepMetadata>;

export function encodeStepMetadata(meta: StepMetadata): string {
  return JSON.stringify(meta);
}

export function decodeStepMetadata(text: string | undefined): StepMetadata {
  try {
    return stepMetadata.parse(JSON.parse(text ?? ''));
  } catch {
    throw new Error('invalid private_metadata');
  }
}
