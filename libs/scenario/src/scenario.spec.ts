import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandNodes } from './aliases';
import { ScenarioError, type ScenarioIssue } from './issues';
import { loadScenario } from './load';
import { planTarget } from './plan';

const TARGETS = ['prepare', 'start', 'stop', 'purge'];

/** A scenario folder: apps with scripts and sources, deployment.yaml as given. */
async function folder(dir: string, deployment: string, options: { alias?: string; apps?: string[] } = {}) {
  for (const app of options.apps ?? ['a', 'b']) {
    await mkdir(join(dir, app, 'scripts'), { recursive: true });
    await mkdir(join(dir, app, 'src'), { recursive: true });
    for (const target of [...TARGETS, 'greet']) {
      await writeFile(join(dir, app, 'scripts', `${target}.sh`), `echo ${target}\n`);
      await chmod(join(dir, app, 'scripts', `${target}.sh`), 0o755);
    }
  }
  await writeFile(join(dir, 'deployment.yaml'), deployment);
  if (options.alias !== undefined) await writeFile(join(dir, 'alias.yaml'), options.alias);
}

function app(name: string, extra = '', scripts = TARGETS.map((t, i) => ({ t, order: i + 1 }))) {
  return `  - name: ${name}
    description: the ${name} app
    scriptpath: ${name}/scripts/
    sourcepath: ${name}/src/
    nodes: ['n1', '@pair']
    script:
${scripts.map(({ t, order }) => `      - {target: ${t}, file: ${t}.sh, order: ${order}}`).join('\n')}
${extra ? `${extra}\n` : ''}`;
}

const header = 'name: demo\ndescription: a demo\napplications:\n';

