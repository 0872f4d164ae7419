import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** A throw-away database on the operator's server, created for one run and dropped at its end. */
export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(adminUrl: string, suffix = ''): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(4).toString('hex')}${suffix}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const a = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

const FIRST_NAMES = ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Karen', 'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Donald', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle', 'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Deborah', 'Timothy', 'Stephanie', 'Ronald', 'Rebecca'];
const LAST_NAMES = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson', 'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes', 'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez'];

const sqlArray = (items: string[]) => `array[${items.map((s) => `'${s}'`).join(',')}]`;

/**
 * `count` users in one INSERT … SELECT generate_series, no password hashing: 50 first names × 100
 * last names, usernames `<first initial><last name><i>`, one in four an agent (with an agent ID from
 * the directory's own sequence), site / department / profile spread over the reference data, 2 %
 * deactivated. The reference data must be loaded first.
 */
export async function seedUsers(url: string, count: number): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`
      with f as (select ${sqlArray(FIRST_NAMES)} as a), l as (select ${sqlArray(LAST_NAMES)} as a),
           s as (select array(select key from sites order by key) as a),
           d as (select array(select key from departments order by key) as a),
           p as (select array(select key from profiles order by key) as a)
      insert into users (username, first_name, last_name, phone, email, site_key, department_key, profile_key, user_type, agent_id, status, created_by, password_one_time)
      select lower(left(fn, 1) || ln) || g,
             fn, ln,
             '+1555' || lpad(g::text, 7, '0'),
             lower(fn || '.' || ln || g) || '@example.com',
             s.a[1 + g % cardinality(s.a)], d.a[1 + g % cardinality(d.a)], p.a[1 + g % cardinality(p.a)],
             (case when g % 4 = 0 then 'agent' else 'non_agent' end)::user_type,
             case when g % 4 = 0 then nextval('agent_id_seq') end,
             (case when g % 50 = 0 then 'deactivated' else 'active' end)::user_status,
             'U0SEED', false
      from generate_series(1, ${count}) g, f, l, s, d, p,
           lateral (select f.a[1 + g % 50] as fn, l.a[1 + (g / 50) % 100] as ln) names`);
    // As autovacuum would soon: statistics for the planner, and the GIN indexes' pending lists merged.
    await sql.unsafe('vacuum analyze users');
  } finally {
    await sql.end();
  }
}
