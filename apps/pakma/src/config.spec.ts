import { ConfigError } from '@octopod/config';
import { thrownBy } from '@octopod/testing';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, TENTACLE_STATUS_FILE } from './config';

const required = {
  releaseKey: '/etc/octopod/release.pub',
  tls: { ca: '/c/ca.pem', cert: '/c/n.pem', key: '/c/n.key' },
};

describe('parseConfig', () => {
  it('defaults to managing the tentacle on 127.0.0.1:3450', () => {
    expect(parseConfig(required)).toMatchObject({
      app: 'tentacle',
      ip: '127.0.0.1',
      port: 3450,
      root: '/var/octopoda/tentacle/pakma',
      installRoot: '/opt/octopod/tentacle',
      previewDuration: 600,
      healthySeconds: 30,
      restartDelay: 1,
      nameServer: { host: '127.0.0.1', port: 3455, serverName: 'octopoda' },
      restart: ['systemctl', 'restart', 'octopod-tentacle'],
      statusFile: TENTACLE_STATUS_FILE,
      os: process.platform,
      arch: process.arch,
    });
  });

  it('derives per-app defaults and has no status file for another app', () => {
    const config = parseConfig({ ...required, app: 'brain' });
    expect(config).toMatchObject({
      root: '/var/octopoda/brain/pakma',
      restart: ['systemctl', 'restart', 'octopod-brain'],
    });
    expect(config.statusFile).toBeUndefined();
  });

  it('refuses to go without a release key and TLS material', () => {
    expect(thrownBy(() => parseConfig({}), ConfigError).issues).toEqual([
      'releaseKey: is required',
      'tls: is required',
    ]);
  });

  it('takes PAKMA_* overrides and resolves relative paths', () => {
    const config = parseConfig(required, {
      PAKMA_PORT: '4000',
      PAKMA_ROOT: 'state',
      PAKMA_HEALTHY_SECONDS: '0.5',
    });
    expect(config).toMatchObject({ port: 4000, root: resolve('state'), healthySeconds: 0.5 });
    expect(thrownBy(() => parseConfig(required, { PAKMA_PORT: 'x' }), ConfigError).issues[0]).toMatch(
      /^port: .*\(from PAKMA_PORT\)$/,
    );
  });

  it('refuses an empty restart command', () => {
    expect(thrownBy(() => parseConfig({ ...required, restart: [] }), ConfigError).issues).toEqual([
      'restart: must name a command',
    ]);
  });
});
