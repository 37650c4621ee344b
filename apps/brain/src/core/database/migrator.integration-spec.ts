import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate, readMigrations, type Migration } from './migrator';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

describe('migration runner (real Postgres)', () => {
  const schema = `mig_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: DATABASE_URL });

  beforeAll(() => client.connect());
  afterAll(async () => {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('applies the shipped migrations once and records them like prisma migrate deploy', async () => {
    const migrations = readMigrations(defaultMigrationsDir());
    expect(migrations.length).toBeGreaterThan(0);
    const first = await migrate(DATABASE_URL, schema, migrations);
    expect(first.applied).toEqual(migrations.map((m) => m.name));
    const second = await migrate(DATABASE_URL, schema, migrations);
    expect(second).toEqual({ applied: [], alreadyApplied: migrations.length });
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "${schema}"."_prisma_migrations"`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    expect(rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].finished_at).not.toBeNull();
    const tables = await client.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
      [schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['node', 'workgroup']));
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const migrations = readMigrations(defaultMigrationsDir());
    const edited: Migration[] = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
    await expect(migrate(DATABASE_URL, schema, edited)).rejects.toThrow(/was modified after it was applied/);
  });

  it('rolls back a failing migration and records nothing for it', async () => {
    const broken: Migration = {
      name: '29990101000000_broken',
      sql: 'CREATE TABLE ok_table (id int); SELECT nope FROM nowhere;',
      checksum: 'a'.repeat(64),
    };
    const migrations = [...readMigrations(defaultMigrationsDir()), broken];
    await expect(migrate(DATABASE_URL, schema, migrations)).rejects.toThrow(/29990101000000_broken failed/);
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'ok_table'`,
      [schema],
    );
    expect(rows[0].n).toBe(0);
  });
});
