import { waitFor } from '@octopod/testing';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitDatabaseUrl } from '../../core/database/database-url';
import { startTestBrain, TIGHT_LIVENESS, type TestBrain } from '../../../test/brain-harness';

/** Presence must stay true to the connections, whatever happens to the rows underneath. */
describe('node presence (real Postgres, Redis, sockets)', () => {
  let t: TestBrain;
  let db: Client;
  const row = async (name: string) =>
    (await db.query('SELECT state, connected, holder FROM node WHERE name = $1', [name])).rows[0] as
      { state: string; connected: boolean; holder: string | null } | undefined;

  beforeAll(async () => {
    t = await startTestBrain(TIGHT_LIVENESS);
    for (const name of ['q1', 'q2', 'brain']) t.pki.client(name);
    const { connectionString, schema } = splitDatabaseUrl(t.config.database.url);
    db = new Client({ connectionString, options: `-c search_path="${schema}"` });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.stop();
  });

  it('takes back a live node that was wrongly released as an orphan', async () => {
    const tentacle = t.tentacle('q1');
    await tentacle.join();
    await waitFor(async () => (await row('q1'))?.connected);
    // What a sweep does when it believes this brain vanished.
    await db.query("UPDATE node SET connected = false, holder = NULL, state = 'unstable' WHERE name = 'q1'");
    const healed = await waitFor(
      async () => {
        const now = await row('q1');
        return now?.connected && now.state === 'online' ? now : undefined;
      },
      { what: 'q1 taken back' },
    );
    expect(healed.holder).toMatch(/^[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
    await tentacle.close();
    await waitFor(async () => (await row('q1'))?.connected === false, { what: 'q1 let go after close' });
  });

  it('refuses a node that calls itself "brain"', async () => {
    const impostor = t.tentacle('brain');
    await expect(impostor.join()).rejects.toThrow(/reserved_name/);
    expect(await row('brain')).toBeUndefined();
  });

  it('lets go of every held node when the brain shuts down', async () => {
    await t.tentacle('q2').join();
    await waitFor(async () => (await row('q2'))?.connected);
    await t.brain.close();
    expect(await row('q2')).toMatchObject({ connected: false, holder: null, state: 'unstable' });
  });
});
