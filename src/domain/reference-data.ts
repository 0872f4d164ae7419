import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { COLLECTION_KINDS } from './collections.js';

/**
 * The operator-edited reference data file (reference-data/*.yml; JSON is valid YAML, so a .json file
 * works too): the choices offered in the forms. Pure: text in, data or errors out. Every error names
 * the file, the line and column, and the field, e.g. `demo.yml:14:7 sites[2].name: required`.
 */

/** The stable identifier the database keys rows by; renaming an item keeps its key. */
const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const E164_PATTERN = /^\+[1-9]\d{1,14}$/;
/** ISO 3166-1 alpha-2, officially assigned codes (so `UK` or `EU` are refused: use `GB`). */
const ISO_COUNTRIES = new Set(
  ('AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW').split(' '),
);
/** 2 to 9 digits: extensions are stored in a 32-bit integer column, and nine digits is plenty for a dial plan. */
const MIN_EXTENSION = 10;
const MAX_EXTENSION = 999_999_999;
const EXTENSION_DIGITS = 'must be an extension number of 2 to 9 digits';

const key = z
  .string()
  .max(40, 'must be at most 40 characters')
  .regex(KEY_PATTERN, 'must start with a lowercase letter or digit and use only a-z, 0-9, ".", "_" and "-" (e.g. austin-tx)');
const textField = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const name = textField(100);
const keyed = { key, name };

export const siteSchema = z.object(keyed).strict();
export const departmentSchema = z.object(keyed).strict();
export const billingUnitSchema = z.object(keyed).strict();
/** `default: true` marks the tenant default, preselected in the form; exactly one profile has it. */
export const profileSchema = z.object({ ...keyed, default: z.boolean().default(false) }).strict();
export const cucmClusterSchema = z.object(keyed).strict();
export const callerIdSchema = z
  .object({ ...keyed, number: z.string().regex(E164_PATTERN, 'must be an E.164 number such as "+18005550100" (in quotes)') })
  .strict();
/** A dispatchable address, as E911 requires. */
export const e911LocationSchema = z
  .object({
    ...keyed,
    street: textField(200),
    suite: textField(100).optional(), // suite or floor
    city: textField(100),
    state: textField(100),
    postalCode: textField(20),
    country: z
      .string()
      .refine((c) => ISO_COUNTRIES.has(c), 'must be an ISO 3166 two-letter country code in capitals, e.g. US, PH, GB'),
  })
  .strict();
/** Collections have no key: they are identified by kind and name. */
export const collectionSchema = z.object({ name, kind: z.enum(COLLECTION_KINDS) }).strict();
// Not z.int(): its failure aborts the whole parse, which would hide the list-level checks below.
const extensionNumber = z
  .number({ error: (iss) => (iss.input === undefined ? 'required' : 'must be a whole number') })
  .refine(Number.isInteger, 'must be a whole number')
  .min(MIN_EXTENSION, EXTENSION_DIGITS)
  .max(MAX_EXTENSION, EXTENSION_DIGITS);
/** An inclusive range of extension numbers the form may hand out. */
export const extensionRangeSchema = z
  .object({ from: extensionNumber, to: extensionNumber })
  .strict()
  .refine((r) => r.from <= r.to, { message: '"to" must not be below "from"', path: ['to'] });

export type Site = z.infer<typeof siteSchema>;
export type Department = z.infer<typeof departmentSchema>;
export type BillingUnit = z.infer<typeof billingUnitSchema>;
export type Profile = z.infer<typeof profileSchema>;
export type CucmCluster = z.infer<typeof cucmClusterSchema>;
export type CallerId = z.infer<typeof callerIdSchema>;
export type E911Location = z.infer<typeof e911LocationSchema>;
export type Collection = z.infer<typeof collectionSchema>;
export type ExtensionRange = z.infer<typeof extensionRangeSchema>;

type Path = (string | number)[];
const showPath = (path: readonly PropertyKey[]): string =>
  path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
/** List-level checks run even when some item failed, so the operator sees every problem at once. */
const always = { when: (payload: { value: unknown }) => Array.isArray(payload.value) };

