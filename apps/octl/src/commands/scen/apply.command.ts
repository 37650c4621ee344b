import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import type { CliContext } from '../../context';
import { OctlError } from '../../errors';
import { EXIT_INTERRUPTED } from '../cmd/cancel-task';
import type { Interrupts } from '../cmd/interrupts';
import { planApply, scenarioIssues, type ApplyFlags, type ApplyPlan } from './apply-options';
import { startAndFollow } from './follow-run';
import { scenDepsOf, type ScenarioRun, type ScenDeps } from './scen-api';
import { checkScenarioFolder, packScenarioFolder } from './scen-folder';

const nothingApplied = (): OctlError => new OctlError('interrupted: nothing was applied', EXIT_INTERRUPTED);

/** Packs the folder's contents and uploads them; answers the blob's sha256. */
async function uploadFolder(deps: ScenDeps, path: string, interrupts: Interrupts): Promise<string> {
  const packed = await packScenarioFolder(path);
  try {
    const blob = await deps.api.uploadBlob(createReadStream(packed.path), packed.size, {
      sha256: packed.sha256,
      signal: interrupts.first,
    });
    return blob.sha256;
  } catch (error) {
    if (interrupts.fired) throw nothingApplied();
    throw error;
  } finally {
    await packed.cleanup();
  }
}

/** An `invalid_scenario` answer: every issue on its own line (stderr), then one error. */
function refused(deps: ScenDeps, plan: ApplyPlan, error: unknown): unknown {
  const issues = scenarioIssues(error);
  if (!issues) return error;
  for (const issue of issues) deps.terminal.writeErr(`${issue}\n`);
  const what = 'dir' in plan.source ? plan.source.dir : plan.source.git.url;
  const count = issues.length === 1 ? '1 issue' : `${issues.length} issues`;
  return new OctlError(`${what} is not a valid scenario (${count})`);
}

/**
 * `scen apply`: sends the folder (or its git address) to the brain, which checks it and starts a run of the
 * target; then follows the run. Exit 1 when the folder is refused or the run failed; Ctrl-C stops following.
 */
export async function scenApply(deps: ScenDeps, cwd: string, plan: ApplyPlan): Promise<void> {
  const { source } = plan;
  await startAndFollow(deps, async (interrupts): Promise<ScenarioRun> => {
    const from =
      'git' in source
        ? { git: source.git }
        : { blob: await uploadFolder(deps, await checkScenarioFolder(cwd, source.dir), interrupts) };
    if (interrupts.fired) throw nothingApplied();
    try {
      return await deps.api.applyScenario({
        ...from,
        target: plan.target,
        ...(plan.message === undefined ? {} : { message: plan.message }),
        stopOnError: plan.stopOnError,
      });
    } catch (error) {
      throw refused(deps, plan, error);
    }
  });
}

export const FOLLOW_HELP = `
Output: on a terminal, a line as each stage starts and as each node ends its step (failures with the node's
error), then "run <id>: success" (or "failed: <why>") and the version recorded. With -o json|yaml (the default
when stdout is not a terminal), the final run. Exit 1 if the run failed. Ctrl-C stops following only: the run
goes on on the brain (octl scen run <id> shows it).`;

export function registerScenApply(scen: Command, ctx: CliContext, cwd: string): void {
  scen
    .command('apply')
    .description('apply a target of a scenario folder on its nodes (default: prepare, then start)')
    .usage('[options] <scenDir> [target]  |  --git <url> [--ref <ref>] [target]')
    .argument('[scenDir]', 'the scenario folder (with deployment.yaml); not given with --git')
    .argument(
      '[target]',
      'prepare, default (prepare + start), start, stop, commit (needs -m), purge, or a custom target',
    )
    .option('-m, --message <msg>', 'recorded with the new version (required by target commit)')
    .option('--stop-on-error', 'stop at the first failed step (default: go on, as Octopoda)')
    .option(
      '--git <url>',
      'have the brain fetch the folder from this http(s) git repository instead (credentials may be in the URL)',
    )
    .option('--ref <ref>', "with --git: branch, tag or commit (default: the repository's HEAD)")
    .addHelpText(
      'after',
      `${FOLLOW_HELP}

Examples:
  octl scen apply ./helloWorld
  octl scen apply ./helloWorld prepare -m 'first cut'
  octl scen apply ./helloWorld commit -m 'tested on the lab'
  octl scen apply ./helloWorld purge
  octl scen apply --git http://git.lab:3000/alice/helloWorld.git --ref v2 start`,
    )
    .action(async (dir: string | undefined, target: string | undefined, flags: ApplyFlags) => {
      const words = [dir, target].filter((w): w is string => w !== undefined);
      const plan = planApply(words, flags);
      await scenApply(await scenDepsOf(ctx), cwd, plan);
    });
}
