import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { NodesRepository } from '../nodes/nodes.repository';
import { PakmaStateType, parsePakmaBody } from './pakma-state';
import { PakmaService } from './pakma.service';
import type { RolloutNode, RolloutWave } from './rollout-plan';
import { RolloutsRepository, type RolloutOptions } from './rollouts.repository';

const ALREADY_INSTALLED = 'required version is already installed';

/**
 * Brings a rollout's nodes to its version, wave after wave: each node's pakma is told to upgrade, then asked for
 * its state until it confirmed the version (pakma confirms only once the new tentacle has reconnected and stayed
 * healthy) and the node reports that version to the brain. A node that fails — pakma refused or rolled back, the
 * node could not be asked, no confirmation in time — fails its wave, and later waves never start. Every change is
 * stored, so a resumed job goes on where it was; an upgrade sent again (a crash between sending and storing) is
 * refused by pakma as already under way, and watched like the others.
 */
@Injectable()
export class RolloutRunner {
  private readonly logger = new Logger('rollout');

  constructor(
    private readonly rollouts: RolloutsRepository,
    private readonly pakma: PakmaService,
    private readonly nodes: NodesRepository,
  ) {}

  async run(id: string): Promise<void> {
    const rollout = await this.rollouts.find(id);
    if (!rollout || rollout.state !== 'running') return;
    const waves = rollout.waves as unknown as RolloutWave[];
    const options = rollout.options as unknown as RolloutOptions;
    const save = () => this.rollouts.saveWaves(id, waves);
    for (const [index, wave] of waves.entries()) {
      if (wave.state === 'succeeded') continue;
      wave.state = 'running';
      await save();
      await Promise.all(
        wave.nodes.filter((n) => n.state === 'pending').map((n) => this.start(n, rollout.version)),
      );
      await save();
      await this.watch(wave, rollout.version, options, save);
      const failed = wave.nodes.filter((n) => n.state === 'failed');
      if (failed.length > 0) {
        wave.state = 'failed';
        for (const later of waves.slice(index + 1)) {
          later.state = 'skipped';
          for (const node of later.nodes) node.state = 'skipped';
        }
        await save();
        const why = failed.map((n) => `${n.node}: ${n.detail ?? 'failed'}`).join('; ');
        await this.rollouts.end(id, 'failed', `wave ${index + 1} failed (${why}); later waves not started`);
        this.logger.warn(
          { rollout: id, wave: index + 1, failed: failed.map((n) => n.node) },
          'rollout stopped',
        );
        return;
      }
      wave.state = 'succeeded';
      await save();
      this.logger.log({ rollout: id, wave: index + 1, nodes: wave.nodes.length }, 'wave confirmed');
    }
    await this.rollouts.end(id, 'succeeded', null);
  }

  /** Ends a rollout whose job failed, so it does not look running for good. */
  async abandon(id: string, reason: string): Promise<void> {
    await this.rollouts.end(id, 'failed', `stopped: ${reason}`);
  }

  /** Tells one node's pakma to upgrade. */
  private async start(node: RolloutNode, version: string): Promise<void> {
    const outcome = await this.pakma.ask(node.node, { command: 'upgrade', version });
    const answer = parsePakmaBody(outcome);
    if (!outcome.reached) return fail(node, `could not be asked: ${outcome.body}`);
    if (!answer) return fail(node, `pakma did not answer: ${outcome.body}`);
    if (outcome.status === 200) {
      node.state = 'upgrading';
      node.detail = `upgrading to ${version}`;
      return;
    }
    // Already there, or (a resumed job) already previewing this very version: watch it like the others.
    if (answer.msg === ALREADY_INSTALLED || (await this.previewing(node.node, version))) {
      node.state = 'upgrading';
      node.detail = answer.msg;
      return;
    }
    fail(node, `pakma refused: ${answer.msg ?? outcome.body}`);
  }

  private async previewing(node: string, version: string): Promise<boolean> {
    const state = parsePakmaBody(await this.pakma.ask(node, { command: 'state' }));
    return state?.state_type === PakmaStateType.preview && state.preview_version === version;
  }

  /** Asks the wave's upgrading nodes for their state until none is upgrading, or the wave's time is up. */
  private async watch(
    wave: RolloutWave,
    version: string,
    options: RolloutOptions,
    save: () => Promise<unknown>,
  ): Promise<void> {
    const deadline = Date.now() + options.waveTimeoutSeconds * 1000;
    for (;;) {
      const upgrading = wave.nodes.filter((n) => n.state === 'upgrading');
      if (upgrading.length === 0) return;
      await Promise.all(upgrading.map((node) => this.check(node, version)));
      await save();
      if (Date.now() >= deadline) {
        for (const node of wave.nodes.filter((n) => n.state === 'upgrading'))
          fail(
            node,
            `no confirmation of ${version} within ${options.waveTimeoutSeconds} s (${node.detail ?? ''})`,
          );
        return;
      }
      if (wave.nodes.some((n) => n.state === 'upgrading')) await sleep(options.pollSeconds * 1000);
    }
  }

  private async check(node: RolloutNode, version: string): Promise<void> {
    const outcome = await this.pakma.ask(node.node, { command: 'state' });
    const state = parsePakmaBody(outcome);
    if (!state) {
      node.detail = `restarting? ${outcome.body}`.slice(0, 300); // its tentacle may be restarting: ask again
      return;
    }
    // A background failure (download, signature, install) is reported once, with 400.
    if (outcome.status !== 200) return fail(node, `pakma: ${state.msg ?? outcome.body}`);
    if (state.state_type === PakmaStateType.preview) {
      node.detail = `previewing ${state.preview_version ?? version}`;
      return;
    }
    if (state.state_type !== PakmaStateType.stable)
      return fail(node, `pakma has no version installed (state ${state.state_type ?? '?'})`);
    if (state.curr_version !== version)
      return fail(node, `rolled back: still runs ${state.curr_version ?? 'nothing'}`);
    const reported = (await this.nodes.find(node.node))?.version;
    if (reported !== version) {
      node.detail = `pakma confirmed ${version}; the node reports ${reported ?? 'nothing'} so far`;
      return;
    }
    node.state = 'confirmed';
    node.detail = `runs ${version}`;
  }
}

function fail(node: RolloutNode, detail: string): void {
  node.state = 'failed';
  node.detail = detail.slice(0, 500);
}
