import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { UsageError } from '../../errors';
import type { OutputSink } from '../../output/output';
import { isAll } from '../scen/get.command';
import { scenDepsOf, type ScenarioApi } from '../scen/scen-api';
import { checkNode, findNodeApp, parseNodeAppRef } from './napp-ref';
import { nodeAppsTable, nodeAppText } from './napp-text';

/** `napp get <node> [[ALL] | <app>@<scen>]`: a node's nodeapps (latest 3 versions each), or one of them. */
export async function nappGet(
  api: Pick<ScenarioApi, 'listNodeApps'>,
  node: string,
  words: readonly string[],
  out: OutputSink,
): Promise<void> {
  checkNode(node);
  if (words.length > 1) throw new UsageError(`napp get takes one <app>@<scen>, got: ${words.join(' ')}`);
  if (isAll(words[0])) {
    const apps = await api.listNodeApps(node);
    return out.print({ data: apps, table: () => nodeAppsTable(node, apps) });
  }
  const app = await findNodeApp(api, node, parseNodeAppRef(words[0]!));
  out.print({ data: app, table: () => nodeAppText(node, app) });
}

export function registerNappGet(napp: Command, ctx: CliContext): void {
  napp
    .command('get')
    .description("a node's nodeapps with their latest versions, or one nodeapp")
    .usage('[options] <node> [[ALL] | <app>@<scen>]')
    .argument('<node>', 'the node')
    .argument('[app@scen...]', 'one nodeapp; none or ALL: all of them')
    .addHelpText(
      'after',
      '\nExamples:\n  octl napp get pi-1\n  octl napp get pi-1 helloPrinter@helloWorld -o json',
    )
    .action(async (node: string, words: string[]) => {
      const deps = await scenDepsOf(ctx);
      await nappGet(deps.api, node, words, deps.out);
    });
}
