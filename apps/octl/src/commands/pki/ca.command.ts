import { createCa } from '@octopod/pki';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { OutputSink } from '../../output/output';
import { guardOverwrite, writePair } from './pki-files';

export interface PkiCaOptions {
  dir: string;
  cn?: string;
  force?: boolean;
}

export function pkiCa(options: PkiCaOptions, out: OutputSink): void {
  guardOverwrite(resolve(options.dir), 'ca', options.force ?? false);
  out.print(writePair(options.dir, 'ca', createCa({ commonName: options.cn })));
}

export function registerPkiCa(pki: Command, output: () => OutputSink): void {
  pki
    .command('ca')
    .description('create the certificate authority (ca.pem, ca.key) that signs every other certificate')
    .requiredOption('--dir <dir>', 'directory to write into')
    .option('--cn <name>', 'common name of the CA', 'Octopod CA')
    .option('--force', 'replace an existing CA (certificates it signed stop being trusted)')
    .action((options: PkiCaOptions) => pkiCa(options, output()));
}
