import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DownEvent, LinkEvents, ReadyEvent } from './link';
import { linkStatusPath, recordLinkStatus, type LinkStatus } from './link-status-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'link-status-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ready = {} as ReadyEvent;
const down = {} as DownEvent;
const read = (stateDir: string) => JSON.parse(readFileSync(linkStatusPath(stateDir), 'utf8')) as LinkStatus;

function clock() {
  let t = Date.parse('2026-11-23T10:00:00.000Z');
  return () => new Date((t += 1000));
}

describe('recordLinkStatus', () => {
  it('writes connected false at once, true on ready, false on down, with version, node and pid', () => {
    const events = new EventEmitter<LinkEvents>();
    const stateDir = join(dir, 'state');
    recordLinkStatus(events, {
      stateDir,
      node: 'pi-1',
      version: '1.2.3',
      logger: pino({ level: 'silent' }),
      now: clock(),
    });
    expect(read(stateDir)).toEqual({
      version: '1.2.3',
      node: 'pi-1',
      connected: false,
      since: '2026-11-23T10:00:01.000Z',
      pid: process.pid,
    });
    events.emit('ready', ready);
    expect(read(stateDir)).toMatchObject({ connected: true, since: '2026-11-23T10:00:02.000Z' });
    events.emit('down', down);
    expect(read(stateDir)).toMatchObject({ connected: false, since: '2026-11-23T10:00:03.000Z' });
    expect(readdirSync(stateDir)).toEqual(['link-status.json']);
  });

  it('keeps `since` when nothing changed (a failed session after a failed session)', () => {
    const events = new EventEmitter<LinkEvents>();
    recordLinkStatus(events, {
      stateDir: dir,
      node: 'pi-1',
      version: '1',
      logger: pino({ level: 'silent' }),
      now: clock(),
    });
    events.emit('down', down);
    events.emit('down', down);
    expect(read(dir).since).toBe('2026-11-23T10:00:01.000Z');
  });

  it('logs a failed write and goes on', () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, '');
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const events = new EventEmitter<LinkEvents>();
    recordLinkStatus(events, { stateDir: join(blocker, 'state'), node: 'pi-1', version: '1', logger });
    expect(() => events.emit('ready', ready)).not.toThrow();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('cannot write the link status file');
  });
});
