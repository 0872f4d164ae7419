import { describe, expect, it } from 'vitest';
import { issue, type FieldIssue } from '../../../src/domain/errors.js';
import { extensionFieldErrorsToBlocks, parseExtensionValues, type ExtensionFormInput } from '../../../src/slack/forms/extension-form.js';
import type { FormResult, ViewStateValues as FormValues } from '../../../src/slack/forms/view-state.js';
import { ACTIONS, BLOCKS } from '../../../src/slack/ids.js';
import { extensionModal } from '../../../src/slack/views/extension-modal.js';
import type { ExtensionFormChoices } from '../../../src/slack/views/model.js';
import { blockIdOfLabel, clientSideErrors, fillView, type Answer, type SlackView } from '../../support/fill-view.js';
import { extensionChoices } from './form-fixtures.js';

function view(purpose: 'standalone' | 'agent_step' = 'standalone', choices: ExtensionFormChoices = extensionChoices()): SlackView {
  return JSON.parse(JSON.stringify(extensionModal({ purpose, choices }))) as SlackView;
}

function submit(v: SlackView, answers: Record<string, Answer>): FormValues {
  const values = fillView(v, answers);
  expect(clientSideErrors(v, values)).toEqual({});
  return values as unknown as FormValues;
}

const parse = (values: unknown): FormResult<ExtensionFormInput> => parseExtensionValues(values as FormValues);

