import { extractZip, packZip } from '@octopod/files';
import { waitFor } from '@octopod/testing';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { describeTree, makeSampleTree } from '../files/file-tree.helper';
import { adminTarget, goRequest, type OctopodaAuth, type RawResponse } from '../support/go-http';
import { startStack, type Stack } from '../support/stack';

interface ExecutionResult {
  Name: string;
  Code: 0 | 1 | 2;
  CommunicationErrorMsg: string;
  ProcessErrorMsg: string;
  Result: string;
}

/** A multipart body as Go's mime/multipart Writer makes it: fields in order, then the file part. */
function goMultipart(
  fields: Array<[string, string]>,
  file: { field: string; name: string; content: Buffer },
) {
  const boundary = randomBytes(30).toString('hex');
  const parts: Buffer[] = fields.map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    file.content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Octopoda's octl zips `<n>.wrap/<basename>…` (octl/file/upload.go); we make the same with our zip writer. */
async function octlZip(source: string, into: string): Promise<{ zip: Buffer; wrap: string }> {
  const wrap = `${process.hrtime.bigint()}.wrap`;
  const file = join(into, `${wrap}.zip`);
  await packZip(source, createWriteStream(file), { prefix: wrap });
  return { zip: readFileSync(file), wrap };
}

describe("Octopoda /api/v1 face: file distrib, pull, upload, tree (octl's own requests)", () => {
  let stack: Stack;
  let auth: OctopodaAuth;
  const brain = () => adminTarget(stack);
  const storeOf = (node: string) => join(dirname(stack.tentacles.get(node)!.workspace), 'fstore');

  const results = async (id: string): Promise<ExecutionResult[]> => {
    let final!: RawResponse;
    await waitFor(
      async () => {
        final = await goRequest(brain(), 'GET', `/api/v1/taskstate?taskid=${id}`, { auth });
        return final.status !== 202;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(final.status, final.body).toBe(200);
    return final.json() as ExecutionResult[];
  };
  const distrib = async (zip: Buffer, targetPath: string, nodes: string[], force = true) => {
    const form = goMultipart(
      [
        ['targetPath', targetPath],
        ['isForce', String(force)],
        ['targetNodes', JSON.stringify(nodes)],
      ],
      { field: 'packfiles', name: 'x.wrap.zip', content: zip },
    );
    const res = await goRequest(brain(), 'POST', '/api/v1/file/distrib', { auth, ...form });
    expect(res.status, res.body).toBe(202);
    return results(res.body);
  };

  beforeAll(async () => {
    stack = await startStack({ tentacles: ['v1-a', 'v1-b'] });
    auth = { rootpath: '', currentpath: '', password: stack.rootPassword };
  });
  afterAll(() => stack?.stop());

  it('distrib: the zip octl makes lands as <target>/<basename>/… on every node, "OK" each', async () => {
    const source = join(stack.dir, 'updir');
    await makeSampleTree(source);
    const { zip } = await octlZip(source, stack.dir);
    const list = await distrib(zip, '@fstore/x/', ['v1-a', 'v1-b']);
    expect(list.map((r) => [r.Name, r.Code, r.Result]).sort()).toEqual([
      ['v1-a', 0, 'OK'],
      ['v1-b', 0, 'OK'],
    ]);
    // Zip has no symlinks Go reads: the link arrives as a copy of its target.
    const expected = describeTree(source);
    expected['link-to-deep'] = expected['a/b/c/deep.bin'].replace(/^file \d+/, 'file 644');
    for (const node of ['v1-a', 'v1-b']) {
      const landed = describeTree(join(storeOf(node), 'x', 'updir'));
      expect(landed['a/b/c/deep.bin']).toBe(expected['a/b/c/deep.bin']);
      expect(landed['run.sh']).toBe(expected['run.sh']);
      expect(landed['empty.txt']).toBe(expected['empty.txt']);
      expect(landed['empty-dir']).toMatch(/^dir/);
    }
  });

  it('distrib without force to a missing directory is a ProcessError, as in Octopoda', async () => {
    const single = join(stack.dir, 'one.txt');
    writeFileSync(single, 'one');
    const { zip } = await octlZip(single, stack.dir);
    const [result] = await distrib(zip, '@fstore/missing/', ['v1-a'], false);
    expect(result).toMatchObject({ Name: 'v1-a', Code: 2, ProcessErrorMsg: 'target path not exist' });
  });

  it('distrib of a zip with an entry escaping the target fails on the node and writes nothing outside', async () => {
    const zip = new yazl.ZipFile();
    // yazl refuses to write `..`: write a same-length name, then put the `..` into the bytes (as an attacker would).
    zip.addBuffer(Buffer.from('evil'), '1.wrap/xx/xx/xx/evil.txt');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    const evil = Buffer.from(
      Buffer.concat(chunks).toString('latin1').replaceAll('xx/xx/xx', '../../..'),
      'latin1',
    );
    const [result] = await distrib(evil, '@fstore/slip/', ['v1-b']);
    expect(result.Code).toBe(2);
    expect(result.ProcessErrorMsg).toMatch(/evil\.txt/);
    expect(existsSync(join(storeOf('v1-b'), '..', 'evil.txt'))).toBe(false);
    expect(existsSync(join(storeOf('v1-b'), 'evil.txt'))).toBe(false);
  });

  it('pull: Result carries {PackName, TargetPath, FileBuf} with the zip octl unpacks', async () => {
    const res = await goRequest(brain(), 'GET', '/api/v1/file/pull?name=v1-a&fileOrDir=@fstore/x/updir', {
      auth,
    });
    expect(res.status, res.body).toBe(202);
    const [result] = await results(res.body);
    expect(result.Code).toBe(0);
    const payload = JSON.parse(result.Result) as { PackName: string; TargetPath: string; FileBuf: string };
    expect(payload.TargetPath).toBe('@fstore/x/updir');
    const zipFile = join(stack.dir, payload.PackName);
    writeFileSync(zipFile, Buffer.from(payload.FileBuf, 'base64'));
    const out = join(stack.dir, 'pulled-v1');
    mkdirSync(out);
    await extractZip(zipFile, out);
    const wrap = payload.PackName.replace(/\.zip$/, '');
    expect(describeTree(join(out, wrap, 'updir'))['a/b/c/deep.bin']).toBe(
      describeTree(join(storeOf('v1-a'), 'x', 'updir'))['a/b/c/deep.bin'],
    );
    const missing = await goRequest(brain(), 'GET', '/api/v1/file/pull?name=v1-a&fileOrDir=@fstore/nope', {
      auth,
    });
    const [failed] = await results(missing.body);
    expect(failed.Code).toBe(2);
    expect(failed.ProcessErrorMsg).toMatch(/not found/);
  });

  it("upload into the brain's store, then pull it from `brain` (which Octopoda could not do) and list it", async () => {
    const source = join(stack.dir, 'to-brain.txt');
    writeFileSync(source, 'for the brain');
    const { zip } = await octlZip(source, stack.dir);
    const form = goMultipart([['targetPath', 'inbox']], { field: 'tarfile', name: 'x.zip', content: zip });
    const up = await goRequest(brain(), 'POST', '/api/v1/file/upload', { auth, ...form });
    expect(up.status, up.body).toBe(202);
    expect((await results(up.body)).map((r) => [r.Name, r.Code, r.Result])).toEqual([['brain', 0, 'OK']]);

    const pull = await goRequest(
      brain(),
      'GET',
      '/api/v1/file/pull?name=brain&fileOrDir=inbox/to-brain.txt',
      { auth },
    );
    expect(pull.status).toBe(202);
    const [result] = await results(pull.body);
    expect(result).toMatchObject({ Name: 'brain', Code: 0 });
    expect(JSON.parse(result.Result)).toHaveProperty('FileBuf');

    const tree = await goRequest(brain(), 'GET', '/api/v1/file/tree?name=brain&subdir=inbox', { auth });
    expect(tree.status).toBe(200);
    const entries = tree.json() as Array<{ Name: string; Size: number; ModifyTime: string }>;
    expect(entries).toEqual([
      { Name: 'to-brain.txt', Size: 13, ModifyTime: expect.stringMatching(/^\d\d月\d\d日 \d\d:\d\d$/) },
    ]);
  });

  it("spread: a file of the brain's store to nodes (JSON FileSpreadParams)", async () => {
    const res = await goRequest(brain(), 'POST', '/api/v1/file/spread', {
      auth,
      body: JSON.stringify({
        TargetPath: '@fstore/spread',
        FileOrDir: 'inbox/to-brain.txt',
        TargetNodes: ['v1-a', 'v1-b'],
      }),
      contentType: 'application/json',
    });
    expect(res.status, res.body).toBe(202);
    expect((await results(res.body)).map((r) => [r.Name, r.Code, r.Result]).sort()).toEqual([
      ['v1-a', 0, 'OK'],
      ['v1-b', 0, 'OK'],
    ]);
    for (const node of ['v1-a', 'v1-b']) {
      expect(readFileSync(join(storeOf(node), 'spread', 'to-brain.txt'), 'utf8')).toBe('for the brain');
    }
    const missing = await goRequest(brain(), 'POST', '/api/v1/file/spread', {
      auth,
      body: JSON.stringify({ TargetPath: 'x', FileOrDir: 'nope', TargetNodes: ['v1-a'] }),
      contentType: 'application/json',
    });
    expect(missing.status).toBe(404);
  });

  it('tree of a node directory; a missing one is a 404 Result', async () => {
    const tree = await goRequest(brain(), 'GET', '/api/v1/file/tree?name=v1-a&subdir=@fstore/x/updir', {
      auth,
    });
    expect(tree.status, tree.body).toBe(200);
    const names = (tree.json() as Array<{ Name: string }>).map((e) => e.Name);
    expect(names).toContain('a/b/c/deep.bin');
    const missing = await goRequest(brain(), 'GET', '/api/v1/file/tree?name=v1-a&subdir=@fstore/none', {
      auth,
    });
    expect(missing.status).toBe(404);
  });
});