/** Reports the second and later items sharing an identity; `related` lets the parser name the first's line. */
function unique(
  list: string,
  field: string,
  identity: (item: Record<string, unknown>) => string | undefined,
  what: (item: Record<string, unknown>) => string,
) {
  return (items: unknown[], ctx: z.RefinementCtx) => {
    const seen = new Map<string, number>();
    items.forEach((raw, i) => {
      const item = record(raw);
      const id = item && identity(item);
      if (item === undefined || id === undefined) return;
      const first = seen.get(id);
      if (first === undefined) return void seen.set(id, i);
      ctx.addIssue({
        code: 'custom',
        path: [i, field],
        message: `duplicate ${what(item)}: also used by ${list}[${first}]`,
        params: { related: [list, first, field] },
      });
    });
  };
}
const byKey = (list: string) =>
  unique(list, 'key', (item) => (typeof item.key === 'string' ? item.key : undefined), (item) => `key "${String(item.key)}"`);

/** An optional list: absent or empty (`sites:` with nothing under it) means none. */
function optionalList<T extends z.ZodType>(list: string, item: T, check = byKey(list)) {
  return z
    .array(item)
    .superRefine(check, always)
    .nullish()
    .transform((v) => v ?? []);
}

function exactlyOneDefault(items: unknown[], ctx: z.RefinementCtx) {
  const defaults = items.flatMap((raw, i) => (record(raw)?.default === true ? [i] : []));
  if (defaults.length === 0 && items.length > 0) {
    ctx.addIssue({ code: 'custom', path: [], message: 'no profile is the default: mark exactly one with "default: true"' });
  }
  for (const i of defaults.slice(1)) {
    ctx.addIssue({
      code: 'custom',
      path: [i, 'default'],
      message: `only one profile may have "default: true", and profiles[${defaults[0]}] has it too`,
      params: { related: ['profiles', defaults[0] ?? 0, 'default'] },
    });
  }
}

function noOverlaps(items: unknown[], ctx: z.RefinementCtx) {
  const ranges: { i: number; from: number; to: number }[] = [];
  items.forEach((raw, i) => {
    const { from, to } = record(raw) ?? {};
    if (!Number.isInteger(from) || !Number.isInteger(to) || (from as number) > (to as number)) return;
    const r = { i, from: from as number, to: to as number };
    const other = ranges.find((o) => r.from <= o.to && o.from <= r.to);
    if (other) {
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: `${r.from}–${r.to} overlaps extensionRanges[${other.i}] (${other.from}–${other.to})`,
        params: { related: ['extensionRanges', other.i] },
      });
    }
    ranges.push(r);
  });
}

/** Two collections whose names differ only in case or spacing would look the same in the form. */
const collectionIdentity = (c: Record<string, unknown>) =>
  typeof c.kind === 'string' && typeof c.name === 'string' ? `${c.kind}\u0000${c.name.trim().toLowerCase()}` : undefined;
const uniqueCollections = unique('collections', 'name', collectionIdentity, (c) => {
  return `${String(c.kind)} collection "${String(c.name)}"`;
});

export const referenceDataSchema = z
  .object({
    sites: optionalList('sites', siteSchema),
    departments: optionalList('departments', departmentSchema),
    billingUnits: optionalList('billingUnits', billingUnitSchema),
    profiles: z
      .array(profileSchema)
      .min(1, 'must list at least one profile')
      .superRefine(byKey('profiles'), always)
      .superRefine(exactlyOneDefault, always),
    clusters: optionalList('clusters', cucmClusterSchema),
    callerIds: optionalList('callerIds', callerIdSchema),
    e911Locations: optionalList('e911Locations', e911LocationSchema),
    collections: optionalList('collections', collectionSchema, uniqueCollections),
    extensionRanges: z
      .array(extensionRangeSchema)
      .min(1, 'must list at least one range')
      .superRefine(noOverlaps, always),
  })
  .strict();

export type ReferenceData = z.infer<typeof referenceDataSchema>;
export type ParseReferenceDataResult = { ok: true; data: ReferenceData } | { ok: false; errors: string[] };

