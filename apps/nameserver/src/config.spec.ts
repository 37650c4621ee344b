import { describe, expect, it } from 'vitest';
import { ConfigError } from '@octopod/config';
import { thrownBy } from '@octopod/testing';
import { parseConfig } from './config';

const ssl = { caCert: 'ca.pem', serverCert: 'ns.pem', serverKey: 'ns.key' };

function issuesOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  return thrownBy(() => parseConfig(raw, env), ConfigError).issues;
}

describe('parseConfig', () => {
  it('applies Octopoda defaults (db 2, HTTP port = servePort + 1)', () => {
    const config = parseConfig({ ssl });
    expect(config).toMatchObject({
      servePort: 3455,
      httpPort: 3456,
      netDevice: '',
      redis: { ip: '127.0.0.1', port: 6379, password: '', db: 2, keyPrefix: '' },
      staticDir: [],
      logger: { path: '', namePrefix: 'nameserver', level: 'info' },
    });
    expect(config.ip).toBeUndefined();
  });

  it('reads an Octopoda httpns.yaml (unknown keys like rollDays are ignored)', () => {
    const config = parseConfig({
      netDevice: '',
      servePort: 4000,
      redis: { ip: '10.0.0.5', port: 6380, password: 'pw', db: 3 },
      logger: { path: '/var/log/ns', namePrefix: 'log', rollDays: 3 },
      ssl,
      staticDir: [{ url: '/release', dir: '/var/octopoda/release' }],
    });
    expect(config.httpPort).toBe(4001);
    expect(config.redis).toMatchObject({ ip: '10.0.0.5', port: 6380, password: 'pw', db: 3 });
    expect(config.staticDir).toEqual([{ url: '/release', dir: '/var/octopoda/release' }]);
  });

  it('lets env override the file', () => {
    const config = parseConfig(
      { servePort: 1000, ssl },
      {
        NAMESERVER_SERVE_PORT: '5000',
        NAMESERVER_HTTP_PORT: '6000',
        NAMESERVER_IP: '127.0.0.1',
        REDIS_URL: 'redis://127.0.0.1:6379/4',
        NAMESERVER_KEY_PREFIX: 'test:',
        NAMESERVER_LOG_LEVEL: 'debug',
      },
    );
    expect(config).toMatchObject({ servePort: 5000, httpPort: 6000, ip: '127.0.0.1' });
    expect(config.redis).toMatchObject({ url: 'redis://127.0.0.1:6379/4', keyPrefix: 'test:' });
    expect(config.logger.level).toBe('debug');
  });

  it('takes ssl paths from env alone', () => {
    const config = parseConfig(
      {},
      { NAMESERVER_CA_CERT: 'a', NAMESERVER_SERVER_CERT: 'b', NAMESERVER_SERVER_KEY: 'c' },
    );
    expect(config.ssl).toEqual({ caCert: 'a', serverCert: 'b', serverKey: 'c' });
  });

  it('keeps port 0 (OS-chosen) for both listeners', () => {
    expect(parseConfig({ servePort: 0, ssl })).toMatchObject({ servePort: 0, httpPort: 0 });
  });

  it('names every bad field, once each', () => {
    expect(
      issuesOf({
        servePort: 70000,
        redis: { db: -1, url: 'http://x' },
        ssl: { caCert: '' },
        staticDir: [{ url: 'release', dir: '/x' }],
        logger: { level: 'loud' },
      }),
    ).toEqual([
      'servePort: must be a port number (0-65535)',
      'redis.url: must be a redis:// or rediss:// URL',
      'redis.db: Too small: expected number to be >=0',
      'ssl.caCert: must not be empty',
      'ssl.serverCert: is required',
      'ssl.serverKey: is required',
      'staticDir.0.url: must start with /',
      'logger.level: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
    ]);
  });

  it('reports a missing ssl section as required', () => {
    expect(issuesOf({})).toEqual(['ssl: is required']);
  });

  it('says which env var carried a bad value', () => {
    expect(issuesOf({ ssl }, { NAMESERVER_SERVE_PORT: 'abc' })).toEqual([
      'servePort: must be a port number (0-65535) (from NAMESERVER_SERVE_PORT)',
    ]);
  });

  it('refuses an HTTP port equal to the HTTPS port', () => {
    expect(issuesOf({ servePort: 4000, httpPort: 4000, ssl })).toEqual([
      'httpPort: must differ from servePort',
    ]);
  });

  it('refuses a document that is not a mapping', () => {
    expect(issuesOf(['a'])).toEqual(['(root): the config file must be a YAML mapping']);
  });

  it('accepts its own output again (startNameServer re-validates)', () => {
    const config = parseConfig({ servePort: 4000, ssl, staticDir: [{ url: '/r', dir: '/d' }] });
    expect(parseConfig(config)).toEqual(config);
  });
});