function errorsOf(result: FormResult<ExtensionFormInput>): Record<string, string> {
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.input)}`);
  return result.errors;
}

const blockIds = (v: SlackView) => new Set(v.blocks.map((b) => b.block_id).filter((id): id is string => id !== undefined));
const inputIds = (v: SlackView) => v.blocks.filter((b) => b.type === 'input').map((b) => b.block_id ?? '');

describe('parseExtensionValues: a form filled as Slack sends it', () => {
  it.each(['standalone', 'agent_step'] as const)('%s: every field to the use-case input', (purpose) => {
    const v = view(purpose);
    const values = submit(v, {
      'Extension Number': ' 1234 ',
      'Device Name': 'Jane Doe desk',
      'Device Type': 'New agent interface (WebRTC)',
      CallerID: 'Sales (+18005550101)',
      'E911 Location': 'HQ, 1 Main St',
      'Multi-Line Profile': true,
      'Call Recording': true,
      Monitoring: false,
      'Voicemail Access': true,
    });
    expect(parse(values)).toEqual({
      ok: true,
      input: {
        extensionNumber: '1234',
        deviceName: 'Jane Doe desk',
        deviceType: 'webrtc',
        callerIdKey: 'sales',
        e911LocationKey: 'hq',
        multiLine: true,
        callRecording: true,
        monitoring: false,
        voicemailAccess: true,
      },
    });
  });

  it('only the device name: the suggested number, a softphone, every switch off', () => {
    expect(parse(submit(view(), { 'Device Name': 'Desk 4' }))).toEqual({
      ok: true,
      input: {
        extensionNumber: '1003',
        deviceName: 'Desk 4',
        deviceType: 'softphone',
        callerIdKey: undefined,
        e911LocationKey: undefined,
        multiLine: false,
        callRecording: false,
        monitoring: false,
        voicemailAccess: false,
      },
    });
  });

  it('an emptied or blank Extension Number means the next free one', () => {
    const cleared = parse(submit(view(), { 'Device Name': 'Desk', 'Extension Number': null }));
    expect(cleared.ok && cleared.input.extensionNumber).toBeUndefined();
    const blank = parse(submit(view(), { 'Device Name': 'Desk', 'Extension Number': '   ' }));
    expect(blank.ok && blank.input.extensionNumber).toBeUndefined();
  });

  it('works without CallerID and E911 Location when none are configured', () => {
    const v = view('standalone', extensionChoices({ callerIds: [], e911Locations: [] }));
    const result = parse(submit(v, { 'Device Name': 'Desk' }));
    expect(result.ok && [result.input.callerIdKey, result.input.e911LocationKey]).toEqual([undefined, undefined]);
  });

  it('never carries a device secret', () => {
    const values = { ...fillView(view(), { 'Device Name': 'Desk' }), device_secret: { [ACTIONS.input]: { type: 'plain_text_input', value: 's3cret' } } };
    const result = parse(values);
    expect(result.ok && JSON.stringify(result.input)).not.toContain('s3cret');
  });
});

describe('parseExtensionValues: bad input is answered on the field, never thrown', () => {
  const good = () => fillView(view(), { 'Device Name': 'Desk' }) as Record<string, unknown>;

  it('missing required blocks', () => {
    expect(errorsOf(parse({}))).toEqual({ [BLOCKS.deviceName]: 'Device Name is required', [BLOCKS.deviceType]: 'Device Type is required' });
  });

  it('no device type chosen', () => {
    const values = { ...good(), [BLOCKS.deviceType]: { [ACTIONS.input]: { type: 'radio_buttons', selected_option: null } } };
    expect(errorsOf(parse(values))).toEqual({ [BLOCKS.deviceType]: 'Device Type is required' });
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'x'],
    ['an array', []],
  ])('values that are %s: one error on the first field', (_name, values) => {
    const errors = errorsOf(parse(values));
    expect(Object.keys(errors)).toEqual([BLOCKS.extensionNumber]);
  });

  it.each<[string, string, unknown, string]>([
    ['a 1 MB device name', BLOCKS.deviceName, { type: 'plain_text_input', value: 'd'.repeat(1_000_000) }, 'Device Name can be at most 64 characters'],
    ['a 65-character device name', BLOCKS.deviceName, { type: 'plain_text_input', value: 'd'.repeat(65) }, 'Device Name can be at most 64 characters'],
    ['a number for the device name', BLOCKS.deviceName, { type: 'plain_text_input', value: 5 }, 'Device Name could not be read — please fill it in again'],
    ['a 10-character extension number', BLOCKS.extensionNumber, { type: 'plain_text_input', value: '1234567890' }, 'Extension Number can be at most 9 characters'],
    ['a device type from a select', BLOCKS.deviceType, { type: 'static_select', selected_option: { value: 'softphone' } }, 'Device Type could not be read — please fill it in again'],
    ['an unknown device type', BLOCKS.deviceType, { type: 'radio_buttons', selected_option: { value: 'deskphone' } }, 'Choose Device Type from the list'],
    ['a CallerID value over 75 characters', BLOCKS.callerId, { type: 'static_select', selected_option: { value: 'c'.repeat(76) } }, 'CallerID could not be read — please fill it in again'],
    ['an E911 location that is a list', BLOCKS.e911Location, { type: 'static_select', selected_option: [{ value: 'hq' }] }, 'E911 Location could not be read — please fill it in again'],
    ['a switch with an unknown value', BLOCKS.monitoring, { type: 'checkboxes', selected_options: [{ value: 'yes' }] }, 'Monitoring could not be read — please fill it in again'],
    ['a switch checked twice', BLOCKS.multiLine, { type: 'checkboxes', selected_options: [{ value: 'on' }, { value: 'on' }] }, 'Multi-Line Profile could not be read — please fill it in again'],
    ['a switch that is a text', BLOCKS.voicemailAccess, { type: 'plain_text_input', value: 'on' }, 'Voicemail Access could not be read — please fill it in again'],
    ['a block that is null', BLOCKS.callRecording, null, 'Call Recording could not be read — please fill it in again'],
  ])('%s: an error on that block', (_name, blockId, element, message) => {
    const values = { ...good(), [blockId]: element === null ? null : { [ACTIONS.input]: element } };
    expect(errorsOf(parse(values))).toEqual({ [blockId]: message });
  });

  it('foreign blocks are ignored', () => {
    const values = { ...good(), evil: { [ACTIONS.input]: null }, user_collections_0: 'x', ...(JSON.parse('{"__proto__": {"device_name": null}}') as object) };
    expect(parse(values).ok).toBe(true);
    expect(Object.keys(errorsOf(parse({ evil: 1 }))).sort()).toEqual([BLOCKS.deviceName, BLOCKS.deviceType].sort());
  });

  it('every error is keyed by a block of the view, never thrown, whatever arrives', () => {
    const v = view();
    const allowed = blockIds(v);
    const junk: unknown[] = [null, 'x', 1, [], {}, { [ACTIONS.input]: null }, { [ACTIONS.input]: { type: 'plain_text_input', value: 'x'.repeat(70_000) } }, { [ACTIONS.input]: { type: 'checkboxes', selected_options: [{}] } }];
    const targets = [...inputIds(v), 'evil'];
    for (const target of targets) {
      for (const j of junk) {
        for (const second of [undefined, ...targets]) {
          const values: Record<string, unknown> = { ...good(), [target]: j };
          if (second !== undefined) delete values[second];
          let result: FormResult<ExtensionFormInput> | undefined;
          expect(() => (result = parse(values))).not.toThrow();
          if (result && !result.ok) for (const key of Object.keys(result.errors)) expect(allowed.has(key), `${target} ${JSON.stringify(j)}: ${key}`).toBe(true);
        }
      }
    }
  });
});

describe('extensionFieldErrorsToBlocks', () => {
  const v = view();

  it('puts each use-case field on the block the person reads it under', () => {
    const byLabel: [string, string][] = [
      ['extensionNumber', 'Extension Number'],
      ['deviceName', 'Device Name'],
      ['deviceType', 'Device Type'],
      ['callerIdKey', 'CallerID'],
      ['e911LocationKey', 'E911 Location'],
      ['multiLine', 'Multi-Line Profile'],
      ['callRecording', 'Call Recording'],
      ['monitoring', 'Monitoring'],
      ['voicemailAccess', 'Voicemail Access'],
    ];
    for (const [field, label] of byLabel) {
      expect(Object.keys(extensionFieldErrorsToBlocks([issue(field, 'invalid_format', 'x')])), field).toEqual([blockIdOfLabel(v, label)]);
    }
  });

  it('joins issues per block and never drops one: anything else goes on Extension Number, which is always there', () => {
    const issues: FieldIssue[] = [
      issue('extensionNumber', 'extension_taken', 'Extension 1234 is taken — try 1235', '1235'),
      issue('deviceName', 'required', 'Device Name is required'),
      issue('input', 'invalid_format', 'Bad request'),
      issue('__proto__', 'invalid_format', 'Odd'),
      issue('constructor', 'invalid_format', 'Odder'),
    ];
    const errors = extensionFieldErrorsToBlocks(issues);
    expect(errors).toEqual({
      [BLOCKS.extensionNumber]: 'Extension 1234 is taken — try 1235; Bad request; Odd; Odder',
      [BLOCKS.deviceName]: 'Device Name is required',
    });
    for (const key of Object.keys(errors)) expect(inputIds(v)).toContain(key);
    expect(inputIds(view('standalone', extensionChoices({ callerIds: [], e911Locations: [] })))).toContain(BLOCKS.extensionNumber);
  });
});