async function issuesOf(dir: string): Promise<ScenarioIssue[]> {
  try {
    await loadScenario(dir);
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error('expected the scenario to be refused');
}

describe('loadScenario', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'octopod-scen-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads a valid folder: apps, scripts with orders, aliases expanded, depends_on and env', async () => {
    await folder(
      dir,
      header + app('a', '    env: {MODE: fast, LEVEL: 3}') + app('b', '    depends_on: [a]'),
      {
        alias: 'pair: [n2, "@single"]\nsingle: [n3, n1]\n',
      },
    );
    const scenario = await loadScenario(dir);
    expect(scenario.name).toBe('demo');
    expect(scenario.applications.map((a) => a.name)).toEqual(['a', 'b']);
    const [a, b] = scenario.applications;
    expect(a.nodes).toEqual(['n1', 'n2', 'n3']);
    expect(a.scripts[1]).toEqual({ target: 'start', file: 'a/scripts/start.sh', order: 2 });
    expect(a.env).toEqual({ MODE: 'fast', LEVEL: '3' });
    expect(b.dependsOn).toEqual(['a']);
    expect(a.sourcepath).toBe('a/src');
  });

  it('names file, line and field for every problem at once', async () => {
    const broken = `name: demo
description: ""
applications:
  - name: a
    description: x
    scriptpath: a/scripts/
    sourcepath: nowhere/
    nodes: []
    script:
      - {target: prepare, file: prepare.sh}
      - {target: prepare, file: start.sh}
      - {target: stop, file: missing.sh}
`;
    await folder(dir, broken, { apps: ['a'] });
    const issues = await issuesOf(dir);
    const lines = issues.map((i) => `${i.line} ${i.field}: ${i.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        '2 description: is required and must not be empty',
        '7 applications[0].sourcepath: folder "nowhere/" does not exist',
        '8 applications[0].nodes: must list at least one node or @alias',
        '11 applications[0].script[1].target: duplicate target "prepare"',
        '12 applications[0].script[2].file: script "a/scripts/missing.sh" does not exist',
        '9 applications[0].script: missing the required targets: start, purge',
      ]),
    );
    expect(issues.every((i) => i.file === 'deployment.yaml')).toBe(true);
    await expect(loadScenario(dir)).rejects.toThrow(/deployment\.yaml:2: description: is required/);
  });

  it('refuses malformed YAML with its line, and a missing deployment.yaml', async () => {
    await folder(dir, 'name: demo\napplications: [\n  - broken: {\n', { apps: [] });
    const [issue] = await issuesOf(dir);
    expect(issue.message).toMatch(/not valid YAML/);
    expect(issue.line).not.toBeNull();
    await rm(join(dir, 'deployment.yaml'));
    await expect(loadScenario(dir)).rejects.toThrow(/deployment\.yaml: missing in/);
  });

  it('refuses names too long for a nodeapp directory (<app>@<scenario> on the node)', async () => {
    const long = 'x'.repeat(101);
    await folder(
      dir,
      `name: ${long}\ndescription: d\napplications:\n${app('a').replace('name: a', `name: a${long}`)}`,
    );
    const issues = (await issuesOf(dir)).filter((i) => i.field.endsWith('name'));
    expect(issues.map((i) => [i.field, i.message])).toEqual([
      ['name', expect.stringMatching(/longer than 100 characters/)],
      ['applications[0].name', expect.stringMatching(/longer than 100 characters/)],
    ]);
  });

  it('keeps script and source paths inside the folder', async () => {
    const evil =
      header +
      app('a')
        .replace('sourcepath: a/src/', 'sourcepath: ../')
        .replace('file: stop.sh', 'file: ../../../etc/passwd');
    await folder(dir, evil, { apps: ['a'], alias: 'pair: [n2]\n' });
    const messages = (await issuesOf(dir)).map((i) => `${i.field}: ${i.message}`);
    expect(messages).toContain('applications[0].sourcepath: "../" leaves the scenario folder');
    expect(messages).toContain(
      'applications[0].script[2].file: "../../../etc/passwd" leaves the script folder',
    );
  });

  it('reports unknown aliases and alias loops against the nodes of the app', async () => {
    await folder(dir, header + app('a'), { apps: ['a'], alias: 'pair: ["@loop"]\nloop: ["@pair"]\n' });
    const [loop] = await issuesOf(dir);
    expect(loop.field).toBe('applications[0].nodes');
    expect(loop.message).toBe('alias loop: @pair -> @loop -> @pair');
    await writeFile(join(dir, 'alias.yaml'), 'other: [x]\n');
    expect((await issuesOf(dir))[0].message).toBe('unknown alias "@pair" (alias.yaml defines @other)');
  });

  it('refuses depends_on cycles, unknown apps and duplicate app names', async () => {
    await folder(
      dir,
      header + app('a', '    depends_on: [b]') + app('b', '    depends_on: [a, ghost]') + app('b'),
      {
        alias: 'pair: [n2]\n',
      },
    );
    const messages = (await issuesOf(dir)).map((i) => i.message);
    expect(messages).toContain('depends_on cycle: a -> b -> a');
    expect(messages).toContain('unknown application "ghost"');
    expect(messages).toContain('duplicate application "b"');
  });

  it('asks the caller about nodes and names the unknown and unhealthy ones per app', async () => {
    await folder(dir, header + app('a') + app('b'), { alias: 'pair: [n2]\n' });
    const check = async (nodes: string[]) => ({
      unknown: nodes.filter((n) => n === 'n2'),
      unhealthy: ['n1'],
    });
    await expect(loadScenario(dir, { checkNodes: check })).rejects.toThrow(
      /applications\[0\]\.nodes: unknown nodes: n2[\s\S]*unhealthy nodes: n1/,
    );
  });

  it('takes an empty sourcepath as the whole folder (Octopoda crashed on it)', async () => {
    await folder(dir, header + app('a').replace('sourcepath: a/src/', 'sourcepath: ""'), {
      apps: ['a'],
      alias: 'pair: [n2]\n',
    });
    expect((await loadScenario(dir)).applications[0].sourcepath).toBe('');
  });
});

describe('planTarget', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'octopod-plan-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs lower orders first, equal orders together, dependencies before dependents, and skips apps without the target', async () => {
    const scripts = (start: number, greet?: number) => [
      ...TARGETS.map((t) => ({ t, order: t === 'start' ? start : 1 })),
      ...(greet === undefined ? [] : [{ t: 'greet', order: greet }]),
    ];
    await folder(
      dir,
      header +
        app('a', '', scripts(1)) +
        app('b', '', scripts(2, 1)) +
        app('c', '    depends_on: [d]', scripts(1)) +
        app('d', '', scripts(5)),
      { apps: ['a', 'b', 'c', 'd'], alias: 'pair: [n2]\n' },
    );
    const scenario = await loadScenario(dir);
    const names = (target: string) =>
      planTarget(scenario, target).map((stage) => stage.map((s) => s.app.name));
    expect(names('start')).toEqual([['a'], ['b'], ['d'], ['c']]);
    expect(names('greet')).toEqual([['b']]);
    expect(names('prepare')).toEqual([['a', 'b', 'd'], ['c']]);
    expect(names('nothing')).toEqual([]);
  });
});

describe('expandNodes', () => {
  it('keeps first-seen order without repeats', () => {
    const aliases = new Map([
      ['g', ['b', 'a', '@h']],
      ['h', ['a', 'c']],
    ]);
    expect(expandNodes(['c', '@g', 'b'], aliases)).toEqual({ nodes: ['c', 'b', 'a'], errors: [] });
  });
});

describe('examples/helloWorld', () => {
  it('is a valid scenario whose targets run in the order Octopoda ran them', async () => {
    const scenario = await loadScenario(join(__dirname, '..', '..', '..', 'examples', 'helloWorld'));
    expect(scenario.name).toBe('helloWorld');
    const names = (target: string) =>
      planTarget(scenario, target).map((stage) => stage.map((s) => s.app.name));
    expect(names('prepare')).toEqual([['worldPrinter'], ['helloWorldPrinter'], ['helloPrinter']]);
    expect(names('start')).toEqual([['helloPrinter'], ['worldPrinter'], ['helloWorldPrinter']]);
    expect(names('greet')).toEqual([['helloPrinter']]);
    const all = scenario.applications.find((a) => a.name === 'helloWorldPrinter');
    expect(all?.nodes).toEqual(['tentacle-1', 'tentacle-2', 'tentacle-3']);
  });
});
