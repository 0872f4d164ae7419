/** New-hire CSVs for the import tests and the benchmark: `rows` agents with new extensions, cloned or not. */
export const IMPORT_HEADER = 'username,first_name,last_name,phone,email,description,site,department,profile,user_type,clone_from,collections,extension,device_type';

export function newHireRow(i: number, overrides: Partial<Record<string, string>> = {}): string {
  const values: Record<string, string> = {
    username: `hire${i}`,
    first_name: 'Hire',
    last_name: `Number${i}`,
    phone: `+1 512 555 ${String(1000 + (i % 9000)).padStart(4, '0')}`,
    email: `hire${i}@example.com`,
    description: 'March class',
    site: 'Austin, TX',
    department: i % 2 === 0 ? 'Customer Care' : 'billing-support',
    profile: 'Standard Agent',
    user_type: 'agent',
    clone_from: '',
    collections: 'Billing Queue;Training Cohort',
    extension: 'new',
    device_type: 'softphone',
    ...overrides,
  };
  return IMPORT_HEADER.split(',')
    .map((c) => {
      const v = values[c] ?? '';
      return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(',');
}

export function newHireCsv(rows: number, row: (i: number) => string = (i) => newHireRow(i)): string {
  return [IMPORT_HEADER, ...Array.from({ length: rows }, (_, i) => row(i + 1))].join('\n') + '\n';
}
