import { readFileSync } from 'node:fs';
import type { OctopodClient } from '@octopod/sdk';
import { join } from 'node:path';
import { OctlError } from '../../errors';

/** Logging in needs no credentials. */
export type LoginApi = Pick<OctopodClient, 'login'>;

/** How octl holds its API token. */
export interface Session {
  /** Where `octl login` keeps the token (octl.yaml `auth.tokenFile`). */
  tokenFile: string;
  /** The workgroup octl.yaml logs into (`workgroup.root`): the default of `login --path`. */
  defaultPath: string;
  /** octl.yaml names a client certificate, which octl then uses instead of the token. */
  usesCertificate: boolean;
  /** A client that needs no credentials. */
  anonymous(): Promise<LoginApi>;
  /** `stdin`: read the whole of stdin (`--password-stdin`); otherwise ask on the terminal without echo. */
  readPassword(prompt: string, stdin: boolean): Promise<string>;
}

/** octl.yaml's `auth.tokenFile`, else one file per brain under the user's config directory. */
export function tokenFileOf(config: { auth: { tokenFile?: string }; brain: { name: string } }, home: string) {
  return config.auth.tokenFile ?? join(home, '.config', 'octopod', 'tokens', `${config.brain.name}.json`);
}

/** What octl reads passwords from: the process's stdin, or a stream in tests. */
export interface SecretInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** All of stdin, without the one line break a `echo pw |` adds. */
export async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const ENTER = new Set(['\r', '\n', '\u0004']);
const BACKSPACE = new Set(['\u007f', '\b']);
const CTRL_C = '\u0003';

/** One line typed on a terminal, not echoed. */
export function readHidden(input: SecretInput, writePrompt: (text: string) => void, prompt: string) {
  if (!input.isTTY || !input.setRawMode) {
    throw new OctlError('no terminal to ask for the password on: pass it on stdin with --password-stdin', 2);
  }
  const raw = input.setRawMode.bind(input);
  writePrompt(prompt);
  return new Promise<string>((resolve, reject) => {
    let typed = '';
    const done = (error?: Error) => {
      input.removeListener('data', onData);
      raw(false);
      input.pause();
      writePrompt('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of String(chunk)) {
        if (char === CTRL_C) return done(new OctlError('cancelled', 130));
        if (ENTER.has(char)) return done();
        if (BACKSPACE.has(char)) typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    raw(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}

export interface SessionSources {
  config: { auth: { tokenFile?: string }; brain: { name: string }; ssl: { clientCert?: string } };
  home: string;
  /** The workgroup octl.yaml logs into, cleaned (`""` is the root). */
  rootPath: string;
  stdin?: SecretInput;
  /** Where the prompt goes (stderr, so stdout stays clean for -o json). */
  writePrompt(text: string): void;
  anonymous(): Promise<LoginApi>;
}

export function createSession(sources: SessionSources): Session {
  const { stdin } = sources;
  return {
    tokenFile: tokenFileOf(sources.config, sources.home),
    defaultPath: sources.rootPath,
    usesCertificate: Boolean(sources.config.ssl.clientCert),
    anonymous: sources.anonymous,
    readPassword: async (prompt, fromStdin) => {
      if (!stdin) throw new OctlError('no input to read the password from');
      return fromStdin ? readAll(stdin) : readHidden(stdin, sources.writePrompt, prompt);
    },
  };
}

/**
 * The workgroup octl acts as when it authenticates with a saved token (no client certificate): the token's own
 * group, which is the root of everything octl may do. Undefined with a certificate, or without a usable token file.
 */
export function tokenRoot(
  config: { auth: { tokenFile?: string }; brain: { name: string }; ssl: { clientCert?: string } },
  home: string,
): string | undefined {
  if (config.ssl.clientCert) return undefined;
  try {
    const saved = JSON.parse(readFileSync(tokenFileOf(config, home), 'utf8')) as { path?: unknown };
    return typeof saved.path === 'string' ? saved.path.replace(/\/+$/, '') : undefined;
  } catch {
    return undefined; // no file, a bare token, or damaged: the SDK reports it when it is used
  }
}

/** The config with the token file filled in, for the SDK. */
export function withTokenFile<T extends { auth: { tokenFile?: string }; brain: { name: string } }>(
  config: T,
  home: string,
): T {
  return { ...config, auth: { ...config.auth, tokenFile: tokenFileOf(config, home) } };
}
