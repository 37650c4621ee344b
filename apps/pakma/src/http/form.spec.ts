import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readForm } from './form';

function request(body: string | Buffer, contentType?: string): IncomingMessage {
  const req = Readable.from([Buffer.from(body)]) as unknown as IncomingMessage;
  req.headers = contentType ? { 'content-type': contentType } : {};
  return req;
}

describe('readForm', () => {
  it('reads urlencoded fields, with or without a content type', async () => {
    expect(
      (await readForm(request('version=1.2.3&x=%41', 'application/x-www-form-urlencoded'))).get('version'),
    ).toBe('1.2.3');
    expect((await readForm(request('version=2'))).get('version')).toBe('2');
    expect((await readForm(request(''))).get('version')).toBeUndefined();
  });

  it("reads a multipart form as Go's http client writes it, skipping file parts", async () => {
    const body = [
      '--XyZ',
      'Content-Disposition: form-data; name="version"',
      '',
      '1.3.5',
      '--XyZ',
      'Content-Disposition: form-data; name="file"; filename="a.txt"',
      'Content-Type: text/plain',
      '',
      'ignored',
      '--XyZ--',
      '',
    ].join('\r\n');
    const fields = await readForm(request(body, 'multipart/form-data; boundary=XyZ'));
    expect([...fields]).toEqual([['version', '1.3.5']]);
  });

  it('reads string fields of a JSON object and refuses other JSON', async () => {
    expect((await readForm(request('{"version":"4","n":1}', 'application/json'))).get('version')).toBe('4');
    await expect(readForm(request('[1]', 'application/json'))).rejects.toThrow('body must be a JSON object');
    await expect(readForm(request('{', 'application/json'))).rejects.toThrow('invalid JSON body');
  });

  it('refuses a body over 64 KiB with 413', async () => {
    await expect(readForm(request(Buffer.alloc(65 * 1024, 'a')))).rejects.toMatchObject({ status: 413 });
  });
});
