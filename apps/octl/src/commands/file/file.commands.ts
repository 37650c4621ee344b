import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerFileDownload } from './download.command';
import { registerFileLs } from './ls.command';
import { registerFileUpload } from './upload.command';

export function registerFileCommands(program: Command, ctx: CliContext): void {
  const file = program.command('file').description('send files to nodes, fetch them, list directories');
  registerFileUpload(file, ctx);
  registerFileDownload(file, ctx);
  registerFileLs(file, ctx);
}
