import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@octopod/config';
import { thrownBy } from '@octopod/testing';
import { parseConfig } from './config';

const ssl = { caCert: '/pki/ca.pem', clientCert: '/pki/pi-1.pem', clientKey: '/pki/pi-1.key' };

function issuesOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  return thrownBy(() => parseConfig(raw, env), ConfigError).issues;
}

describe('parseConfig', () => {
  it('fills the documented defaults', () => {
    const config = parseConfig({ name: 'pi-1', ssl });
    expect(config.httpsNameServer).toEqual({ enable: true, host: '127.0.0.1', port: 3455, httpPort: 3456 });
    expect(config.brain).toEqual({ name: 'brain', ip: '127.0.0.1', port: 3457 });
    expect(config.heartbeat).toEqual({ reconnectInterval: 1, reconnectMax: 30 });
    expect(config.logger).toEqual({
      path: '/var/octopoda/tentacle/log',
      namePrefix: 'tentacle',
      rollDays: 7,
      level: 'info',
    });
    expect(config.workspace).toEqual({
      root: '/var/octopoda/tentacle/workspace',
      store: '/var/octopoda/tentacle/FSTORE',
    });
    expect(config.env).toEqual([]);
    expect(config.state).toEqual({ dir: '/var/octopoda/tentacle/workspace/.octopod' });
    expect(config.pakma).toEqual({ root: '/var/octopoda/tentacle/pakma', port: 3450 });
  });

  it('keeps the task state in the workspace unless state.dir or TENTACLE_STATE_DIR says otherwise', () => {
    expect(parseConfig({ ssl, workspace: { root: '/ws' } }).state.dir).toBe('/ws/.octopod');
    expect(parseConfig({ ssl, state: { dir: '/var/lib/octopod' } }).state.dir).toBe('/var/lib/octopod');
    expect(parseConfig({ ssl }, { TENTACLE_STATE_DIR: '/srv/state' }).state.dir).toBe('/srv/state');
    expect(issuesOf({ ssl, state: { dir: '' } })).toEqual([expect.stringMatching(/state\.dir/)]);
  });

  it('allows absolute file paths unless files.allowAbsolutePaths or TENTACLE_FILES_ALLOW_ABSOLUTE says no', () => {
    expect(parseConfig({ ssl }).files).toEqual({ allowAbsolutePaths: true });
    expect(parseConfig({ ssl, files: { allowAbsolutePaths: false } }).files.allowAbsolutePaths).toBe(false);
    expect(parseConfig({ ssl }, { TENTACLE_FILES_ALLOW_ABSOLUTE: 'false' }).files.allowAbsolutePaths).toBe(
      false,
    );
    expect(issuesOf({ ssl, files: { allowAbsolutePaths: 'maybe' } })).toEqual([
      expect.stringMatching(/files\.allowAbsolutePaths/),
    ]);
  });

  it('defaults the name to a valid node name', () => {
    const config = parseConfig({ ssl });
    expect(config.name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
  });

  it('derives the name server HTTP port from its port unless given', () => {
    expect(parseConfig({ ssl, httpsNameServer: { port: 4000 } }).httpsNameServer.httpPort).toBe(4001);
    expect(
      parseConfig({ ssl, httpsNameServer: { port: 4000, httpPort: 5000 } }).httpsNameServer.httpPort,
    ).toBe(5000);
  });

  it('reads an Octopoda-style tentacle.yaml, ignoring fields it does not use', () => {
    const config = parseConfig({
      name: 'pi-1',
      netDevice: 'eth0',
      httpsNameServer: { enable: false, host: '10.0.0.1', port: 3455, requestInterval: 1 },
      brain: { name: 'b', ip: '10.0.0.2', port: 4000, heartbeatPort: 3456, messagePort: 3457 },
      heartbeat: { sendInterval: 1, reconnectInterval: 5, retryTime: 6, reconnectMax: 60 },
      logger: { path: '', namePrefix: 'x', rollDays: 3 },
      env: [{ key: 'A', value: 1 }],
      ssl,
    });
    expect(config.httpsNameServer.enable).toBe(false);
    expect(config.brain).toEqual({ name: 'b', ip: '10.0.0.2', port: 4000 });
    expect(config.heartbeat).toEqual({ reconnectInterval: 5, reconnectMax: 60 });
    expect(config.logger).toMatchObject({ path: '', namePrefix: 'x', rollDays: 3 });
    expect(config.env).toEqual([{ key: 'A', value: '1' }]);
  });

  it('takes the log file prefix and retention from logger or TENTACLE_LOG_* variables', () => {
    const env = { TENTACLE_LOG_NAME_PREFIX: 'agent', TENTACLE_LOG_ROLL_DAYS: '14' };
    expect(parseConfig({ ssl, logger: { namePrefix: 'x', rollDays: 3 } }, env).logger).toMatchObject({
      namePrefix: 'agent',
      rollDays: 14,
    });
    expect(issuesOf({ ssl, logger: { rollDays: 1.5 } })).toEqual([
      expect.stringMatching(/^logger\.rollDays: /),
    ]);
    expect(issuesOf({ ssl, logger: { rollDays: -1 } })).toEqual([
      expect.stringMatching(/^logger\.rollDays: /),
    ]);
  });

  it('makes relative paths absolute', () => {
    const config = parseConfig({
      ssl: { caCert: 'ca.pem', clientCert: 'a.pem', clientKey: 'a.key' },
      workspace: { root: 'ws' },
    });
    expect(isAbsolute(config.ssl.caCert)).toBe(true);
    expect(isAbsolute(config.workspace.root)).toBe(true);
  });

  it('lets TENTACLE_* variables override the file, coercing numbers and booleans', () => {
    const config = parseConfig(
      { name: 'from-file', ssl, brain: { port: 1 } },
      {
        TENTACLE_NAME: 'from-env',
        TENTACLE_BRAIN_PORT: '4567',
        TENTACLE_NS_ENABLE: 'false',
        TENTACLE_RECONNECT_INTERVAL: '0.5',
        TENTACLE_LOG_LEVEL: 'debug',
        TENTACLE_CA_CERT: '/other/ca.pem',
      },
    );
    expect(config.name).toBe('from-env');
    expect(config.brain.port).toBe(4567);
    expect(config.httpsNameServer.enable).toBe(false);
    expect(config.heartbeat.reconnectInterval).toBe(0.5);
    expect(config.logger.level).toBe('debug');
    expect(config.ssl.caCert).toBe('/other/ca.pem');
  });

  it('takes ssl entirely from the environment', () => {
    const config = parseConfig(undefined, {
      TENTACLE_CA_CERT: '/a/ca.pem',
      TENTACLE_CLIENT_CERT: '/a/n.pem',
      TENTACLE_CLIENT_KEY: '/a/n.key',
    });
    expect(config.ssl).toEqual({ caCert: '/a/ca.pem', clientCert: '/a/n.pem', clientKey: '/a/n.key' });
  });

  it('names every bad field in one error', () => {
    const issues = issuesOf({
      name: 'bad name!',
      brain: { port: 70000 },
      heartbeat: { reconnectInterval: 'soon' },
      logger: { level: 'loud' },
    });
    expect(issues).toEqual([
      expect.stringMatching(/^name: /),
      expect.stringMatching(/^brain\.port: /),
      expect.stringMatching(/^heartbeat\.reconnectInterval: /),
      expect.stringMatching(/^logger\.level: /),
      'ssl: is required',
    ]);
  });

  it('reports missing ssl files one by one', () => {
    expect(issuesOf({ ssl: { caCert: 'ca.pem' } })).toEqual([
      'ssl.clientCert: is required',
      'ssl.clientKey: is required',
    ]);
  });

  it('refuses a backoff cap below its base', () => {
    expect(issuesOf({ ssl, heartbeat: { reconnectInterval: 10, reconnectMax: 5 } })).toEqual([
      'heartbeat.reconnectMax: reconnectMax must be >= reconnectInterval',
    ]);
  });

  it('refuses a document that is not a mapping', () => {
    expect(issuesOf(['a'])).toEqual(['(root): the config file must be a YAML mapping']);
  });

  it('refuses a bad env value with the field it overrides', () => {
    expect(issuesOf({ ssl }, { TENTACLE_NS_ENABLE: 'maybe' })).toEqual([
      expect.stringMatching(/^httpsNameServer\.enable: /),
    ]);
  });
});
