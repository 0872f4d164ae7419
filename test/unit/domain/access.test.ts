import { describe, expect, it } from 'vitest';
import { accessPolicy } from '../../../src/domain/access.js';

const lists = { requesterIds: ['U0LEAD'], approverIds: ['U0APPROVER'], portalAdminIds: ['U0ADMIN'] };

describe('access policy: who may do what, from the operator’s lists', () => {
  it('lets the listed requesters ask, and nobody else off the lists', () => {
    const policy = accessPolicy(lists);
    expect(policy.canRequest('U0LEAD')).toBe(true);
    expect(policy.canRequest('U0STRANGER')).toBe(false);
  });

  it('always lets approvers and portal admins ask, whether or not they are listed as requesters', () => {
    const policy = accessPolicy(lists);
    expect(policy.canRequest('U0APPROVER')).toBe(true);
    expect(policy.canRequest('U0ADMIN')).toBe(true);
  });

  it('lets everyone ask when the requester list is empty', () => {
    const policy = accessPolicy({ ...lists, requesterIds: [] });
    expect(policy.canRequest('U0STRANGER')).toBe(true);
    expect(policy.canRequest('')).toBe(true);
  });

  it('names approvers and portal admins only from their own lists', () => {
    const policy = accessPolicy(lists);
    expect([policy.isApprover('U0APPROVER'), policy.isApprover('U0ADMIN'), policy.isApprover('U0LEAD')]).toEqual([true, false, false]);
    expect([policy.isPortalAdmin('U0ADMIN'), policy.isPortalAdmin('U0APPROVER'), policy.isPortalAdmin('U0LEAD')]).toEqual([true, false, false]);
  });

  it('has no approver and no admin when their lists are empty, and matches IDs exactly', () => {
    const policy = accessPolicy({ requesterIds: ['U0LEAD'], approverIds: [], portalAdminIds: [] });
    expect(policy.isApprover('U0LEAD')).toBe(false);
    expect(policy.isPortalAdmin('U0LEAD')).toBe(false);
    expect(policy.canRequest('u0lead')).toBe(false);
    expect(policy.canRequest('U0LEAD ')).toBe(false);
  });
});
