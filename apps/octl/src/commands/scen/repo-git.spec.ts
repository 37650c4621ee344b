import { describe, expect, it } from 'vitest';
import type { GitServer } from '../../config';
import { describeFailure, gitEnv, GitFailure, redact, repoUrl } from './repo-git';

const server: GitServer = {
  serveUrl: 'http://gogs:3000',
  username: 'ann',
  password: 'hunter22',
  file: '/etc/octl/octl.yaml',
};
const TOKEN = Buffer.from('ann:hunter22').toString('base64');
const URL = 'http://gogs:3000/ann/demo.git';

const messageFor = (stderr: string, on: GitServer = server): string =>
  describeFailure(new GitFailure(['push', 'origin'], stderr), 'push demo', URL, on).message;

describe('repoUrl', () => {
  it('is <serveUrl>/<user>/<scen>.git, without credentials', () => {
    expect(repoUrl(server, 'bob', 'demo')).toBe('http://gogs:3000/bob/demo.git');
  });
});

describe('gitEnv', () => {
  it('shuts out user and system config, prompts and the caller’s GIT_ variables but TLS ones', () => {
    const env = gitEnv(undefined, {
      PATH: '/bin',
      GIT_DIR: '/elsewhere',
      GIT_ASKPASS: '/bin/ask',
      SSH_ASKPASS: '/bin/ask',
      GIT_SSL_CAINFO: '/ca.pem',
    });
    expect(env).toEqual({
      PATH: '/bin',
      GIT_SSL_CAINFO: '/ca.pem',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
    });
  });

  it('sends the credentials as a basic header for URLs under serveUrl only, through the environment', () => {
    expect(gitEnv(server, {})).toMatchObject({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.http://gogs:3000/.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${TOKEN}`,
    });
    expect(gitEnv({ ...server, username: '', password: '' }, {})).not.toHaveProperty('GIT_CONFIG_COUNT');
  });
});

describe('describeFailure', () => {
  it('tells refused credentials from missing ones', () => {
    const refused = "fatal: could not read Username for 'http://gogs:3000': terminal prompts disabled";
    expect(messageFor(refused)).toBe(
      'cannot push demo: the git server refused user "ann": check git.username and git.password in /etc/octl/octl.yaml',
    );
    expect(messageFor(refused, { ...server, username: '', password: '' })).toBe(
      'cannot push demo: the git server wants credentials: set git.username and git.password in /etc/octl/octl.yaml',
    );
  });

  it('names a missing repository, an unreachable server and a rejected push', () => {
    expect(messageFor("fatal: repository 'http://gogs:3000/ann/demo.git/' not found")).toBe(
      `cannot push demo: repository ${URL} does not exist on the git server (create it there first)`,
    );
    expect(
      messageFor(
        "fatal: unable to access 'http://gogs:3000/ann/demo.git/': Failed to connect to gogs port 3000",
      ),
    ).toBe(
      "cannot push demo: cannot reach the git server at http://gogs:3000: fatal: unable to access 'http://gogs:3000/ann/demo.git/': Failed to connect to gogs port 3000",
    );
    expect(
      messageFor(' ! [rejected]        HEAD -> main (fetch first)\nerror: failed to push some refs'),
    ).toMatch(/^cannot push demo: the server has commits this folder lacks/);
  });

  it('otherwise gives git’s fatal or error line', () => {
    expect(messageFor('hint: something\nfatal: bad thing happened\nhint: more')).toBe(
      'cannot push demo: git push: fatal: bad thing happened',
    );
    expect(messageFor('')).toBe('cannot push demo: git push: no message');
  });

  it('never lets the password or its token through', () => {
    expect(messageFor(`fatal: weird ${server.password} and ${TOKEN}`)).toBe(
      'cannot push demo: git push: fatal: weird *** and ***',
    );
    expect(redact('nothing secret', { ...server, password: '' })).toBe('nothing secret');
  });
});
