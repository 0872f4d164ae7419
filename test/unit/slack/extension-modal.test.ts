import type { ModalView } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { parseExtensionValues } from '../../../src/slack/forms/extension-form.js';
import type { ViewStateValues as FormValues } from '../../../src/slack/forms/view-state.js';
import { ACTIONS, BLOCKS, VIEWS } from '../../../src/slack/ids.js';
import { EXTENSION_SWITCHES, extensionModal, SWITCH_ON, type ExtensionModalInput } from '../../../src/slack/views/extension-modal.js';
import type { ExtensionFormChoices, UserFormState } from '../../../src/slack/views/model.js';
import { decodeUserFormState } from '../../../src/slack/views/user-form-state.js';
import { assertWithinSlackLimits, slackLimitViolations } from '../../support/block-kit-limits.js';
import { blockIdOfLabel, clientSideErrors, elementOfLabel, fillView, inputLabels, optionTexts, type SlackView, type ViewBlock } from '../../support/fill-view.js';
import { DRAFT, extensionChoices, LONGEST_DRAFT } from './form-fixtures.js';

/** The HCC seed's extension fields, in its order and words (Device Secret is generated, not typed). */
const SEED_LABELS = ['Extension Number', 'Device Name', 'Device Type', 'CallerID', 'E911 Location', 'Multi-Line Profile', 'Call Recording', 'Monitoring', 'Voicemail Access'];
const SWITCH_LABELS = ['Multi-Line Profile', 'Call Recording', 'Monitoring', 'Voicemail Access'];

function build(over: Partial<ExtensionModalInput> = {}): { modal: ModalView; view: SlackView } {
  const modal = extensionModal({ purpose: 'standalone', choices: extensionChoices(), ...over });
  return { modal, view: JSON.parse(JSON.stringify(modal)) as SlackView };
}

const asFormValues = (values: ReturnType<typeof fillView>): FormValues => values as unknown as FormValues;

function inputBlock(view: SlackView, label: string): ViewBlock {
  const block = view.blocks.find((b) => b.type === 'input' && b.label?.text === label);
  if (!block) throw new Error(`no input ${label}`);
  return block;
}

describe('extensionModal: the seed fields', () => {
  it.each(['standalone', 'agent_step'] as const)('%s: the seed labels in order', (purpose) => {
    expect(inputLabels(build({ purpose }).view)).toEqual(SEED_LABELS);
  });

  it('uses the block IDs the parser knows, and the one input action ID', () => {
    const { view } = build();
    const expected = [
      BLOCKS.extensionNumber,
      BLOCKS.deviceName,
      BLOCKS.deviceType,
      BLOCKS.callerId,
      BLOCKS.e911Location,
      BLOCKS.multiLine,
      BLOCKS.callRecording,
      BLOCKS.monitoring,
      BLOCKS.voicemailAccess,
    ];
    expect(SEED_LABELS.map((l) => blockIdOfLabel(view, l))).toEqual(expected);
    for (const b of view.blocks.filter((x) => x.type === 'input')) expect(b.element?.action_id).toBe(ACTIONS.input);
  });

  it('requires only Device Name and Device Type', () => {
    const { view } = build();
    expect(view.blocks.filter((b) => b.type === 'input' && !b.optional).map((b) => b.label?.text)).toEqual(['Device Name', 'Device Type']);
  });

  it('prefills Extension Number with the suggested number and names the ranges', () => {
    const { view } = build();
    expect(elementOfLabel(view, 'Extension Number')).toMatchObject({ type: 'plain_text_input', initial_value: '1003' });
    expect(inputBlock(view, 'Extension Number').hint?.text).toContain('1000–1999 or 5000–5099');
    expect(inputBlock(view, 'Extension Number').hint?.text).toContain('Leave empty');
  });

  it('leaves Extension Number empty and says every number is used when none is free', () => {
    const { modal, view } = build({ choices: extensionChoices({ suggestedNumber: null }) });
    expect(elementOfLabel(view, 'Extension Number').initial_value).toBeUndefined();
    expect(inputBlock(view, 'Extension Number').hint?.text).toContain('Every number in 1000–1999 or 5000–5099 is in use');
    assertWithinSlackLimits(modal);
  });

  it('offers a softphone or the new agent interface (webrtc) as Device Type, softphone preselected', () => {
    const { view } = build();
    const element = elementOfLabel(view, 'Device Type');
    expect(element.type).toBe('radio_buttons');
    expect(element.options?.map((o) => [o.text.text, o.value])).toEqual([
      ['Softphone', 'softphone'],
      ['New agent interface (WebRTC)', 'webrtc'],
    ]);
    expect(element.initial_option?.value).toBe('softphone');
  });

  it('offers the CallerIDs with their numbers, and the E911 locations, both optional', () => {
    const { view } = build();
    expect(optionTexts(view, 'CallerID')).toEqual(['Main line (+18005550100)', 'Sales (+18005550101)']);
    expect(elementOfLabel(view, 'CallerID').options?.map((o) => o.value)).toEqual(['main', 'sales']);
    expect(optionTexts(view, 'E911 Location')).toEqual(['HQ, 1 Main St', 'Manila office']);
    expect(inputBlock(view, 'CallerID').optional).toBe(true);
    expect(inputBlock(view, 'E911 Location').optional).toBe(true);
    expect(elementOfLabel(view, 'CallerID').initial_option).toBeUndefined();
  });

  it('leaves out CallerID and E911 Location when none are configured', () => {
    const { modal, view } = build({ choices: extensionChoices({ callerIds: [], e911Locations: [] }) });
    expect(inputLabels(view)).toEqual(SEED_LABELS.filter((l) => l !== 'CallerID' && l !== 'E911 Location'));
    assertWithinSlackLimits(modal);
  });

  it('makes each switch one checkbox, off unless prefilled', () => {
    const { view } = build();
    for (const s of EXTENSION_SWITCHES) {
      const element = elementOfLabel(view, s.label);
      expect(element.type).toBe('checkboxes');
      expect(element.options?.map((o) => [o.text.text, o.value])).toEqual([[s.text, SWITCH_ON]]);
      expect(element.initial_options).toBeUndefined();
    }
    const on = build({ prefill: DRAFT }).view;
    expect(SWITCH_LABELS.map((l) => (elementOfLabel(on, l).initial_options ?? []).length)).toEqual([1, 0, 1, 0]);
  });
});