/** Field names each level allows, so an unknown field's error can say what was meant. */
const ALLOWED_FIELDS: Record<string, readonly string[]> = {
  '': Object.keys(referenceDataSchema.shape),
  sites: Object.keys(siteSchema.shape),
  departments: Object.keys(departmentSchema.shape),
  billingUnits: Object.keys(billingUnitSchema.shape),
  profiles: Object.keys(profileSchema.shape),
  clusters: Object.keys(cucmClusterSchema.shape),
  callerIds: Object.keys(callerIdSchema.shape),
  e911Locations: Object.keys(e911LocationSchema.shape),
  collections: Object.keys(collectionSchema.shape),
  extensionRanges: Object.keys(extensionRangeSchema.shape),
};

const describeValue = (v: unknown): string =>
  Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

/** Messages an operator reads; the schema's own messages take precedence over these. */
const errorMap: z.core.$ZodErrorMap = (iss) => {
  if (iss.code === 'invalid_type') {
    if (iss.input === undefined) return 'required';
    if (iss.input === null) return 'required (the value is empty)';
    const quote = iss.expected === 'string' && typeof iss.input !== 'object' ? ' (put the value in quotes)' : '';
    return `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${describeValue(iss.input)}${quote}`;
  }
  if (iss.code === 'invalid_value') return `must be one of: ${iss.values.map(String).join(', ')}`;
  return undefined;
};

/** Parses and validates the reference data file's text; never throws for bad input. */
export function parseReferenceData(text: string, fileName: string): ParseReferenceDataResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${fileName}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => `${at(e.pos[0])} YAML syntax error: ${e.message}`) };
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    return { ok: false, errors: [`${at(0)} YAML error: ${err instanceof Error ? err.message : String(err)}`] };
  }

  if (value === null || value === undefined) {
    return { ok: false, errors: [`${at(0)} (file): the file is empty; it needs at least profiles and extensionRanges`] };
  }
  const result = referenceDataSchema.safeParse(value, { error: errorMap });
  if (result.success) return { ok: true, data: result.data };

  const errors: { offset: number; text: string }[] = [];
  const report = (path: Path, message: string, atFieldName = false) => {
    const offset = locate(doc, path, atFieldName);
    errors.push({ offset, text: `${at(offset)} ${path.length > 0 ? showPath(path) : '(file)'}: ${message}` });
  };
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const list = typeof path[0] === 'string' && path.length > 1 ? path[0] : '';
      const allowed = ALLOWED_FIELDS[list] ?? [];
      for (const k of issue.keys) report([...path, k], `unknown field "${k}" (allowed: ${allowed.join(', ')})`, true);
      continue;
    }
    const related = issue.code === 'custom' ? (issue.params?.related as Path | undefined) : undefined;
    if (related) {
      const { line } = lineCounter.linePos(locate(doc, related));
      report(path, `${issue.message} (line ${line})`);
    } else {
      report(path, issue.message);
    }
  }
  errors.sort((a, b) => a.offset - b.offset);
  return { ok: false, errors: [...new Set(errors.map((e) => e.text))] };
}

/**
 * The source offset of the node at `path`, or of its nearest existing parent when the field is
 * missing. A field's value is located where it starts, except an empty value or a mapping or list,
 * which is located by its field name (`profiles:`); `atFieldName` always locates the field name.
 */
function locate(doc: Document, path: Path, atFieldName = false): number {
  const start = (n: YamlNode | null | undefined): number | undefined => n?.range?.[0];
  let node: unknown = doc.contents;
  let offset = start(doc.contents) ?? 0;
  for (const [i, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment));
      if (!pair) break;
      const keyStart = start(isScalar(pair.key) ? pair.key : undefined);
      const value = pair.value as YamlNode | null;
      const useValue = isScalar(value) && value.source !== '' && !(atFieldName && i === path.length - 1);
      offset = (useValue ? start(value) : (keyStart ?? start(value))) ?? offset;
      node = value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined;
      if (!item) break;
      offset = start(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
