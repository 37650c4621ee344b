import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { scenDepsOf } from '../scen/scen-api';
import { parsePage } from '../scen/scen-argv';
import { versionsTable } from '../scen/scen-text';
import { addPageOptions, PAGE_HELP } from '../scen/version.command';
import { checkNode, parseNodeAppRef, refText } from './napp-ref';

export function registerNappVersion(napp: Command, ctx: CliContext): void {
  addPageOptions(
    napp
      .command('version')
      .description("a nodeapp's versions (its commits on the node): hash, time and message, newest first")
      .usage('[options] <node> <app>@<scen> [-o <offset>] [-l <limit>]')
      .argument('<node>', 'the node')
      .argument('<app@scen>', 'the nodeapp'),
  )
    .addHelpText(
      'after',
      `${PAGE_HELP.replace('scen version', 'napp version')}

Examples:
  octl napp version pi-1 helloPrinter@helloWorld
  octl napp version pi-1 helloPrinter@helloWorld -o 3 -l 3`,
    )
    .action(async (node: string, text: string, options: { offset?: string; limit?: string }) => {
      checkNode(node);
      const ref = parseNodeAppRef(text);
      const page = parsePage(options);
      const deps = await scenDepsOf(ctx);
      const versions = await deps.api.listNodeAppVersions(node, refText(ref), page);
      deps.out.print({ data: versions, table: () => versionsTable(versions) });
    });
}
