import { describe, expect, it } from 'vitest';
import type { CheckedImport } from '../../../src/services/check-import.js';
import type { ImportRowPayload } from '../../../src/services/import-payload.js';
import { parseProvisionCommand } from '../../../src/slack/commands/parse.js';
import { VIEWS } from '../../../src/slack/ids.js';
import { describeImport } from '../../../src/slack/views/import-summary.js';
import { decodeImportMetadata, importConfirmModal, importFileModal, importNoticeModal, importTemplateMessage } from '../../../src/slack/views/import-modal.js';
import { approvalMessage } from '../../../src/slack/views/approval-message.js';
import { assertWithinSlackLimits } from '../../support/block-kit-limits.js';

const names = { sites: new Map([['austin-tx', 'Austin, TX']]), departments: new Map(), billingUnits: new Map(), profiles: new Map(), clusters: new Map(), callerIds: new Map(), e911Locations: new Map(), collectionCount: 24 };

function row(i: number, long = ''): ImportRowPayload {
  return {
    row: i + 2,
    kind: 'create_user',
    payload: { username: `u${i}${long}`, firstName: `F${long}`, lastName: 'L', phone: '+15125550100', userType: 'agent', siteKey: 'austin-tx', voicemailAccess: false, recordingAccess: false, passwordHash: null, newExtension: { deviceName: 'x', deviceType: 'softphone', multiLine: false, callRecording: false, monitoring: false, voicemailAccess: false } },
  };
}

describe('import views', () => {
  it('the file modal has one CSV file field', () => {
    const modal = importFileModal();
    assertWithinSlackLimits(modal);
    expect(modal.blocks[1]).toMatchObject({ type: 'input', element: { type: 'file_input', filetypes: ['csv'], max_files: 1 } });
  });

  it('the confirm step stays within Slack limits with 1,000 long problems, and offers the valid rows', () => {
    const checked: CheckedImport = {
      totalRows: 1000,
      invalidRows: 999,
      valid: [row(1)],
      problems: Array.from({ length: 3000 }, (_, i) => ({ row: i + 2, column: 'phone' as const, message: '<&>'.repeat(500) })),
    };
    const modal = importConfirmModal({ fileName: `${'n'.repeat(300)}.csv`, checked, metadata: { fileId: 'F123' }, problemsSentToDm: true });
    assertWithinSlackLimits(modal);
    expect(modal.callback_id).toBe(VIEWS.importConfirm);
    expect(modal.submit?.text).toBe('Submit 1 valid rows');
    expect(JSON.stringify(modal.blocks)).toContain('2990 more problems');
    expect(decodeImportMetadata(modal.private_metadata)).toEqual({ fileId: 'F123' });
    expect(decodeImportMetadata('{"fileId":"../etc"}')).toBeUndefined();
    const none = importConfirmModal({ fileName: 'a.csv', checked: { ...checked, valid: [] }, metadata: { fileId: 'F1' }, problemsSentToDm: false });
    expect(none.submit).toBeUndefined();
    assertWithinSlackLimits(importNoticeModal('x'.repeat(5000)));
  });

  it('the approval summary of 1,000 rows with long values stays within Slack limits', () => {
    const summary = describeImport({ fileName: 'f'.repeat(255), rows: Array.from({ length: 1000 }, (_, i) => row(i, 'x'.repeat(200))), skippedRows: 3 }, names);
    expect(summary.title).toBe(`Import of 1000 new hires from ${'f'.repeat(255)}`);
    expect(summary.fields.find((f) => f.label === 'Users')?.value).toBe('1000: 1000 agents with 1000 new extensions');
    expect(summary.fields.find((f) => f.label === 'By site')?.value).toBe('Austin, TX 1000');
    const message = approvalMessage({ requestId: 'r1', ...summary, requesterId: 'U1', createdAt: new Date(), state: 'pending', deliveries: [], approverId: null, decidedAt: null, reason: null, result: null, remindedAt: null });
    assertWithinSlackLimits({ type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: message.blocks });
  });

  it('the template is a code block within limits, and the command parses', () => {
    const message = importTemplateMessage();
    assertWithinSlackLimits({ type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: message.blocks });
    expect(parseProvisionCommand('import')).toEqual({ kind: 'import' });
    expect(parseProvisionCommand('IMPORT Template')).toEqual({ kind: 'import_template' });
    expect(parseProvisionCommand('import foo')).toEqual({ kind: 'unknown', word: 'import foo' });
  });
});
