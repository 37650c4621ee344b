import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { FOLLOW_HELP } from '../scen/apply.command';
import { startAndFollow } from '../scen/follow-run';
import { scenDepsOf, type ScenDeps } from '../scen/scen-api';
import { parseReset, type ResetOptions } from '../scen/scen-argv';
import { addResetOptions } from '../scen/reset.command';
import { checkNode, findNodeApp, parseNodeAppRef, refText, type NodeAppRef } from './napp-ref';
import { nodeAppText } from './napp-text';

/**
 * `napp reset`: shows the nodeapp first (as Octopoda), then has its node go back to the version and the brain
 * record a new scenario version; follows that run. With -o json|yaml, one document: {nodeApp, run}.
 */
export async function nappReset(
  deps: ScenDeps,
  node: string,
  ref: NodeAppRef,
  reset: { version: string; message: string },
): Promise<void> {
  const app = await findNodeApp(deps.api, node, ref);
  if (deps.format === 'table') deps.out.print({ data: app, table: () => nodeAppText(node, app) });
  await startAndFollow(
    deps,
    () => deps.api.resetNodeApp(node, refText(ref), reset),
    (run) => ({ nodeApp: app, run }),
  );
}

export function registerNappReset(napp: Command, ctx: CliContext): void {
  addResetOptions(
    napp
      .command('reset')
      .description('put one nodeapp back to one of its versions, then record a new scenario version')
      .usage('[options] <node> <app>@<scen> -v <version> -m <message>')
      .argument('<node>', 'the node')
      .argument('<app@scen>', 'the nodeapp'),
  )
    .addHelpText(
      'after',
      `
Both -v and -m are required; here -v (--version) is a version of the nodeapp (octl napp version), not of
the scenario nor octl's version.
Prints the nodeapp first, then follows the run.
${FOLLOW_HELP}

Examples:
  octl napp version pi-1 helloPrinter@helloWorld
  octl napp reset pi-1 helloPrinter@helloWorld -v 9b1e04 -m 'undo the hotfix'`,
    )
    .action(async (node: string, text: string, options: ResetOptions) => {
      checkNode(node);
      const ref = parseNodeAppRef(text);
      const reset = parseReset('napp reset', options);
      await nappReset(await scenDepsOf(ctx), node, ref, reset);
    });
}
