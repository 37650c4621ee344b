import { Injectable } from '@nestjs/common';
import { CloseCode } from '@octopod/protocol';
import type { TentacleSession } from './tentacle-session';

/** Live tentacle connections held by this brain instance, by node name. */
@Injectable()
export class SessionRegistry {
  private readonly byName = new Map<string, TentacleSession>();

  get(name: string): TentacleSession | undefined {
    return this.byName.get(name);
  }

  all(): IterableIterator<TentacleSession> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }

  /** Adds a session; a second connection for the same name replaces (and closes) the first. */
  add(session: TentacleSession & { name: string }): void {
    const previous = this.byName.get(session.name);
    this.byName.set(session.name, session);
    if (previous && previous !== session)
      previous.close(CloseCode.replaced, 'replaced by a newer connection');
  }

  /** Removes the session if it is still the current one for its name; returns whether it was. */
  remove(session: TentacleSession): boolean {
    if (!session.name || this.byName.get(session.name) !== session) return false;
    this.byName.delete(session.name);
    return true;
  }
}
