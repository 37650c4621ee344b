import { describe, expect, it } from 'vitest';
import { findConfigFile, gitServerOf, parseConfig, type ConfigSearch } from './config';
import { OctlError } from './errors';

function search(present: string[], extra: Partial<ConfigSearch> = {}): ConfigSearch {
  return { env: {}, cwd: '/work', home: '/home/ann', exists: (p) => present.includes(p), ...extra };
}

describe('findConfigFile', () => {
  const all = [
    '/work/octl.yaml',
    '/home/ann/.config/octopod/octl.yaml',
    '/etc/octopoda/octl/octl.yaml',
    '/cfg/a.yaml',
    '/cfg/b.yaml',
  ];

  it('takes --config first, then $OCTL_CONFIG, then ./octl.yaml, ~/.config/octopod, /etc/octopoda/octl', () => {
    expect(findConfigFile(search(all, { flag: '/cfg/a.yaml', env: { OCTL_CONFIG: '/cfg/b.yaml' } }))).toBe(
      '/cfg/a.yaml',
    );
    expect(findConfigFile(search(all, { env: { OCTL_CONFIG: '/cfg/b.yaml' } }))).toBe('/cfg/b.yaml');
    expect(findConfigFile(search(all))).toBe('/work/octl.yaml');
    expect(findConfigFile(search(all.slice(1)))).toBe('/home/ann/.config/octopod/octl.yaml');
    expect(findConfigFile(search(all.slice(2)))).toBe('/etc/octopoda/octl/octl.yaml');
  });

  it('resolves a relative --config against the working directory and ignores an empty $OCTL_CONFIG', () => {
    expect(findConfigFile(search(['/work/conf/o.yaml'], { flag: 'conf/o.yaml' }))).toBe('/work/conf/o.yaml');
    expect(findConfigFile(search(all, { env: { OCTL_CONFIG: '' } }))).toBe('/work/octl.yaml');
  });

  it('never falls back when an explicit file is missing', () => {
    expect(() => findConfigFile(search(all, { flag: '/nope.yaml' }))).toThrow(
      'config file /nope.yaml (from --config) does not exist',
    );
    expect(() => findConfigFile(search(all, { env: { OCTL_CONFIG: '/nope.yaml' } }))).toThrow(
      '(from $OCTL_CONFIG)',
    );
  });

  it('lists every place it looked when nothing is found', () => {
    expect(() => findConfigFile(search([]))).toThrow(
      'no octl.yaml found: pass --config <file>, set $OCTL_CONFIG, or create one of /work/octl.yaml, /home/ann/.config/octopod/octl.yaml, /etc/octopoda/octl/octl.yaml',
    );
  });
});

describe('parseConfig', () => {
  it('reads Octopoda field names, applies defaults and resolves paths against the file', () => {
    const config = parseConfig(
      [
        'httpsNameServer: {enable: true, host: 10.0.0.1, port: 3455, requestInterval: 1}',
        'brain: {name: lab, ip: 127.0.0.1, port: 12345, apiPrefix: api/v1}',
        'ssl: {caCert: pki/ca.pem, clientCert: /abs/client.pem, clientKey: pki/client.key}',
        'git: {serveUrl: "http://gogs:3000/", username: ann, password: pw}',
        'workgroup: {root: "", password: pw}',
        'auth: {tokenFile: tokens/lab.json}',
      ].join('\n'),
      '/etc/octl/octl.yaml',
    );
    expect(config).toEqual({
      httpsNameServer: { enable: true, host: '10.0.0.1', port: 3455 },
      brain: { name: 'lab', ip: '127.0.0.1', port: 12345 },
      ssl: {
        caCert: '/etc/octl/pki/ca.pem',
        clientCert: '/abs/client.pem',
        clientKey: '/etc/octl/pki/client.key',
      },
      workgroup: { root: '', password: 'pw' },
      auth: { tokenFile: '/etc/octl/tokens/lab.json' },
      git: { serveUrl: 'http://gogs:3000', username: 'ann', password: 'pw' },
      file: '/etc/octl/octl.yaml',
    });
  });

  it('defaults to dialling brain.ip:port when the name-server section is absent', () => {
    const config = parseConfig('ssl: {caCert: /ca.pem}', '/x/octl.yaml');
    expect(config.httpsNameServer.enable).toBe(false);
    expect(config.brain).toEqual({ name: 'brain', ip: '127.0.0.1', port: 12345 });
  });

  it('names every bad field in one message', () => {
    const bad = () => parseConfig('brain: {port: "12345x"}\nhttpsNameServer: {port: 70000}', '/x/octl.yaml');
    expect(bad).toThrow(OctlError);
    expect(bad).toThrow(
      /^bad config \/x\/octl\.yaml: .*httpsNameServer\.port: .*; brain\.port: expected number.*; ssl: is required$/,
    );
  });

  it('leaves the git section empty when absent, and refuses a serveUrl that is no plain http(s) URL', () => {
    expect(parseConfig('ssl: {caCert: /ca.pem}', '/x/octl.yaml').git).toEqual({
      serveUrl: '',
      username: '',
      password: '',
    });
    for (const url of ['gogs:3000', 'ftp://gogs/', 'http://ann:secret@gogs:3000', 'http://gogs/?a=1']) {
      const bad = () => parseConfig(`ssl: {caCert: /ca.pem}\ngit: {serveUrl: "${url}"}`, '/x/octl.yaml');
      expect(bad).toThrow(
        'bad config /x/octl.yaml: git.serveUrl: must be an http:// or https:// URL without credentials or query',
      );
    }
    expect(() => parseConfig('ssl: {caCert: /ca.pem}\ngit: {password: 123456}', '/x/octl.yaml')).toThrow(
      'bad config /x/octl.yaml: git.password: expected string, received number',
    );
  });

  it('reports YAML syntax errors with the file name', () => {
    expect(() => parseConfig('ssl: [', '/x/octl.yaml')).toThrow(/^cannot parse \/x\/octl\.yaml: /);
  });
});

describe('gitServerOf', () => {
  it('gives the git section with the file it came from', () => {
    const config = parseConfig(
      'ssl: {caCert: /ca.pem}\ngit: {serveUrl: "https://git.lab/gogs", username: ann, password: pw}',
      '/x/octl.yaml',
    );
    expect(gitServerOf(config)).toEqual({
      serveUrl: 'https://git.lab/gogs',
      username: 'ann',
      password: 'pw',
      file: '/x/octl.yaml',
    });
  });

  it('names the file when serveUrl is missing', () => {
    const config = parseConfig('ssl: {caCert: /ca.pem}\ngit: {username: ann}', '/x/octl.yaml');
    expect(() => gitServerOf(config)).toThrow(new OctlError('git.serveUrl is not set in /x/octl.yaml'));
  });
});
