import { cpus, availableParallelism, totalmem } from 'node:os';

/** One line of the final table. Empty cells print as `–`. */
export interface Row {
  scenario: string;
  clients?: number | string;
  p50?: number;
  p99?: number;
  /** Already formatted, with its unit (req/s, users/s, MB…). */
  throughput?: string;
  /** The floor's figures, formatted. */
  floor?: string;
  /** The measured ratio or figure compared with the target, formatted. */
  ratio?: string;
  target?: string;
  met?: boolean;
  note?: string;
}

export const ms = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '–' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
export const times = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${availableParallelism()} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`;
}

export function markdownTable(rows: Row[]): string {
  const head = ['Scenario', 'Clients', 'p50 ms', 'p99 ms', 'Throughput', 'Floor', 'Ratio / figure', 'Target', 'Met', 'Notes'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i >= 1 && i <= 4 ? '---:' : '---')).join('|')}|`];
  for (const r of rows) {
    const cells = [
      r.scenario,
      r.clients === undefined ? '–' : String(r.clients),
      ms(r.p50),
      ms(r.p99),
      r.throughput ?? '–',
      r.floor ?? '–',
      r.ratio ?? '–',
      r.target ?? '–',
      r.met === undefined ? '–' : r.met ? 'yes' : '**no**',
      r.note ?? '',
    ].map((c) => c.replace(/\|/g, '\\|'));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
