import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { filesRoots } from './file-roots';

const ssl = { caCert: '/pki/ca.pem', clientCert: '/pki/pi-1.pem', clientKey: '/pki/pi-1.key' };

describe('filesRoots', () => {
  it('maps the path variables to the configured directories, @root to the home directory', () => {
    const config = parseConfig({
      ssl,
      workspace: { root: '/ws', store: '/store' },
      logger: { path: '/logs' },
      pakma: { root: '/pakma' },
    });
    expect(filesRoots(config, '/home/octopod')).toEqual({
      root: '/home/octopod',
      workspace: '/ws',
      fstore: '/store',
      log: '/logs',
      pakma: '/pakma',
      home: '/home/octopod',
    });
  });

  it('takes @log as the workspace when logs go to stdout only', () => {
    const config = parseConfig({ ssl, workspace: { root: '/ws' }, logger: { path: '' } });
    expect(filesRoots(config, '/root').log).toBe('/ws');
  });
});
