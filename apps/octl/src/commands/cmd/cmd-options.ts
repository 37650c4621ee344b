import type { CreateTaskRequest } from '@octopod/sdk';
import { UsageError } from '../../errors';

/** What commander hands `cmd run` / `cmd xrun` (after the Octopoda flags were rewritten to long options). */
export interface CmdFlags {
  timeAlign?: boolean;
  commonCommand?: string;
  background?: string;
  shellscript?: string;
  delayExecute?: string;
  timeout?: string;
  env?: string[];
  deliveryTimeout?: string;
  maxConcurrency?: string;
  maxErrors?: string;
}

export type CmdMode = 'run' | 'xrun';

/** How results read: Octopoda's `Result` is stdout, the script's output, the PID, or "loaded". */
export type ResultKind = 'command' | 'script' | 'background' | 'xrun';

/** A parsed `cmd run`/`xrun`: the request without the script body, which is read from `scriptPath`. */
export interface CmdPlan {
  mode: CmdMode;
  kind: ResultKind;
  request: CreateTaskRequest;
  scriptPath?: string;
}

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function number(
  flag: string,
  text: string | undefined,
  rule: 'positive' | 'nonNegative',
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(value) && (rule === 'positive' ? value > 0 : value >= 0);
  if (!ok)
    throw new UsageError(
      `${flag} must be a ${rule === 'positive' ? 'positive' : 'non-negative'} number, got "${text}"`,
    );
  return value;
}

function integer(
  flag: string,
  text: string | undefined,
  rule: 'positive' | 'nonNegative',
): number | undefined {
  const value = number(flag, text, rule);
  if (value !== undefined && !Number.isInteger(value))
    throw new UsageError(`${flag} must be a whole number, got "${text}"`);
  return value;
}

function parseEnv(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (!pairs?.length) return undefined;
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (eq === -1 || !ENV_KEY.test(key))
      throw new UsageError(`--env wants KEY=VALUE with a shell variable name, got "${pair}"`);
    env[key] = pair.slice(eq + 1);
  }
  return env;
}

/**
 * Turns the arguments into a task request. Exactly one of `-c`/`-cc`, `-bg`, `-ss`; without any, the first bare
 * argument is the command (Octopoda). Everything else names nodes or @groups.
 */
export function planCmd(mode: CmdMode, args: readonly string[], flags: CmdFlags): CmdPlan {
  const given = [
    flags.commonCommand !== undefined && '-c/--common-command',
    flags.background !== undefined && '-bg/--background',
    flags.shellscript !== undefined && '-ss/--shellscript',
  ].filter((x): x is string => Boolean(x));
  if (given.length > 1) throw new UsageError(`give only one of ${given.join(', ')}`);
  const bare = given.length === 0;
  const targets = bare ? args.slice(1) : [...args];
  const text = bare ? args[0] : (flags.commonCommand ?? flags.background ?? flags.shellscript);
  if (text === undefined)
    throw new UsageError("missing the command: octl cmd run '<command>' <node|@group>...");
  if (text.trim() === '')
    throw new UsageError(flags.shellscript !== undefined ? 'empty script path' : 'empty command');
  if (targets.length === 0)
    throw new UsageError('no target nodes: name nodes, @groups or ALL after the command');

  const request: CreateTaskRequest = { targets };
  if (flags.shellscript !== undefined) {
    // The body is read by the command (I/O); the plan only says where.
  } else {
    request.command = text;
  }
  if (flags.background !== undefined) request.background = true;
  if (flags.timeAlign) request.align = true;
  if (mode === 'xrun')
    request.delaySeconds = integer('--delay-execute', flags.delayExecute ?? '0', 'nonNegative');
  const timeout = number('--timeout', flags.timeout, 'positive');
  if (timeout !== undefined) request.timeoutSeconds = timeout;
  const delivery = number('--delivery-timeout', flags.deliveryTimeout, 'positive');
  if (delivery !== undefined) request.deliveryTimeoutSeconds = delivery;
  const concurrency = integer('--max-concurrency', flags.maxConcurrency, 'positive');
  if (concurrency !== undefined) request.maxConcurrency = concurrency;
  const errors = integer('--max-errors', flags.maxErrors, 'nonNegative');
  if (errors !== undefined) request.maxErrors = errors;
  const env = parseEnv(flags.env);
  if (env) request.env = env;

  const kind: ResultKind =
    mode === 'xrun'
      ? 'xrun'
      : flags.background !== undefined
        ? 'background'
        : flags.shellscript !== undefined
          ? 'script'
          : 'command';
  return { mode, kind, request, scriptPath: flags.shellscript };
}
