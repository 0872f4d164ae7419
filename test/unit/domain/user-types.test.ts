import { describe, it, expect } from 'vitest';
import { FIRST_AGENT_ID, USER_STATUSES, USER_TYPES, agentIdFor, isAgentType, isUserType } from '../../../src/domain/user-types.js';
import type { UserType } from '../../../src/domain/user-types.js';

describe('user types', () => {
  it.each<[UserType, boolean]>([
    ['agent', true],
    ['supervisor', true],
    ['admin', true],
    ['non_agent', false],
  ])('%s is agent-kind: %s', (type, expected) => {
    expect(isAgentType(type)).toBe(expected);
  });

  it('lists exactly the four types and two statuses', () => {
    expect(USER_TYPES).toEqual(['agent', 'supervisor', 'admin', 'non_agent']);
    expect(USER_STATUSES).toEqual(['active', 'deactivated']);
  });

  it('recognises only the listed types, case-sensitively', () => {
    for (const t of USER_TYPES) expect(isUserType(t)).toBe(true);
    expect(isUserType('Agent')).toBe(false);
    expect(isUserType('non-agent')).toBe(false);
    expect(isUserType('')).toBe(false);
  });
});

describe('agentIdFor', () => {
  it('starts the sequence at 1001', () => {
    expect(FIRST_AGENT_ID).toBe(1001);
  });

  it.each<UserType>(['agent', 'supervisor', 'admin'])('draws the next ID for %s', (type) => {
    let calls = 0;
    const id = agentIdFor(type, () => {
      calls++;
      return 1042;
    });
    expect(id).toBe(1042);
    expect(calls).toBe(1);
  });

  it('gives a non-agent no ID and does not burn a number from the sequence', () => {
    let calls = 0;
    const id = agentIdFor('non_agent', () => {
      calls++;
      return 1001;
    });
    expect(id).toBeNull();
    expect(calls).toBe(0);
  });

  it('accepts the first ID of the sequence', () => {
    expect(agentIdFor('agent', () => FIRST_AGENT_ID)).toBe(1001);
  });

  it.each([1000, 0, -1, 1001.5, Number.NaN])('refuses a sequence value of %s', (bad) => {
    expect(() => agentIdFor('agent', () => bad)).toThrow(Error);
  });
});
