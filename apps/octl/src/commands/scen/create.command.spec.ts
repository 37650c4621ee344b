import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runOctl } from '../../cli';

interface Deployment {
  name: string;
  description: string;
  applications: {
    name: string;
    description: string;
    scriptpath: string;
    sourcepath: string;
    nodes: string[];
    script: { target: string; file: string; order: number }[];
  }[];
}

const WORDS: Record<string, string> = {
  'prepare.sh': 'prepare',
  'start.sh': 'start',
  'stop.sh': 'stop',
  'purge.sh': 'purge',
  'user-defined.sh': 'user-defined target',
};

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'octl-scen-create-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

async function octl(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runOctl(argv, {
    stdout: { write: (t: string) => (stdout += t), isTTY: true },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
    cwd,
    home: '/nonexistent',
  });
  return { code, stdout, stderr };
}

const read = (path: string): string => readFileSync(join(cwd, path), 'utf8');
const isExecutable = (path: string): boolean => (statSync(join(cwd, path)).mode & 0o111) === 0o111;

describe('octl scen create', () => {
  it("writes Octopoda's template for each app given after with", async () => {
    const { code, stdout, stderr } = await octl('scen', 'create', 'demo', 'with', 'web', 'db');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('created scenario demo (applications: web, db)');
    expect(stdout).toContain('next: edit demo/deployment.yaml, then: octl scen apply demo');

    expect(readdirSync(cwd)).toEqual(['demo']);
    expect(readdirSync(join(cwd, 'demo')).sort()).toEqual(['alias.yaml', 'db', 'deployment.yaml', 'web']);
    const deployment = parse(read('demo/deployment.yaml')) as Deployment;
    expect(deployment.name).toBe('demo');
    expect(deployment.description).toBe('A simple description about scenarios demo...');
    expect(deployment.applications.map((a) => a.name)).toEqual(['web', 'db']);
    for (const app of deployment.applications) {
      expect(app).toEqual({
        name: app.name,
        description: `A simple description about application ${app.name}...`,
        scriptpath: `${app.name}/scripts/`,
        sourcepath: `${app.name}/src/`,
        nodes: ['node1', '@group1'],
        script: Object.keys(WORDS).map((file) => ({ target: file.slice(0, -3), file, order: 1 })),
      });
      expect(readdirSync(join(cwd, 'demo', app.name)).sort()).toEqual(['scripts', 'src']);
      expect(readdirSync(join(cwd, 'demo', app.name, 'src'))).toEqual(['README']);
      expect(read(`demo/${app.name}/src/README`)).toBe(`- README of ${app.name} -\n`);
      expect(readdirSync(join(cwd, 'demo', app.scriptpath)).sort()).toEqual(Object.keys(WORDS).sort());
    }
    expect(parse(read('demo/alias.yaml'))).toEqual({
      group1: ['node3', 'node4'],
      group2: ['@group1', 'node1', 'node2'],
    });
  });

  it('writes executable bash scripts that each append their word to $OCTOPODA_OUTPUT', async () => {
    expect((await octl('scen', 'create', 'demo', 'with', 'web')).code).toBe(0);
    const output = join(cwd, 'output');
    for (const [file, word] of Object.entries(WORDS)) {
      const path = `demo/web/scripts/${file}`;
      expect(read(path).startsWith('#!/bin/bash\n')).toBe(true);
      expect(isExecutable(path)).toBe(true);
      writeFileSync(output, 'before\n');
      execFileSync(join(cwd, path), { env: { ...process.env, OCTOPODA_OUTPUT: output } });
      expect(readFileSync(output, 'utf8')).toBe(`before\n${word}\n`);
    }
    expect(isExecutable('demo/deployment.yaml')).toBe(false);
  });

  it('creates the one app YourApp when with is left out (where Octopoda panicked)', async () => {
    const { code, stdout } = await octl('scen', 'create', 'solo');
    expect(code).toBe(0);
    expect(stdout).toContain('(applications: YourApp)');
    const deployment = parse(read('solo/deployment.yaml')) as Deployment;
    expect(deployment.applications.map((a) => a.name)).toEqual(['YourApp']);
    expect(read('solo/YourApp/src/README')).toBe('- README of YourApp -\n');
  });

  it('keeps a scenario name that YAML would read as a number or boolean a string', async () => {
    expect((await octl('scen', 'create', '1.0', 'with', 'yes')).code).toBe(0);
    const deployment = parse(read('1.0/deployment.yaml')) as Deployment;
    expect(deployment.name).toBe('1.0');
    expect(deployment.applications[0].name).toBe('yes');
  });

  it('prints the result as data with -o json', async () => {
    const { code, stdout } = await octl('-o', 'json', 'scen', 'create', 'demo', 'with', 'a');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      scenario: 'demo',
      path: join(cwd, 'demo'),
      applications: ['a'],
      next: 'edit demo/deployment.yaml, then: octl scen apply demo',
    });
  });

  it('refuses an existing folder and leaves it untouched', async () => {
    mkdirSync(join(cwd, 'demo'));
    writeFileSync(join(cwd, 'demo', 'mine'), 'keep');
    const { code, stderr } = await octl('scen', 'create', 'demo', 'with', 'web');
    expect(code).toBe(1);
    expect(stderr).toBe(`octl: cannot create scenario demo: ${join(cwd, 'demo')} already exists\n`);
    expect(readdirSync(cwd)).toEqual(['demo']);
    expect(readdirSync(join(cwd, 'demo'))).toEqual(['mine']);
  });

  it('refuses an existing file of that name too', async () => {
    writeFileSync(join(cwd, 'demo'), '');
    expect((await octl('scen', 'create', 'demo')).code).toBe(1);
    expect(readdirSync(cwd)).toEqual(['demo']);
  });

  it.each([
    [['', 'with', 'a'], 'scenario name is empty'],
    [['a/b', 'with', 'a'], 'scenario name "a/b" is not a plain name'],
    [['..', 'with', 'a'], 'scenario name ".." is not a plain name'],
    [['s', 'with', 'a', ''], 'application name is empty'],
    [['s', 'with', 'a b'], 'application name "a b" is not a plain name'],
    [['s', 'with', '../x'], 'application name "../x" is not a plain name'],
    [['s', 'with', '.'], 'application name "." is not a plain name'],
    [['s', 'with', 'a', 'b', 'a'], 'application "a" is given twice'],
    [['s', 'with', 'deployment.yaml'], 'application name "deployment.yaml" is reserved'],
  ])('refuses %j, writing nothing', async (args, message) => {
    const { code, stdout, stderr } = await octl('scen', 'create', ...args);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toContain(message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.each([
    [['s', 'a', 'b'], 'expected "with <app>..." after the scenario, got "a"'],
    [['s', 'with'], '"with" needs at least one application name'],
  ])('rejects the usage %j with exit status 2, writing nothing', async (args, message) => {
    const { code, stderr } = await octl('scen', 'create', ...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('reports a folder it cannot write in, leaving nothing behind', async () => {
    const root = cwd;
    cwd = join(root, 'missing');
    const { code, stderr } = await octl('scen', 'create', 'demo');
    cwd = root;
    expect(code).toBe(1);
    expect(stderr).toBe(`octl: cannot create scenario demo in ${join(root, 'missing')}: ENOENT\n`);
    expect(readdirSync(root)).toEqual([]);
  });

  it('documents the with syntax and the default app in its help', async () => {
    const { code, stdout } = await octl('scen', 'create', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: octl scen create [options] <scen> [with <app>...]');
    expect(stdout).toContain('YourApp');
    expect(stdout).toContain('octl scen create demo with web db');
    const group = await octl('scen', '--help');
    expect(group.stdout).toContain('create');
  });
});
