import { describe, expect, it } from 'vitest';
import { completedUserFacts, expiredFacts, requestSubject } from '../../../src/services/request-notices.js';
import { janeDoe, softphone } from '../../support/fixtures.js';

const REQUEST_ID = '0d9f7c52-5b1e-4a57-9d55-5c3f0b6d7e11';

describe('requestSubject', () => {
  it('reads who a user request is for from its stored payload, and whom a clone copies', () => {
    const payload = { ...janeDoe({ username: 'jane.doe' }), sourceUsername: 'asmith' };
    expect(requestSubject({ kind: 'create_user', payload })).toEqual({ kind: 'user', firstName: 'Jane', lastName: 'Doe', username: 'jane.doe', clonedFrom: null });
    expect(requestSubject({ kind: 'clone_user', payload })).toMatchObject({ kind: 'user', clonedFrom: 'asmith' });
  });

  it('reads an extension request’s number, or none when the bot is to choose it', () => {
    expect(requestSubject({ kind: 'create_extension', payload: softphone({ extensionNumber: '1500' }) })).toEqual({ kind: 'extension', number: '1500', deviceName: 'Jane Doe softphone' });
    expect(requestSubject({ kind: 'create_extension', payload: softphone({ extensionNumber: '  ' }) })).toMatchObject({ number: null });
    expect(requestSubject({ kind: 'create_extension', payload: softphone() })).toMatchObject({ number: null });
  });

  it('says only what was asked for when the stored payload no longer reads', () => {
    expect(requestSubject({ kind: 'create_user', payload: { firstName: 42 } })).toEqual({ kind: 'unreadable', asked: 'user' });
    expect(requestSubject({ kind: 'create_extension', payload: null })).toEqual({ kind: 'unreadable', asked: 'extension' });
  });
});

describe('the facts handed to notifications', () => {
  const request = { id: REQUEST_ID, requesterId: 'U0REQUESTER', kind: 'create_user' as const, payload: janeDoe({ username: 'jane.doe' }) };

  it('carry the request, its requester, what it asked for and what became of it — no wording', () => {
    const facts = completedUserFacts(request, 'U0APPROVER', { signInName: 'jane.doe@abc', agentId: 1001, extensionNumber: 1500, hasEmail: false });
    expect(facts).toEqual({
      requestId: REQUEST_ID,
      requesterId: 'U0REQUESTER',
      subject: { kind: 'user', firstName: 'Jane', lastName: 'Doe', username: 'jane.doe', clonedFrom: null },
      outcome: 'completed',
      approverId: 'U0APPROVER',
      created: { kind: 'user', signInName: 'jane.doe@abc', agentId: 1001, extensionNumber: 1500, hasEmail: false },
    });
    expect(expiredFacts(request, 168)).toMatchObject({ requestId: REQUEST_ID, outcome: 'expired', expireAfterHours: 168 });
  });
});
