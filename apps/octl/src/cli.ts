import { createClientFromConfig, type OctopodClient } from '@octopod/sdk';
import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { registerAuditCommand } from './commands/audit/audit.command';
import { registerAuthCommands } from './commands/auth/auth.commands';
import {
  createSession,
  tokenRoot,
  withTokenFile,
  type SecretInput,
  type Session,
} from './commands/auth/session';
import { registerNodeCommands } from './commands/node/node.commands';
import { registerPkiCommands } from './commands/pki/pki.commands';
import { registerScenCommands } from './commands/scen/scen.commands';
import { rewriteScenFlags } from './commands/scen/scen-argv';
import { registerNappCommands } from './commands/napp/napp.commands';
import { findConfigFile, gitServerOf, parseConfig, type OctlConfig } from './config';
import { registerCmdCommands } from './commands/cmd/cmd.commands';
import { rewriteCmdFlags } from './commands/cmd/cmd-argv';
import { rewriteFileFlags } from './commands/file/file-argv';
import { registerFileCommands } from './commands/file/file.commands';
import { registerLogCommands } from './commands/log/log.commands';
import { registerTaskCommands } from './commands/task/task.commands';
import { registerTokenCommands } from './commands/token/token.commands';
import { workgroupPlace, type WorkgroupPlace } from './commands/wg/current-path';
import { registerWgCommands } from './commands/wg/wg.commands';
import type { AccessApi, BrainApi, CliContext, SignalSource, SshHost, WorkgroupApi } from './context';
import { registerSshCommands } from './commands/ssh/ssh.commands';
import { registerPakma } from './commands/pakma/pakma.commands';
import { processSshHost } from './commands/ssh/ssh-host';
import { OctlError } from './errors';
import { createOutput, selectFormat, type OutputFormat } from './output/output';
import { OCTL_VERSION } from './version';

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  home: string;
  now?: () => number;
  /** Ctrl-C and SIGTERM, so `cmd run` can cancel its task; none in tests that do not send signals. */
  signals?: SignalSource;
  /** Unit tests: a brain in memory instead of the one octl.yaml names. */
  connect?: () => Promise<BrainApi>;
  /** Unit tests: `wg`'s operations in memory, acting in the given workgroup. */
  connectWorkgroups?: (workgroupPath: string) => Promise<WorkgroupApi>;
  /** Unit tests: where the current workgroup is kept (default: octl.yaml's workgroup.currentPathFile). */
  place?: WorkgroupPlace;
  /** Where `login` reads a password (a terminal without echo, or `--password-stdin`). */
  stdin?: SecretInput;
  /** Unit tests: tokens and the audit trail in memory. */
  connectAccess?: () => Promise<AccessApi>;
  /** Unit tests: the token octl keeps, and logging in. */
  session?: Session;
  /** The process parts `ssh` uses (main.ts: the real ones; tests: fakes). */
  ssh?: Partial<SshHost>;
}

interface GlobalOptions {
  config?: string;
  output?: string;
}

/**
 * Octopoda's two-letter flags (`-sf`, and `cmd run`'s `-ta`, `-cc`, `-bg`, `-ss`, plus `-c` which there means the
 * command, not the config) and `file upload`'s `-f=false` cannot be declared in commander, and `scen|napp
 * version -o` (offset) / `reset -v` (version) would be taken by the global -o / -v; rewrite them to long options
 * before parsing.
 */
export function normalizeArgv(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  const rewritten = argv.map((arg, i) => {
    if (end !== -1 && i > end) return arg;
    if (arg === '-sf') return '--state-filter';
    return arg.startsWith('-sf=') ? `--state-filter=${arg.slice(4)}` : arg;
  });
  return rewriteScenFlags(rewriteFileFlags(rewriteCmdFlags(rewritten)));
}

function configPathOf(io: CliIo, flag: string | undefined): string {
  return findConfigFile({ flag, env: io.env, cwd: io.cwd, home: io.home, exists: existsSync });
}

function loadConfig(io: CliIo, flag: string | undefined): OctlConfig {
  const path = configPathOf(io, flag);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OctlError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseConfig(text, path);
}

function buildProgram(io: CliIo, ctx: CliContext): Command {
  const program = new Command('octl')
    .description('Octopod command line: the nodes of a fleet, commands on them, and certificates')
    .option(
      '-c, --config <file>',
      'octl.yaml (else $OCTL_CONFIG, ./octl.yaml, ~/.config/octopod/octl.yaml, /etc/octopoda/octl/octl.yaml)',
    )
    .option('-o, --output <format>', 'table, json or yaml (default: table on a terminal, json otherwise)')
    .version(OCTL_VERSION, '-v, --version', 'print the version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: () => undefined, // reported once, in our format, by runOctl
    });
  // Settings above are inherited by subcommands created from here on.
  registerNodeCommands(program, ctx);
  registerCmdCommands(program, ctx);
  registerFileCommands(program, ctx);
  registerTaskCommands(program, ctx);
  registerWgCommands(program, ctx);
  registerPkiCommands(program, ctx);
  registerScenCommands(program, ctx, io.cwd);
  registerNappCommands(program, ctx);
  registerAuthCommands(program, ctx);
  registerTokenCommands(program, ctx);
  registerAuditCommand(program, ctx);
  registerLogCommands(program, ctx);
  registerSshCommands(program, ctx);
  registerPakma(program, ctx);
  program.hook('preAction', () => void ctx.output()); // a bad -o fails before anything is done
  return program;
}

