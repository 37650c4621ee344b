import { describe, expect, it } from 'vitest';
import { parseCgiHead, splitCgiHead } from './git-http-server';

describe('splitCgiHead', () => {
  it('waits for the blank line that ends the head', () => {
    expect(splitCgiHead(Buffer.from('Content-Type: text/plain\r\n'))).toBeUndefined();
    expect(splitCgiHead(Buffer.from('Content-Type: text/plain\n'))).toBeUndefined();
  });

  it('splits at CRLF CRLF or LF LF, whichever comes first, keeping the body bytes', () => {
    const crlf = Buffer.from('Status: 200 OK\r\nExpires: 0\r\n\r\n0008NAK\n\n');
    const split = splitCgiHead(crlf)!;
    expect(split.head).toBe('Status: 200 OK\r\nExpires: 0');
    expect(crlf.subarray(split.bodyStart).toString()).toBe('0008NAK\n\n');

    const lf = Buffer.from('Content-Type: x\n\nbody\r\n\r\nmore');
    const lfSplit = splitCgiHead(lf)!;
    expect(lfSplit.head).toBe('Content-Type: x');
    expect(lf.subarray(lfSplit.bodyStart).toString()).toBe('body\r\n\r\nmore');
  });
});

describe('parseCgiHead', () => {
  it('takes the status from Status: and passes the other headers on in order', () => {
    expect(
      parseCgiHead('Status: 404 Not Found\r\nExpires: Fri, 01 Jan 1980 00:00:00 GMT\r\nPragma: no-cache'),
    ).toEqual({
      status: 404,
      headers: [
        ['Expires', 'Fri, 01 Jan 1980 00:00:00 GMT'],
        ['Pragma', 'no-cache'],
      ],
    });
  });

  it('defaults to 200, or 302 for a Location without a status, whatever the case of the names', () => {
    expect(parseCgiHead('Content-Type: application/x-git-upload-pack-advertisement')).toEqual({
      status: 200,
      headers: [['Content-Type', 'application/x-git-upload-pack-advertisement']],
    });
    expect(parseCgiHead('location: /elsewhere').status).toBe(302);
    expect(parseCgiHead('STATUS: 403\nlocation: /x').status).toBe(403);
  });

  it('refuses lines that are not headers and statuses that are not three digits', () => {
    expect(() => parseCgiHead('no colon here')).toThrow('bad CGI header line: "no colon here"');
    expect(() => parseCgiHead('Status: OK')).toThrow('bad CGI status: "OK"');
  });
});
