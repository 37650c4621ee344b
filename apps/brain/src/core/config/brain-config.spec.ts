import { describe, expect, it } from 'vitest';
import { ConfigError } from '@octopod/config';
import { advertisedAddress, parseBrainConfig } from './brain-config';

const minimal = {
  database: { url: 'postgresql://u@h/db' },
  ssl: { caCert: 'ca.pem', serverCert: 's.pem', serverKey: 's.key' },
  workgroup: { rootPassword: 'secret123' },
};

describe('brain config', () => {
  it('fills Octopoda-like defaults, in seconds', () => {
    const config = parseBrainConfig(minimal);
    expect(config.name).toBe('brain');
    expect(config.octlFace.port).toBe(12345);
    expect(config.tentacleFace).toMatchObject({
      port: 3457,
      heartbeatInterval: 1,
      activeTimeout: 3,
      recordTimeout: 10,
    });
    expect(config.httpsNameServer).toMatchObject({ enable: false, port: 3455, requestInterval: 1 });
  });

  it('lets the environment override the file', () => {
    const config = parseBrainConfig(minimal, {
      DATABASE_URL: 'postgresql://other/db',
      BRAIN_API_PORT: '9000',
      BRAIN_ROOT_PASSWORD: 'from-env-pw',
    });
    expect(config.database.url).toBe('postgresql://other/db');
    expect(config.octlFace.port).toBe(9000);
    expect(config.workgroup.rootPassword).toBe('from-env-pw');
  });

  it("keeps logs on stdout only by default; BRAIN_LOG_* set Octopoda's daily files", () => {
    expect(parseBrainConfig(minimal).logger).toMatchObject({ path: '', namePrefix: 'brain', rollDays: 7 });
    const config = parseBrainConfig(minimal, {
      BRAIN_LOG_PATH: '/var/log/octopod',
      BRAIN_LOG_ROLL_DAYS: '3',
    });
    expect(config.logger).toMatchObject({ path: '/var/log/octopod', rollDays: 3 });
  });

  it('names every bad field in one readable error', () => {
    try {
      parseBrainConfig({ workgroup: { rootPassword: 'abc' }, octlFace: { port: 'x' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const text = (error as ConfigError).message;
      expect(text).toMatch(/database/);
      expect(text).toMatch(/ssl/);
      expect(text).toMatch(/workgroup\.rootPassword: .*6 characters/);
      expect(text).toMatch(/octlFace\.port/);
    }
  });

  it('advertises loopback for a wildcard bind and an explicit address when given', () => {
    expect(advertisedAddress({ ip: '0.0.0.0' }, 1234)).toBe('127.0.0.1:1234');
    expect(advertisedAddress({ ip: '0.0.0.0', advertiseIp: '10.0.0.1' }, 1234)).toBe('10.0.0.1:1234');
    expect(advertisedAddress({ ip: '192.168.1.2' }, 80)).toBe('192.168.1.2:80');
  });
});
