import { CloseCode, PROTOCOL_VERSION, type Hello, type Envelope } from '@octopod/protocol';
import { BRAIN_NODE } from '../../nodes/node-state';
import type { GatewayContext } from '../gateway.context';

function refuse(
  ctx: GatewayContext,
  envelope: Envelope,
  code: string,
  message: string,
  closeCode: number,
): void {
  ctx.logger.warn(
    { code, remote: ctx.session.remoteAddress, certificate: ctx.session.certificateName },
    message,
  );
  ctx.session.link.send('error', { code, message }, envelope.id);
  ctx.session.close(closeCode, message);
}

/** First message of every connection: the node proves its name with its certificate. */
export function helloHandler(ctx: GatewayContext) {
  return async (hello: Hello, envelope: Envelope) => {
    const { session } = ctx;
    if (session.name)
      return refuse(
        ctx,
        envelope,
        'already_greeted',
        'hello sent twice on one connection',
        CloseCode.badMessage,
      );
    if (hello.protocol !== PROTOCOL_VERSION) {
      const message = `tentacle speaks protocol ${hello.protocol}, brain speaks ${PROTOCOL_VERSION}`;
      return refuse(ctx, envelope, 'version_mismatch', message, CloseCode.versionMismatch);
    }
    if (hello.name !== session.certificateName) {
      const message = `certificate CN "${session.certificateName}" does not match hello name "${hello.name}"`;
      return refuse(ctx, envelope, 'identity_mismatch', message, CloseCode.identityMismatch);
    }
    if (hello.name === BRAIN_NODE) {
      const message = `"${BRAIN_NODE}" is the brain's own name and cannot be used by a node`;
      return refuse(ctx, envelope, 'reserved_name', message, CloseCode.identityMismatch);
    }
    session.name = hello.name;
    try {
      await ctx.presence.join(session, hello);
    } catch (error) {
      ctx.logger.error({ node: hello.name, error: (error as Error).message }, 'could not record join');
      return refuse(
        ctx,
        envelope,
        'unavailable',
        'the brain could not record this connection; retry later',
        CloseCode.internalError,
      );
    }
    session.joined = true;
    // Only now visible (and replacing an older connection): the database already says who holds the node.
    ctx.registry.add(session as typeof session & { name: string });
    // After the welcome has gone out: what this node missed while away.
    const name = hello.name;
    setImmediate(
      () =>
        void ctx.dispatcher
          .onJoin(name)
          .catch((error: Error) =>
            ctx.logger.error({ node: name, error: error.message }, 'could not deliver pending tasks'),
          ),
    );
    return {
      kind: 'welcome' as const,
      body: {
        brainName: ctx.config.name,
        brainVersion: ctx.brainVersion,
        brainTime: Date.now(),
        heartbeatIntervalMs: Math.round(ctx.config.tentacleFace.heartbeatInterval * 1000),
      },
    };
  };
}
