import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors';
import { createOutput, renderView, selectFormat, type View } from './output';
import { renderTable } from './table';

describe('selectFormat', () => {
  it('defaults to a table on a terminal and JSON otherwise', () => {
    expect(selectFormat(undefined, true)).toBe('table');
    expect(selectFormat(undefined, false)).toBe('json');
  });

  it('lets -o override, case-insensitively', () => {
    expect(selectFormat('yaml', true)).toBe('yaml');
    expect(selectFormat('JSON', true)).toBe('json');
    expect(selectFormat('table', false)).toBe('table');
  });

  it('refuses unknown formats as a usage error', () => {
    expect(() => selectFormat('xml', true)).toThrow(UsageError);
    expect(() => selectFormat('xml', true)).toThrow(
      'unknown output format "xml" (use one of: table, json, yaml)',
    );
  });
});

describe('renderView', () => {
  const view: View = {
    data: { nodes: [{ name: 'pi-1', delay: '3ms' }], total: 1 },
    table: () => 'NAME\npi-1',
  };

  it('renders each format from the same view', () => {
    expect(renderView(view, 'json')).toBe(
      '{\n  "nodes": [\n    {\n      "name": "pi-1",\n      "delay": "3ms"\n    }\n  ],\n  "total": 1\n}\n',
    );
    expect(renderView(view, 'yaml')).toBe('nodes:\n  - name: pi-1\n    delay: 3ms\ntotal: 1\n');
    expect(renderView(view, 'table')).toBe('NAME\npi-1\n');
  });

  it('writes through the sink', () => {
    const written: string[] = [];
    createOutput('table', (t) => written.push(t)).print(view);
    expect(written).toEqual(['NAME\npi-1\n']);
  });
});

describe('renderTable', () => {
  it('aligns columns by the widest cell, without trailing blanks', () => {
    const text = renderTable(
      ['NAME', 'STATE', 'SINCE'],
      [
        ['pi-10', 'online', '2m42.48s'],
        ['b', 'offline', ''],
        ['µ', 'x', '1µs'],
      ],
    );
    expect(text.split('\n')).toEqual([
      'NAME   STATE    SINCE',
      'pi-10  online   2m42.48s',
      'b      offline',
      'µ      x        1µs',
    ]);
  });

  it('prints just the header for no rows', () => {
    expect(renderTable(['A', 'BB'], [])).toBe('A  BB');
  });
});