function report(error: unknown, io: CliIo): number {
  const say = (message: string): void => void io.stderr.write(`octl: ${message}\n`);
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    // Commander already printed the help to stderr (e.g. `octl node` without a verb).
    if (error.code === 'commander.help') return 2;
    say(`${error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')} (see --help)`);
    return 2;
  }
  if (error instanceof OctlError) {
    if (error.message) say(error.message); // empty: the status of a program octl ran (ssh), which spoke itself
    return error.exitCode;
  }
  say(error instanceof Error ? error.message : String(error));
  return 1;
}

/** Runs one octl invocation in-process; resolves with the exit status. */
export async function runOctl(argv: readonly string[], io: CliIo): Promise<number> {
  /** One client per workgroup it acts in (`wg cd` checks its target from inside it). */
  const clients = new Map<string, Promise<OctopodClient>>();
  let given: Promise<BrainApi> | undefined;
  let config: OctlConfig | undefined;
  let place: WorkgroupPlace | undefined;
  let format: OutputFormat | undefined;
  let program: Command | undefined;
  const globals = (): GlobalOptions => program?.opts<GlobalOptions>() ?? {};
  const selected = (): OutputFormat => (format ??= selectFormat(globals().output, io.stdout.isTTY === true));
  const loaded = (): OctlConfig => (config ??= loadConfig(io, globals().config));
  // Logged in with a token, octl's root group is the token's group (octl.yaml's `workgroup.root` otherwise).
  const workgroup = (): WorkgroupPlace =>
    (place ??=
      io.place ??
      workgroupPlace({
        ...loaded().workgroup,
        root: tokenRoot(loaded(), io.home) ?? loaded().workgroup.root,
      }));
  const connect = (path = workgroup().current()): Promise<OctopodClient> => {
    let client = clients.get(path);
    if (!client) {
      // At the root group no header: the brain puts the caller at the group it authenticated as.
      const workgroupPath = path === workgroup().root ? undefined : path;
      client = createClientFromConfig(withTokenFile(loaded(), io.home), { workgroupPath });
      clients.set(path, client);
    }
    return client;
  };
  const ctx: CliContext = {
    client: () => (io.connect ? (given ??= io.connect()) : connect()),
    workgroups: (path) =>
      io.connectWorkgroups ? io.connectWorkgroups(path ?? workgroup().current()) : connect(path),
    workgroup,
    access: () => (io.connectAccess ? io.connectAccess() : connect()),
    session: () =>
      io.session ??
      createSession({
        config: loaded(),
        home: io.home,
        rootPath: workgroup().root,
        stdin: io.stdin,
        writePrompt: (t) => void io.stderr.write(t),
        anonymous: () => {
          // Kept with the others so it is closed at the end.
          const client = clients.get('\0anonymous') ?? createClientFromConfig(loaded(), { anonymous: true });
          clients.set('\0anonymous', client);
          return client;
        },
      }),
    brainLocation: () => {
      const { httpsNameServer: ns, brain } = loaded();
      return ns.enable
        ? { brainName: brain.name, nameServer: { host: ns.host, port: ns.port, httpPort: ns.httpPort } }
        : { brainName: brain.name, apiAddress: `${brain.ip}:${brain.port}` };
    },
    gitServer: () => gitServerOf(loaded()),
    sshHost: () => ({
      ...processSshHost(() => configPathOf(io, globals().config)),
      prompts: io.stderr as NodeJS.WritableStream,
      stdin: io.stdin,
      ...io.ssh,
    }),
    output: () => createOutput(selected(), (t) => void io.stdout.write(t)),
    format: selected,
    terminal: {
      write: (t) => void io.stdout.write(t),
      writeErr: (t) => void io.stderr.write(t),
      isTTY: io.stdout.isTTY === true,
    },
    signals: io.signals,
    now: io.now ?? Date.now,
  };
  try {
    program = buildProgram(io, ctx);
    await program.parseAsync(normalizeArgv(argv), { from: 'user' });
    return 0;
  } catch (error) {
    return report(error, io);
  } finally {
    for (const client of clients.values()) await client.then((c) => c.close()).catch(() => undefined);
  }
}