describe('extensionModal: the device secret', () => {
  it.each(['standalone', 'agent_step'] as const)('%s: no input asks for it; a note says the system generates it', (purpose) => {
    const { view } = build({ purpose, prefill: LONGEST_DRAFT });
    const inputs = view.blocks.filter((b) => b.type === 'input');
    for (const b of inputs) {
      expect(b.label?.text ?? '').not.toMatch(/secret/i);
      expect(b.block_id ?? '').not.toMatch(/secret/i);
      expect(b.element?.action_id ?? '').not.toMatch(/secret/i);
    }
    const note = view.blocks.find((b) => b.block_id === BLOCKS.deviceSecretNote);
    expect(note?.type).toBe('context');
    expect(JSON.stringify(note)).toContain('generated by the system');
  });
});

describe('extensionModal: standalone and agent step', () => {
  const parent: UserFormState = { mode: 'agent', collectionIds: [1, 2, 3] };

  it('standalone: its own callback, Submit request and Cancel, no metadata', () => {
    const { modal } = build({ purpose: 'standalone', parent });
    expect(modal.callback_id).toBe(VIEWS.extension);
    expect(modal.submit?.text).toBe('Submit request');
    expect(modal.close?.text).toBe('Cancel');
    expect(modal.private_metadata).toBeUndefined();
    expect(modal.title.text).toBe('New Extension');
  });

  it('agent step: the agent callback, Done and Back, the User Info state in private_metadata', () => {
    const { modal } = build({ purpose: 'agent_step', parent });
    expect(modal.callback_id).toBe(VIEWS.agentExtension);
    expect(modal.submit?.text).toBe('Done');
    expect(modal.close?.text).toBe('Back');
    expect(decodeUserFormState(modal.private_metadata ?? '')).toEqual(parent);
    expect(build({ purpose: 'agent_step' }).modal.private_metadata).toBeUndefined();
  });

  it('both have the same inputs, so one parser reads them', () => {
    const ids = (v: SlackView) => v.blocks.filter((b) => b.type === 'input').map((b) => `${b.block_id}/${b.element?.action_id}`);
    expect(ids(build({ purpose: 'agent_step', parent }).view)).toEqual(ids(build({ purpose: 'standalone' }).view));
  });

  it('agent step opened again shows the draft as it was set up', () => {
    const { view } = build({ purpose: 'agent_step', prefill: DRAFT, parent: { ...parent, newExtension: DRAFT } });
    expect(elementOfLabel(view, 'Extension Number').initial_value).toBe('1234');
    expect(elementOfLabel(view, 'Device Name').initial_value).toBe('Jane Doe desk');
    expect(elementOfLabel(view, 'Device Type').initial_option?.value).toBe('webrtc');
    expect(elementOfLabel(view, 'CallerID').initial_option?.value).toBe('main');
    expect(elementOfLabel(view, 'E911 Location').initial_option?.value).toBe('hq');
    const parsed = parseExtensionValues(asFormValues(fillView(view)));
    expect(parsed).toEqual({ ok: true, input: DRAFT });
  });

  it('a draft left to "the next free number" stays so when opened again, not the suggestion', () => {
    const { extensionNumber: _n, ...nextFree } = DRAFT;
    const { view } = build({ purpose: 'agent_step', prefill: nextFree });
    expect(elementOfLabel(view, 'Extension Number').initial_value).toBeUndefined();
    const parsed = parseExtensionValues(asFormValues(fillView(view)));
    expect(parsed.ok && parsed.input.extensionNumber).toBeUndefined();
  });

  it('a fresh form filled by label submits what Slack would send', () => {
    const { view } = build();
    const values = fillView(view, { 'Device Name': 'Jane Doe desk', 'E911 Location': 'Manila office', Monitoring: true });
    expect(clientSideErrors(view, values)).toEqual({});
    expect(parseExtensionValues(asFormValues(values))).toEqual({
      ok: true,
      input: {
        extensionNumber: '1003',
        deviceName: 'Jane Doe desk',
        deviceType: 'softphone',
        callerIdKey: undefined,
        e911LocationKey: 'manila',
        multiLine: false,
        callRecording: false,
        monitoring: true,
        voicemailAccess: false,
      },
    });
  });
});

