import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerPkiCa } from './ca.command';
import { registerPkiClient } from './client.command';
import { registerPkiServer } from './server.command';

/** Certificates for the fleet, made locally with @octopod/pki; never contacts the brain. */
export function registerPkiCommands(program: Command, ctx: CliContext): void {
  const pki = program.command('pki').description('make the CA and the server/client certificates');
  const output = () => ctx.output();
  registerPkiCa(pki, output);
  registerPkiServer(pki, output);
  registerPkiClient(pki, output);
}
