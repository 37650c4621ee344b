import { ProtocolError } from '@octopod/protocol';
import { describe, expect, it } from 'vitest';
import { parseBrainConfig } from '../../core/config/brain-config';
import type { ApiError } from '../../core/http/api-error';
import type { SessionRegistry } from '../sessions/session-registry';
import { LogsService } from './logs.service';

const config = parseBrainConfig({
  database: { url: 'postgresql://u@h/db' },
  ssl: { caCert: 'ca.pem', serverCert: 's.pem', serverKey: 's.key' },
  workgroup: { rootPassword: 'secret123' },
});

/** A registry holding one node, `pi-1`, whose `log.get` does `answer`; `asked` records what it was asked. */
function serviceWith(answer: () => Promise<unknown>) {
  const asked: unknown[] = [];
  const session = {
    request: async (kind: string, body: unknown) => {
      asked.push({ kind, body });
      return { body: await answer() };
    },
  };
  const registry = { get: (name: string) => (name === 'pi-1' ? session : undefined) };
  return { asked, logs: new LogsService(config, registry as unknown as SessionRegistry) };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable(),
    (error: ApiError) => [error.getStatus(), error.code],
  );

describe('LogsService', () => {
  it("asks the node for its tail (0 lines: Octopoda's 30) and answers what it read", async () => {
    const { asked, logs } = serviceWith(async () => ({ lines: ['a', 'b'], maxDaysBefore: 1 }));
    expect(await logs.get('pi-1', 0, 2)).toEqual({ node: 'pi-1', oldestDay: 1, lines: ['a', 'b'] });
    expect(asked).toEqual([{ kind: 'log.get', body: { maxLines: 30, maxDaysBefore: 2 } }]);
  });

  it('maps what went wrong to HTTP errors', async () => {
    const refused = serviceWith(async () => {
      throw new ProtocolError('remote', 'not_found: this node keeps no log files');
    });
    expect(await failure(refused.logs.get('pi-1', 5, 0))).toEqual([404, 'no_logs']);
    expect(await failure(refused.logs.get('pi-9', 5, 0))).toEqual([409, 'node_offline']);
    const broken = serviceWith(async () => {
      throw new ProtocolError('remote', 'internal: disk on fire');
    });
    expect(await failure(broken.logs.get('pi-1', 5, 0))).toEqual([502, 'node_error']);
    const silent = serviceWith(async () => {
      throw new ProtocolError('timeout', 'no reply in 15000 ms');
    });
    expect(await failure(silent.logs.get('pi-1', 5, 0))).toEqual([504, 'node_timeout']);
  });

  it("answers 404 no_logs for the brain when it keeps no files (logger.path '')", async () => {
    const { logs } = serviceWith(async () => ({}));
    expect(await failure(logs.get('brain', 5, 0))).toEqual([404, 'no_logs']);
  });
});
