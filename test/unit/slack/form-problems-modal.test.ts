import { describe, expect, it } from 'vitest';
import { VIEWS } from '../../../src/slack/ids.js';
import { formProblemsModal } from '../../../src/slack/views/form-problems-modal.js';
import { assertWithinSlackLimits } from '../../support/block-kit-limits.js';

describe('formProblemsModal: problems that belong to no field of the form', () => {
  it('names each problem by what the person knows it as, escaped, with no submit button', () => {
    const modal = formProblemsModal([{ label: 'Collections', message: 'Unknown collection: 9 <!channel>' }]);
    expect(modal.callback_id).toBe(VIEWS.formProblems);
    expect(modal.submit).toBeUndefined();
    expect(modal.close?.text).toBe('Back to the form');
    const text = JSON.stringify(modal.blocks);
    expect(text).toContain('*Collections*: Unknown collection: 9 &lt;!channel&gt;');
    expect(text).toContain('Nothing was submitted yet');
    assertWithinSlackLimits(modal);
  });

  it('stays within Slack’s limits however many and however long the problems are', () => {
    const problems = Array.from({ length: 200 }, (_, i) => ({ label: `Field ${i}`, message: '<&>'.repeat(2000) }));
    const modal = formProblemsModal(problems);
    expect(modal.blocks.length).toBeLessThanOrEqual(21);
    assertWithinSlackLimits(modal);
  });
});
