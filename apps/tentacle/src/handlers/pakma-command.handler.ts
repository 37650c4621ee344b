import type { PakmaCommand } from '@octopod/protocol';
import type { SessionContext } from './handler-context';

/** `pakma.command` → `pakma.result`: what this host's pakma answered (status 0 when it is not there). */
export function pakmaCommandHandler(context: SessionContext) {
  return async (body: PakmaCommand) => ({
    kind: 'pakma.result' as const,
    body: await context.pakma.ask(body),
  });
}