describe('extensionModal: Slack limits', () => {
  it.each(['standalone', 'agent_step'] as const)('%s with the fixtures is within every limit', (purpose) => {
    expect(slackLimitViolations(build({ purpose, prefill: DRAFT, parent: { mode: 'agent', collectionIds: 'all', newExtension: DRAFT } }).modal)).toEqual([]);
  });

  it('long names and more than 100 CallerIDs and locations: grouped, cut to 75, the number kept, nothing dropped', () => {
    const choices: ExtensionFormChoices = {
      callerIds: Array.from({ length: 150 }, (_, i) => ({ key: `caller-${i}-${'k'.repeat(30)}`, name: `Caller ${i} ${'n'.repeat(120)}`, number: '+441234567890123' })),
      e911Locations: Array.from({ length: 230 }, (_, i) => ({ key: `loc-${i}`, name: `${'📍'.repeat(60)} ${i}` })),
      suggestedNumber: 999_999_999,
      rangesText: '10–999999999',
    };
    const { modal, view } = build({ purpose: 'agent_step', choices, prefill: { ...LONGEST_DRAFT, callerIdKey: choices.callerIds[149]?.key, e911LocationKey: 'loc-229' }, parent: { mode: 'agent', collectionIds: 'all', newExtension: LONGEST_DRAFT } });
    expect(slackLimitViolations(modal)).toEqual([]);
    expect(modal.blocks.length).toBeLessThanOrEqual(100);
    const callers = optionTexts(view, 'CallerID');
    expect(callers).toHaveLength(150);
    for (const text of callers) {
      expect(text.length).toBeLessThanOrEqual(75);
      expect(text.endsWith('(+441234567890123)')).toBe(true);
    }
    expect(optionTexts(view, 'E911 Location')).toHaveLength(230);
    expect(elementOfLabel(view, 'CallerID').initial_option?.value).toBe(choices.callerIds[149]?.key);
    expect(elementOfLabel(view, 'E911 Location').initial_option?.value).toBe('loc-229');
  });

  it('leaves a suggestion longer than the field empty rather than break the view', () => {
    const { modal } = build({ choices: extensionChoices({ suggestedNumber: 1_234_567_890 }) });
    expect(slackLimitViolations(modal)).toEqual([]);
  });
});
