import { describe, expect, it } from 'vitest';
import { hashSlots, SignInBusy, SIGN_IN_HASH_CONCURRENCY, SIGN_IN_HASH_QUEUE } from '../../../src/services/sign-in-hash-slots.js';

/** Work that finishes when the test says so. */
function gate() {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('sign-in hash slots', () => {
  it('are 2 slots and a queue of 8 by default, leaving threads of the 4-thread pool to approvals', () => {
    expect(SIGN_IN_HASH_CONCURRENCY).toBe(2);
    expect(SIGN_IN_HASH_QUEUE).toBe(8);
    expect(hashSlots()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('run at most `concurrency` at once, queue up to `queue`, and refuse the next at once with SignInBusy', async () => {
    const slots = hashSlots(2, 3);
    const g = gate();
    let active = 0;
    let most = 0;
    const work = async () => {
      active += 1;
      most = Math.max(most, active);
      await g.opened;
      active -= 1;
      return 'done';
    };
    const admitted = Array.from({ length: 5 }, () => slots.run(work));
    expect(slots).toMatchObject({ running: 2, waiting: 3 });
    const refused = slots.run(work);
    await expect(refused).rejects.toBeInstanceOf(SignInBusy);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 2 });
    g.open();
    expect(await Promise.all(admitted)).toEqual(Array<string>(5).fill('done'));
    expect(most).toBe(2);
    expect(slots).toMatchObject({ running: 0, waiting: 0 });
  });

  it('free the slot when the work fails, so a failure cannot leak capacity', async () => {
    const slots = hashSlots(1, 0);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(slots.running).toBe(0);
    expect(await slots.run(() => Promise.resolve(7))).toBe(7);
  });

  it('hand a freed slot to the longest waiting attempt first', async () => {
    const slots = hashSlots(1, 2);
    const order: number[] = [];
    const g = gate();
    const first = slots.run(async () => {
      await g.opened;
      order.push(1);
    });
    const second = slots.run(() => Promise.resolve(order.push(2)));
    const third = slots.run(() => Promise.resolve(order.push(3)));
    g.open();
    await Promise.all([first, second, third]);
    expect(order).toEqual([1, 2, 3]);
  });
});
