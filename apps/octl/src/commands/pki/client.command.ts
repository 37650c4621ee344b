import { CLIENT_ROLES, issueClientCert, type ClientRole } from '@octopod/pki';
import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import type { OutputSink } from '../../output/output';
import { checkName, guardOverwrite, loadCa, writePair } from './pki-files';

export interface PkiClientOptions {
  dir: string;
  role: ClientRole;
  force?: boolean;
}

export function pkiClient(name: string, options: PkiClientOptions, out: OutputSink): void {
  checkName(name);
  const dir = resolve(options.dir);
  const ca = loadCa(dir);
  guardOverwrite(dir, name, options.force ?? false);
  out.print(writePair(dir, name, issueClientCert(ca, { commonName: name, role: options.role })));
}

export function registerPkiClient(pki: Command, output: () => OutputSink): void {
  pki
    .command('client')
    .description(
      'issue a client certificate (<name>.pem, <name>.key) whose CN is the identity and whose OU is its role',
    )
    .argument('<name>', 'common name and file name, e.g. pi-1 or admin')
    .requiredOption('--dir <dir>', 'directory holding ca.pem/ca.key; the certificate is written there')
    .addOption(
      new Option(
        '--role <role>',
        'node: a tentacle (accepted only by the tentacle gateway); admin: octl and SDKs (accepted only by /api/v2)',
      )
        .choices(CLIENT_ROLES)
        .default('node'),
    )
    .option('--force', 'replace an existing certificate and key')
    .addHelpText(
      'after',
      '\nExamples:\n  octl pki client pi-1 --dir /etc/octopod/pki\n  octl pki client admin --role admin --dir /etc/octopod/pki\n' +
        '\nNodes can instead enrol without copying keys: octl node token create, then tentacle join on the node.',
    )
    .action((name: string, options: PkiClientOptions) => pkiClient(name, options, output()));
}
