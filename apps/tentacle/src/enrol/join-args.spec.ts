import { describe, expect, it } from 'vitest';
import { parseJoinArgs } from './join-args';

const TOKEN = 'octopod-join1.x.y.z';

describe('tentacle join arguments', () => {
  it('takes a name server and brain name, a config and --no-start', () => {
    expect(
      parseJoinArgs([
        '--nameserver',
        '10.0.0.1:3455',
        '--brain',
        'lab',
        '--token',
        TOKEN,
        '-c',
        't.yaml',
        '--no-start',
      ]),
    ).toEqual({
      config: 't.yaml',
      start: false,
      options: { token: TOKEN, nameServer: { host: '10.0.0.1', port: 3455 }, brainName: 'lab' },
    });
  });

  it('takes the brain API address directly, --flag=value forms and a token file', () => {
    const parsed = parseJoinArgs(
      ['--brain-addr=[::1]:12345', '--token-file', 'tok', '--force'],
      () => `${TOKEN}\n`,
    );
    expect(parsed.options).toEqual({ token: TOKEN, brainAddr: { host: '::1', port: 12345 }, force: true });
    expect(parsed.start).toBe(true);
  });

  it('takes the name server plain-HTTP port when it is not the HTTPS port + 1', () => {
    const parsed = parseJoinArgs([
      '--token',
      TOKEN,
      '--nameserver',
      'ns:443',
      '--nameserver-http-port',
      '8080',
    ]);
    expect(parsed.options.nameServer).toEqual({ host: 'ns', port: 443, httpPort: 8080 });
  });

  it.each([
    [[], /give the join token/],
    [['--token'], /--token: needs a value/],
    [['--token', TOKEN, '--brain-addr', 'nope'], /--brain-addr: expected host:port/],
    [['--token', TOKEN, '--brain-addr', 'a:1', '--nameserver', 'b:2'], /either --brain-addr or --nameserver/],
    [['--token', TOKEN, '--nameserver-http-port', '80'], /needs --nameserver/],
    [['--token', TOKEN, '--bogus'], /unknown argument "--bogus"/],
  ])('refuses %j', (argv, reason) => {
    expect(() => parseJoinArgs(argv)).toThrow(reason);
  });

  it('answers --help without a token', () => {
    expect(parseJoinArgs(['--help']).help).toBe(true);
  });
});
