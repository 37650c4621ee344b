import { describe, expect, it } from 'vitest';
import { asDir, buildEnvironment, octopodaVariables, type OctopodaPaths } from './environment';

const paths: OctopodaPaths = {
  nodeName: 'pi-1',
  workspaceRoot: '/srv/ws',
  store: '/srv/FSTORE/',
  logPath: '',
  pakmaRoot: '/srv/pakma',
};

describe('octopodaVariables', () => {
  it('sets what Octopoda sets for a command, directories with their trailing slash', () => {
    expect(octopodaVariables(paths)).toEqual({
      OCTOPODA_NODENAME: 'pi-1',
      OCTOPODA_CURRENTDIR: '/srv/ws/',
      OCTOPODA_FILENAME: 'NONE',
      OCTOPODA_OUTPUT: 'NONE',
      OCTOPODA_ROOT: '/root/',
      OCTOPODA_WORKSPACE: '/srv/ws/',
      OCTOPODA_FSTORE: '/srv/FSTORE/',
      OCTOPODA_LOG: '',
      OCTOPODA_PAKMA: '/srv/pakma/',
    });
  });

  it('points a script at its own directory, file and output file', () => {
    const vars = octopodaVariables(paths, {
      dir: '/srv/ws/scripts',
      name: 'run.sh',
      outputPath: '/srv/ws/scripts/i1-run.sh.output',
    });
    expect(vars).toMatchObject({
      OCTOPODA_CURRENTDIR: '/srv/ws/scripts/',
      OCTOPODA_FILENAME: 'run.sh',
      OCTOPODA_OUTPUT: '/srv/ws/scripts/i1-run.sh.output',
      OCTOPODA_WORKSPACE: '/srv/ws/',
    });
  });

  it("runs a nodeapp's script in the nodeapp: its app, scenario and directory", () => {
    const vars = octopodaVariables(
      paths,
      { dir: '/srv/ws/scripts', name: 'start.sh', outputPath: '/srv/ws/scripts/i1-start.sh.output' },
      { app: 'web', scenario: 'demo', dir: '/srv/ws/web@demo' },
    );
    expect(vars).toMatchObject({
      OCTOPODA_APP: 'web',
      OCTOPODA_SCENARIO: 'demo',
      OCTOPODA_CURRENTDIR: '/srv/ws/web@demo/',
      OCTOPODA_FILENAME: 'start.sh',
      OCTOPODA_WORKSPACE: '/srv/ws/',
    });
    expect(octopodaVariables(paths)).not.toHaveProperty('OCTOPODA_APP');
  });

  it('asDir adds one slash, never two, and leaves an empty path empty', () => {
    expect([asDir('/a'), asDir('/a/'), asDir('')]).toEqual(['/a/', '/a/', '']);
  });
});

describe('buildEnvironment', () => {
  it('layers tentacle env, Octopoda variables, configured pairs, then the task env', () => {
    const env = buildEnvironment(
      { PATH: '/bin', HOME: '/root', GONE: undefined, OCTOPODA_NODENAME: 'stale' },
      { OCTOPODA_NODENAME: 'pi-1', OCTOPODA_OUTPUT: 'NONE' },
      [
        { key: 'LAB', value: 'config' },
        { key: 'HOME', value: '/home/lab' },
      ],
      { LAB: 'task', EXTRA: '1' },
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/home/lab',
      OCTOPODA_NODENAME: 'pi-1',
      OCTOPODA_OUTPUT: 'NONE',
      LAB: 'task',
      EXTRA: '1',
    });
    expect('GONE' in env).toBe(false);
  });
});
