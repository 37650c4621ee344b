import type { Command } from 'commander';
import type { CliContext } from '../../context';
import { registerScenApply } from './apply.command';
import { registerScenCreate } from './create.command';
import { registerScenGet } from './get.command';
import { registerScenRepo } from './repo.command';
import { registerScenReset } from './reset.command';
import { registerScenRuns } from './runs.command';
import { registerScenVersion } from './version.command';

/** Scenarios: a folder (deployment.yaml, alias.yaml, scripts, sources) deployed to nodes target by target. */
export function registerScenCommands(program: Command, ctx: CliContext, cwd: string): void {
  const scen = program
    .command('scen')
    .description('scenarios: applications, their scripts and sources, deployed to nodes target by target');
  registerScenCreate(scen, cwd, () => ctx.output());
  registerScenRepo(scen, ctx, cwd);
  registerScenApply(scen, ctx, cwd);
  registerScenGet(scen, ctx);
  registerScenVersion(scen, ctx);
  registerScenReset(scen, ctx);
  registerScenRuns(scen, ctx);
}
