/**
 * Every kind of user the directory knows. Agent-kind users (agent, supervisor, admin) take calls or
 * oversee those who do, so the HCC seed gives each of them a dedicated extension first and the
 * directory gives each an agent ID; a non-agent has neither, which is how the users list tells the two
 * apart (clone seed: "A non-agent user does not have an agent ID assigned").
 */
export const USER_TYPES = ['agent', 'supervisor', 'admin', 'non_agent'] as const;
export type UserType = (typeof USER_TYPES)[number];

export function isUserType(s: string): s is UserType {
  return (USER_TYPES as readonly string[]).includes(s);
}

export function isAgentType(t: UserType): boolean {
  return t !== 'non_agent';
}

/** Users are deactivated, never deleted, so history and the taken username stay. */
export const USER_STATUSES = ['active', 'deactivated'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/**
 * Agent IDs come from a database sequence that starts here, so they are unique across app instances
 * without any coordination in memory, are never reused after a deactivation, and never look like a
 * small row number. Four digits read well in the users list.
 */
export const FIRST_AGENT_ID = 1001;

/**
 * The agent ID for a new user of this type. `nextId` draws from the sequence, so it is only called for
 * agent-kind users: a non-agent must not burn a number.
 */
export function agentIdFor(userType: UserType, nextId: () => number): number | null {
  if (!isAgentType(userType)) return null;
  const id = nextId();
  if (!Number.isSafeInteger(id) || id < FIRST_AGENT_ID) {
    throw new Error(`agent ID sequence returned ${String(id)}, expected an integer of at least ${FIRST_AGENT_ID}`);
  }
  return id;
}
