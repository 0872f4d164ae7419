import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Db } from '../src/db/client.js';
import * as schema from '../src/db/schema/index.js';
import { searchUsers } from '../src/services/search-users.js';
import { median } from './cold-start.js';

export interface ExplainFigure {
  executionMs: number;
  planningMs: number;
  /** Shared buffers the statement touched (hit + read), in the median run: what an index saves shows here. */
  buffers: number;
  /** The top plan nodes that read users, to see which index led. */
  scans: string[];
}

interface PlanNode {
  'Node Type': string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  'Index Name'?: string;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

function scansOf(node: PlanNode, out: Set<string>): void {
  if (node['Index Name'] && (node['Actual Loops'] ?? 0) > 0) out.add(node['Index Name']);
  if (node['Node Type'] === 'Seq Scan' && (node['Actual Loops'] ?? 0) > 0) out.add('Seq Scan');
  for (const child of node.Plans ?? []) scansOf(child, out);
}

/** A bench-chosen value as an SQL literal, for EXECUTE's arguments. */
const literal = (value: unknown): string => (typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`);

/**
 * The first page of `/provision find <term>` as the bot asks for it (the statement caught from the
 * repository, with its parameters), run under EXPLAIN ANALYZE `times` times on one connection: the
 * database's own execution time, apart from the bot, the network and the load on the machine. Planned
 * as the bot's find pool plans it (src/db/client.ts, `searchDb`): prepared once, one generic plan, so
 * the planning figure is what a find pays for its plan (the first run builds it; the median is a reuse).
 */
export async function explainFind(url: string, term: string, times = 7): Promise<ExplainFigure> {
  const client = postgres(url, { max: 1, onnotice: () => undefined, connection: { plan_cache_mode: 'force_generic_plan' } });
  try {
    let caught: { query: string; params: unknown[] } | undefined;
    const db = drizzle(client, { schema, logger: { logQuery: (query, params) => void (caught = { query, params }) } }) as unknown as Db;
    await searchUsers({ db }, { text: term, pageSize: 20 });
    if (!caught) throw new Error('the find ran no query');
    const { query, params } = caught;
    const execution: number[] = [];
    const planning: number[] = [];
    const buffers: number[] = [];
    const scans = new Set<string>();
    await client.unsafe(`prepare find_explained as ${query}`);
    const execute = `execute find_explained(${params.map(literal).join(', ')})`;
    for (let i = 0; i < times; i++) {
      const [row] = await client.unsafe(`explain (analyze, buffers, format json) ${execute}`);
      const [plan] = (row as unknown as { 'QUERY PLAN': { 'Execution Time': number; 'Planning Time': number; Plan: PlanNode }[] })['QUERY PLAN'];
      execution.push(plan!['Execution Time']);
      planning.push(plan!['Planning Time']);
      buffers.push((plan!.Plan['Shared Hit Blocks'] ?? 0) + (plan!.Plan['Shared Read Blocks'] ?? 0));
      scansOf(plan!.Plan, scans);
    }
    return { executionMs: median(execution), planningMs: median(planning), buffers: median(buffers), scans: [...scans] };
  } finally {
    await client.end();
  }
}
