import type { Installer } from '../install/installer';

/** Records what the supervisor asked for; a version in `failing` fails to activate; `hold` parks activations. */
export class FakeInstaller implements Installer {
  readonly activated: string[] = [];
  readonly cleaned: string[][] = [];
  failing = new Map<string, string>();
  private held: (() => void)[] | undefined;

  hold(): void {
    this.held = [];
  }

  /** Lets every parked activation go on. */
  releaseHeld(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const go of held) go();
  }

  async activate(version: string): Promise<void> {
    if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve));
    const failure = this.failing.get(version);
    if (failure) throw new Error(failure);
    this.activated.push(version);
  }

  async clean(keep: readonly string[]): Promise<string[]> {
    this.cleaned.push([...keep]);
    return [];
  }
}
