import type { ContextBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { ExtensionRequestPayload, UserRequestPayload } from '../../../src/services/request-payload.js';
import {
  describeRequest,
  requestConfirmationMessage,
  requestFieldsBlocks,
  type ReferenceNames,
  type RequestField,
} from '../../../src/slack/views/request-summary.js';

const HASH = 'scrypt$ln=17,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA';

const names: ReferenceNames = {
  sites: new Map([['aus', 'Austin, TX']]),
  departments: new Map([['sales', 'Sales']]),
  billingUnits: new Map([['bu1', 'Billing Unit One']]),
  profiles: new Map([['std', 'Standard']]),
  clusters: new Map([['c1', 'CUCM East']]),
  callerIds: new Map([['main', 'Main line']]),
  e911Locations: new Map([['hq', 'HQ, 100 Main St']]),
  collectionCount: 24,
};

function userPayload(over: Partial<UserRequestPayload> = {}): UserRequestPayload {
  return {
    username: 'jdoe',
    firstName: 'Jane',
    lastName: 'Doe',
    phone: '555-555-1234',
    email: 'jane@example.com',
    description: null,
    passwordHash: null,
    userType: 'non_agent',
    siteKey: 'aus',
    departmentKey: 'sales',
    billingUnitKey: 'bu1',
    profileKey: 'std',
    clusterKey: null,
    extensionNumber: null,
    voicemailAccess: false,
    recordingAccess: false,
    notes: null,
    collectionIds: undefined,
    ...over,
  };
}

function extensionPayload(over: Partial<ExtensionRequestPayload> = {}): ExtensionRequestPayload {
  return {
    extensionNumber: '1004',
    deviceName: 'Jane Doe softphone',
    deviceType: 'softphone',
    callerIdKey: 'main',
    e911LocationKey: 'hq',
    multiLine: true,
    callRecording: false,
    monitoring: true,
    voicemailAccess: false,
    ...over,
  };
}

function value(fields: RequestField[], label: string): string | undefined {
  return fields.find((f) => f.label === label)?.value;
}

describe('describeRequest', () => {
  it('titles each kind of request', () => {
    expect(describeRequest('create_user', userPayload({ userType: 'agent' }), names).title).toBe('New agent jdoe (Jane Doe)');
    expect(describeRequest('create_user', userPayload(), names).title).toBe('New user jdoe (Jane Doe)');
    expect(describeRequest('create_user', userPayload({ userType: 'supervisor' }), names).title).toBe('New supervisor jdoe (Jane Doe)');
    expect(
      describeRequest('clone_user', userPayload({ username: 'nnewbie', firstName: 'Nia', lastName: 'Newbie', sourceUsername: 'ssource' }), names).title,
    ).toBe('Clone of ssource: nnewbie (Nia Newbie)');
    expect(describeRequest('create_extension', extensionPayload(), names).title).toBe('New extension 1004 (softphone)');
    expect(describeRequest('create_extension', extensionPayload({ extensionNumber: 1005, deviceType: 'webrtc' }), names).title).toBe('New extension 1005 (webrtc)');
    expect(describeRequest('create_extension', extensionPayload({ extensionNumber: '' }), names).title).toBe('New extension (next free number)');
    expect(describeRequest('create_extension', extensionPayload({ extensionNumber: null }), names).title).toBe('New extension (next free number)');
  });

  it("lists the user's fields with the seeds' labels and reference names", () => {
    const { fields } = describeRequest('create_user', userPayload({ description: 'Night shift', clusterKey: 'c1', notes: 'Bilingual' }), names);
    expect(fields.map((f) => f.label)).toEqual([
      'Username',
      'First Name',
      'Last Name',
      'Phone Number',
      'Email',
      'Description',
      'Password',
      'Site',
      'Department',
      'Billing Unit',
      'Profile',
      'Clusters',
      'User Type',
      'Primary Phone (Extension)',
      'Voicemail/Recording Access',
      'Collections',
      'Notes',
    ]);
    expect(value(fields, 'Username')).toBe('jdoe');
    expect(value(fields, 'Phone Number')).toBe('555-555-1234');
    expect(value(fields, 'Site')).toBe('Austin, TX');
    expect(value(fields, 'Department')).toBe('Sales');
    expect(value(fields, 'Billing Unit')).toBe('Billing Unit One');
    expect(value(fields, 'Profile')).toBe('Standard');
    expect(value(fields, 'Clusters')).toBe('CUCM East');
    expect(value(fields, 'User Type')).toBe('Non-agent');
    expect(value(fields, 'Primary Phone (Extension)')).toBe('—');
    expect(value(fields, 'Collections')).toBe('all 24');
    expect(value(fields, 'Notes')).toBe('Bilingual');
  });

  it('leaves optional fields out or shows a dash when they are empty, and falls back to the key', () => {
    const { fields } = describeRequest('create_user', userPayload({ email: null, siteKey: 'gone', departmentKey: null, profileKey: null, collectionIds: [1, 2, 3, 4, 5] }), names);
    expect(value(fields, 'Email')).toBe('—');
    expect(value(fields, 'Description')).toBeUndefined();
    expect(value(fields, 'Clusters')).toBeUndefined();
    expect(value(fields, 'Site')).toBe('gone');
    expect(value(fields, 'Department')).toBe('—');
    expect(value(fields, 'Profile')).toBe('default profile');
    expect(value(fields, 'Collections')).toBe('5');
  });

  it('tells a clone of every collection from a clone of the source’s', () => {
    const clone = (collectionIds: number[] | 'all' | undefined) => value(describeRequest('clone_user', userPayload({ sourceUsername: 'jdoe', collectionIds }), names).fields, 'Collections');
    expect(clone('all')).toBe('all 24');
    expect(clone([3, 4])).toBe('2');
    // Stored by an older bot, or never narrowed: the source's collections are copied at approval.
    expect(clone(undefined)).toBe('same as jdoe');
  });

  it('says whether a password was set, never what it is', () => {
    const payload = { ...userPayload({ passwordHash: HASH }), password: 'Typed-Secret-123', deviceSecret: 'dev-secret-abcdefghijklmnopqrstuvwxyz' };
    const summary = describeRequest('create_user', payload, names);
    expect(value(summary.fields, 'Password')).toBe('set by requester');
    const shown = JSON.stringify([summary, requestConfirmationMessage({ requestId: 'r1', ...summary })]);
    for (const secret of [HASH, 'scrypt$', 'c2FsdHNhbHRzYWx0', 'Typed-Secret-123', 'dev-secret']) expect(shown).not.toContain(secret);

    expect(value(describeRequest('create_user', userPayload(), names).fields, 'Password')).toBe('default one-time password');
  });

  it('adds the new extension of an agent request, without any device secret', () => {
    const payload = userPayload({ userType: 'agent', voicemailAccess: true, newExtension: { ...extensionPayload(), deviceSecret: 'never-shown-secret' } as ExtensionRequestPayload });
    const { fields } = describeRequest('create_user', payload, names);
    expect(value(fields, 'User Type')).toBe('Agent');
    expect(value(fields, 'Primary Phone (Extension)')).toBe('new extension 1004');
    expect(value(fields, 'Voicemail/Recording Access')).toBe('Voicemail only');
    expect(value(fields, 'Extension Number')).toBe('1004');
    expect(value(fields, 'Device Name')).toBe('Jane Doe softphone');
    expect(JSON.stringify(fields)).not.toContain('never-shown-secret');
  });

  it('shows an existing extension as the primary phone', () => {
    const { fields } = describeRequest('create_user', userPayload({ userType: 'agent', extensionNumber: 1010 }), names);
    expect(value(fields, 'Primary Phone (Extension)')).toBe('1010');
    expect(value(fields, 'Extension Number')).toBeUndefined();
  });

  it("lists an extension's fields with Yes/No switches", () => {
    const payload = { ...extensionPayload({ e911LocationKey: 'unknown-loc', extensionNumber: null }), deviceSecret: 'never-shown-secret' };
    const { fields } = describeRequest('create_extension', payload, names);
    expect(fields).toEqual([
      { label: 'Extension Number', value: 'next free number' },
      { label: 'Device Name', value: 'Jane Doe softphone' },
      { label: 'Device Type', value: 'Softphone' },
      { label: 'CallerID', value: 'Main line' },
      { label: 'E911 Location', value: 'unknown-loc' },
      { label: 'Multi-Line Profile', value: 'Yes' },
      { label: 'Call Recording', value: 'No' },
      { label: 'Monitoring', value: 'Yes' },
      { label: 'Voicemail Access', value: 'No' },
    ]);
  });
});

describe('requestConfirmationMessage', () => {
  const summary = describeRequest('create_user', userPayload({ userType: 'agent', newExtension: extensionPayload() }), names);

  it('tells the requester the request waits, with the fields and the request ID', () => {
    const msg = requestConfirmationMessage({ requestId: 'req-123', ...summary });
    expect(msg.text).toBe('Your request is waiting for approval: New agent jdoe (Jane Doe)');
    const first = msg.blocks[0] as SectionBlock;
    expect(first.text?.text).toContain('Your request is waiting for approval: *New agent jdoe (Jane Doe)*');
    const fieldSections = msg.blocks.filter((b): b is SectionBlock => b.type === 'section' && b.fields !== undefined);
    const shownFields = fieldSections.flatMap((s) => s.fields ?? []);
    expect(shownFields).toHaveLength(summary.fields.length);
    expect(summary.fields.length).toBeGreaterThan(10);
    for (const s of fieldSections) expect(s.fields!.length).toBeLessThanOrEqual(10);
    expect(shownFields[0]?.text).toBe('*Username*\njdoe');
    const context = msg.blocks.find((b): b is ContextBlock => b.type === 'context');
    expect(JSON.stringify(context)).toContain('req-123');
  });

  it('escapes the title and every value', () => {
    const fields: RequestField[] = [
      { label: 'First Name', value: '<!channel>' },
      { label: 'Last Name', value: '*bold*' },
      { label: 'Description', value: 'see <https://x|y> & more' },
    ];
    const msg = requestConfirmationMessage({ requestId: 'r<1>', title: 'New user x (<!channel> *bold*)', fields });
    const json = JSON.stringify(msg);
    for (const raw of ['<!channel>', '<https://x|y>', '*bold*', 'r<1>']) expect(json).not.toContain(raw);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('∗bold∗');
    expect(json).toContain('see &lt;https://x|y&gt; &amp; more');
  });
});

describe('requestFieldsBlocks', () => {
  it('puts at most ten fields in a section and keeps each within Slack limits', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `L${i}`, value: '&'.repeat(5000) }));
    const blocks = requestFieldsBlocks(fields);
    expect(blocks.map((b) => b.fields?.length)).toEqual([10, 10, 3]);
    for (const f of blocks.flatMap((b) => b.fields ?? [])) expect(f.text.length).toBeLessThanOrEqual(2000);
  });
});
