import type { TaskAccepted, TaskOutput, TaskResult, TaskStarted } from '@octopod/protocol';
import type { GatewayContext } from '../gateway.context';

/**
 * What a tentacle reports about the invocations it runs. `task.accepted` and `task.cancel.ok` normally arrive
 * as replies (the peer settles them); arriving on their own they only mean a reply came too late.
 */
export function taskAcceptedHandler(ctx: GatewayContext) {
  return (accepted: TaskAccepted) => {
    ctx.logger.debug({ node: ctx.session.name, invocation: accepted.invocationId }, 'late task.accepted');
  };
}

export function taskCancelOkHandler(ctx: GatewayContext) {
  return (reply: { invocationId: string; found: boolean }) => {
    ctx.logger.debug({ node: ctx.session.name, invocation: reply.invocationId }, 'late task.cancel.ok');
  };
}

export function taskStartedHandler(ctx: GatewayContext) {
  return async (started: TaskStarted) => {
    await ctx.dispatcher.onStarted(ctx.session.name as string, started);
  };
}

export function taskOutputHandler(ctx: GatewayContext) {
  return async (output: TaskOutput) => {
    await ctx.dispatcher.onOutput(ctx.session.name as string, output);
  };
}

/** Stored first, acknowledged after: until the ack the tentacle keeps (and re-sends) the result. */
export function taskResultHandler(ctx: GatewayContext) {
  return async (result: TaskResult) => {
    await ctx.dispatcher.onResult(ctx.session.name as string, result);
    return { kind: 'task.result.ack' as const, body: { invocationIds: [result.invocationId] } };
  };
}
