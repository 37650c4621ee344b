import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface App {
  name: string;
  scriptpath: string;
  sourcepath: string;
  nodes: string[];
  script: { target: string; file: string; order: number }[];
}

const EXAMPLE = resolve(__dirname, '../../../../../examples/helloWorld');
const readYaml = (file: string): unknown => parse(readFileSync(join(EXAMPLE, file), 'utf8'));
const deployment = readYaml('deployment.yaml') as { name: string; description: string; applications: App[] };
const alias = readYaml('alias.yaml') as Record<string, string[]>;
const app = (name: string): App => {
  const found = deployment.applications.find((a) => a.name === name);
  if (!found) throw new Error(`no app ${name}`);
  return found;
};
/** App names in the order a target runs them (ascending order; the example has no ties). */
const runOrder = (target: string): string[] =>
  deployment.applications
    .flatMap((a) =>
      a.script.filter((s) => s.target === target).map((s) => ({ name: a.name, order: s.order })),
    )
    .sort((x, y) => x.order - y.order)
    .map((s) => s.name);

describe('examples/helloWorld', () => {
  it('is the helloWorld scenario of three printers on the quick start tentacles', () => {
    expect(deployment.name).toBe('helloWorld');
    expect(deployment.description).not.toBe('');
    expect(deployment.applications.map((a) => a.name)).toEqual([
      'helloPrinter',
      'worldPrinter',
      'helloWorldPrinter',
    ]);
    expect(app('helloPrinter').nodes).toEqual(['tentacle-1']);
    expect(app('worldPrinter').nodes).toEqual(['tentacle-2']);
    expect(app('helloWorldPrinter').nodes).toEqual(['@all']);
    expect(alias).toEqual({ all: ['tentacle-1', 'tentacle-2', 'tentacle-3'] });
  });

  it.each(['helloPrinter', 'worldPrinter', 'helloWorldPrinter'])(
    '%s has prepare/start/stop/purge, no target twice, and every script file and its src/',
    (name) => {
      const { script, scriptpath, sourcepath } = app(name);
      const targets = script.map((s) => s.target);
      expect(targets).toEqual(expect.arrayContaining(['prepare', 'start', 'stop', 'purge']));
      expect(new Set(targets).size).toBe(targets.length);
      expect(statSync(join(EXAMPLE, sourcepath)).isDirectory()).toBe(true);
      for (const { file } of script) {
        const path = join(EXAMPLE, scriptpath, file);
        expect(statSync(path).isFile(), path).toBe(true);
        expect(statSync(path).mode & 0o111, `${path} executable`).toBe(0o111);
        expect(readFileSync(path, 'utf8').startsWith('#!/bin/bash\n'), path).toBe(true);
      }
    },
  );

  it("runs the apps in Octopoda's observed order", () => {
    expect(runOrder('prepare')).toEqual(['worldPrinter', 'helloWorldPrinter', 'helloPrinter']);
    expect(runOrder('start')).toEqual(['helloPrinter', 'worldPrinter', 'helloWorldPrinter']);
    expect(runOrder('greet')).toEqual(['helloPrinter']);
  });

  describe('scripts, run in a nodeapp directory', () => {
    const dirs: string[] = [];
    afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

    it.each([
      ['helloPrinter', 'hello.txt', 'hello'],
      ['worldPrinter', 'world.txt', 'world'],
      ['helloWorldPrinter', 'helloworld.txt', 'hello world'],
    ])('%s writes %s and reports each step', (name, file, word) => {
      const nodeapp = mkdtempSync(join(tmpdir(), 'octl-hello-world-'));
      dirs.push(nodeapp);
      const output = join(nodeapp, '.output');
      const run = (target: string): string => {
        const entry = app(name).script.find((s) => s.target === target);
        if (!entry) throw new Error(`${name} has no ${target}`);
        rmSync(output, { force: true });
        execFileSync(join(EXAMPLE, app(name).scriptpath, entry.file), {
          cwd: nodeapp,
          env: { PATH: process.env.PATH, OCTOPODA_OUTPUT: output, OCTOPODA_NODENAME: 'tentacle-9' },
        });
        return readFileSync(output, 'utf8');
      };
      const content = (): string => readFileSync(join(nodeapp, file), 'utf8');

      expect(run('prepare')).toBe(`${name} prepared on tentacle-9\n`);
      expect(content()).toBe('-->prepared\n');
      expect(run('start')).toBe(`${name} wrote '${word}' on tentacle-9\n`);
      expect(content()).toBe(`-->prepared\n${word}\n`);
      expect(run('stop')).toBe(`${name} stopped on tentacle-9\n`);
      expect(content()).toBe('stopped\n');
      expect(run('purge')).toBe(`${name} purged on tentacle-9\n`);
      expect(() => statSync(join(nodeapp, file))).toThrow();
    });

    it('greet appends a dated greeting to hello.txt and the output', () => {
      const nodeapp = mkdtempSync(join(tmpdir(), 'octl-hello-world-'));
      dirs.push(nodeapp);
      const output = join(nodeapp, '.output');
      execFileSync(join(EXAMPLE, 'hello/scripts/greet.sh'), {
        cwd: nodeapp,
        env: { PATH: process.env.PATH, OCTOPODA_OUTPUT: output, OCTOPODA_NODENAME: 'tentacle-1' },
      });
      const line = /^hello from tentacle-1 at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/;
      expect(readFileSync(output, 'utf8')).toMatch(line);
      expect(readFileSync(join(nodeapp, 'hello.txt'), 'utf8')).toMatch(line);
    });
  });
});
