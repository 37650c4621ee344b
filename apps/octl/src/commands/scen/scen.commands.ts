import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerScenCreate } from './create.command';

/** Scenarios: a folder (deployment.yaml, alias.yaml, scripts, sources) deployed to nodes target by target. */
export function registerScenCommands(program: Command, ctx: CliContext, cwd: string): void {
  const scen = program
    .command('scen')
    .description('scenarios: applications, their scripts and sources, deployed to nodes target by target');
  registerScenCreate(scen, cwd, () => ctx.output());
}
