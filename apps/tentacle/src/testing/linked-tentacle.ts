import { makeTempDir, makeTestPki, type TestPki } from '@octopod/testing';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { parseConfig } from '../config';
import { createLogger } from '../logging';
import { startTentacle, type TentacleHandle } from '../tentacle';
import { captureLogger } from './capture-logger';
import { FakeBrain, type FakeBrainOptions } from './fake-brain';

/** What a spec file sets up once: its temp dir, its PKI (a `brain` server and a `pi-1` client), its clean-ups. */
export interface LinkWorld {
  dir: string;
  pki: TestPki;
  brainCert: { certPath: string; keyPath: string };
  cleanups: (() => Promise<unknown> | unknown)[];
}

let count = 0;

type BrainOptions = Omit<FakeBrainOptions, 'ca' | 'cert' | 'key'>;

/** A fake brain serving the world's `brain` certificate, closed by the world's clean-ups. */
export async function worldBrain(world: LinkWorld, options: BrainOptions = {}): Promise<FakeBrain> {
  const brain = await FakeBrain.fromFiles({ caPath: world.pki.caPath, ...world.brainCert }, options);
  world.cleanups.push(() => brain.close());
  return brain;
}

/**
 * A real tentacle (startTentacle) named pi-1, linked over mTLS to a fake brain, in a fresh directory of the
 * world; both are closed by the world's clean-ups. `config` adds to the tentacle's config. It logs into an
 * array, or, when `config.logger.path` is set, into daily log files as `main` does.
 */
export async function linkedTentacle(
  world: LinkWorld,
  options: { brain?: BrainOptions; config?: Record<string, unknown> } = {},
) {
  const { pki, cleanups } = world;
  // Quick enough for clock estimates within a test, and three missed beats (750 ms) survive a loaded machine.
  const brain = await worldBrain(world, { heartbeatIntervalMs: 250, ...options.brain });
  const dir = join(world.dir, `t${++count}`);
  const config = parseConfig({
    name: 'pi-1',
    httpsNameServer: { enable: false },
    brain: { name: 'brain', ip: '127.0.0.1', port: brain.port },
    heartbeat: { reconnectInterval: 0.05, reconnectMax: 0.2 },
    logger: { path: '', level: 'debug' },
    workspace: { root: join(dir, 'workspace'), store: join(dir, 'FSTORE') },
    ssl: { caCert: pki.caPath, clientCert: join(pki.dir, 'pi-1.pem'), clientKey: join(pki.dir, 'pi-1.key') },
    ...options.config,
  });
  const files = config.logger.path
    ? createLogger(config.logger, { name: config.name }, { stdout: false })
    : undefined;
  if (files) cleanups.push(() => files.close());
  const tentacle: TentacleHandle = startTentacle(config, { logger: files?.logger ?? captureLogger().logger });
  cleanups.push(() => tentacle.stop());
  const connection = await brain.nextConnection();
  await new Promise((resolve) => tentacle.events.once('ready', resolve));
  return { brain, tentacle, connection, dir, config };
}

/**
 * The world of one spec file, made before its tests and removed after them; each test's clean-ups run after it.
 * Call at the top of the file: the fields are filled in once `beforeAll` has run.
 */
export function useLinkWorld(prefix: string): LinkWorld {
  const world = { cleanups: [] as LinkWorld['cleanups'] } as LinkWorld;
  let temp: ReturnType<typeof makeTempDir> | undefined;
  beforeAll(() => {
    temp = makeTempDir(prefix);
    world.dir = temp.path;
    world.pki = makeTestPki(join(temp.path, 'pki'));
    world.brainCert = world.pki.server('brain');
    world.pki.client('pi-1');
  });
  afterEach(async () => {
    for (const cleanup of world.cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => temp?.remove());
  return world;
}
