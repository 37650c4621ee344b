import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { roleFromSubject } from '@octopod/pki';
import {
  CloseCode,
  ProtocolError,
  REFUSAL_HEADER,
  UpgradeRefusal,
  type UpgradeRefusalCode,
} from '@octopod/protocol';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type VerifyClientCallbackAsync, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import { BRAIN_VERSION } from '../../core/brain-version';
import { BRAIN_CONFIG, BRAIN_INSTANCE_ID } from '../../core/config/config.tokens';
import type { BrainConfig } from '../../core/config/brain-config';
import { RevocationService } from '../enrolment/revocation.service';
import { NodePresenceService } from '../nodes/node-presence.service';
import { LivenessService } from './liveness.service';
import { TaskDispatcher } from '../tasks/task-dispatcher.service';
import { SessionRegistry } from '../sessions/session-registry';
import { TentacleSession } from '../sessions/tentacle-session';
import { buildHandlers } from './handlers/handler-map';

const HELLO_TIMEOUT_MS = 10_000;
export const GATEWAY_PATH = '/tentacle';

interface Refusal {
  code: UpgradeRefusalCode;
  message: string;
}

/**
 * The tentacle-facing WSS listener: TLS with a required client certificate from our CA, one session per
 * connection, connection lifecycle only (message handling lives in ./handlers).
 */
@Injectable()
export class GatewayServer implements BeforeApplicationShutdown {
  private readonly logger = new Logger('gateway');
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  /** Every open connection, greeted or not (a revocation must also close one that has not said hello yet). */
  private readonly live = new Set<TentacleSession>();
  private stopRevocations: (() => void) | undefined;

  constructor(
    @Inject(BRAIN_CONFIG) private readonly config: BrainConfig,
    @Inject(BRAIN_INSTANCE_ID) private readonly instanceId: string,
    private readonly registry: SessionRegistry,
    private readonly presence: NodePresenceService,
    private readonly liveness: LivenessService,
    private readonly dispatcher: TaskDispatcher,
    private readonly revocations: RevocationService,
  ) {}

  async listen(): Promise<AddressInfo> {
    const { ssl, tentacleFace } = this.config;
    this.server = createServer({
      ca: readFileSync(ssl.caCert),
      cert: readFileSync(ssl.serverCert),
      key: readFileSync(ssl.serverKey),
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
    });
    this.server.on('tlsClientError', (error, socket) => {
      this.logger.warn({ remote: socket.remoteAddress, error: error.message }, 'TLS handshake refused');
    });
    this.wss = new WebSocketServer({
      server: this.server,
      path: GATEWAY_PATH,
      maxPayload: tentacleFace.maxPayloadBytes,
      verifyClient: this.verifyClient,
    });
    this.stopRevocations = this.revocations.onRevoked((node, reason) => this.closeNode(node, reason));
    this.wss.on('connection', (socket, request) => this.accept(socket, request));
    // Errors after start (e.g. EMFILE during a reconnect storm) are logged, never fatal.
    this.wss.on('error', (error) => this.logger.error({ error: error.message }, 'gateway error'));
    await this.liveness.start();
    const server = this.server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(tentacleFace.port, tentacleFace.ip, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  /**
   * At the upgrade, before any message: the TLS layer already checked the certificate chains to our CA; here only
   * `node` certificates pass, and none of a revoked node unless signed for it after the revocation.
   */
  private readonly verifyClient: VerifyClientCallbackAsync = ({ req }, done) => {
    const refusal = this.refusalFor(req);
    if (!refusal) return done(true);
    this.logger.warn(
      { remote: req.socket.remoteAddress, code: refusal.code, reason: refusal.message },
      'tentacle refused at upgrade',
    );
    done(false, 403, refusal.message, { [REFUSAL_HEADER]: refusal.code });
  };

  private refusalFor(request: IncomingMessage): Refusal | undefined {
    const peer = (request.socket as TLSSocket).getPeerCertificate();
    const name = String(peer?.subject?.CN ?? '');
    const role = roleFromSubject(peer?.subject);
    if (role !== 'node') {
      const what = role
        ? `an ${role} certificate`
        : 'a certificate without a role (made before roles existed)';
      return {
        code: UpgradeRefusal.wrongRole,
        message: `"${name}" presented ${what}; the tentacle gateway accepts only node certificates (enrol with a join token, or 'octl pki client ${name} --role node')`,
      };
    }
    if (this.revocations.refuses(name, peer.serialNumber ?? '')) {
      return {
        code: UpgradeRefusal.revoked,
        message: `node "${name}" was revoked; it can come back only by enrolling with a new join token`,
      };
    }
    return undefined;
  }

  /** Closes every connection presenting `node`'s certificate; returns how many. */
  private closeNode(node: string, reason: string): number {
    let closed = 0;
    for (const session of this.live) {
      if (session.certificateName !== node) continue;
      session.close(CloseCode.revoked, reason);
      closed++;
    }
    return closed;
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const tls = request.socket as TLSSocket;
    const certificateName = tls.getPeerCertificate()?.subject?.CN ?? '';
    const remoteAddress = `${request.socket.remoteAddress ?? ''}:${request.socket.remotePort ?? ''}`;
    const session = new TentacleSession(
      socket,
      String(certificateName),
      remoteAddress,
      `${this.instanceId}/${randomUUID()}`,
    );
    this.live.add(session);
    const context = {
      session,
      config: this.config,
      brainVersion: BRAIN_VERSION,
      presence: this.presence,
      registry: this.registry,
      dispatcher: this.dispatcher,
      logger: this.logger,
    };
    const peer = session.attach(buildHandlers(context), (error) => {
      this.logger.warn(
        { node: session.name ?? certificateName, error: error.message },
        'bad message from tentacle',
      );
      if (!session.name && error instanceof ProtocolError && error.code === 'version') {
        session.close(CloseCode.versionMismatch, error.message);
      }
    });
    const helloTimer = setTimeout(() => {
      if (!session.name) session.close(CloseCode.badMessage, `no hello within ${HELLO_TIMEOUT_MS} ms`);
    }, HELLO_TIMEOUT_MS);
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        if (!session.name) return session.close(CloseCode.badMessage, 'hello must be the first message');
        if (
          !session.transfers.receiveBinary(data as Buffer) &&
          !session.tunnels.receiveBinary(data as Buffer)
        )
          this.logger.debug({ node: session.name }, 'binary frame of no open transfer ignored');
        return;
      }
      void peer.receive(data.toString());
    });
    socket.on('error', (error) =>
      this.logger.warn({ node: session.name, error: error.message }, 'socket error'),
    );
    socket.on('close', (code, reason) => {
      clearTimeout(helloTimer);
      this.live.delete(session);
      peer.close(`socket closed (${code})`);
      this.registry.remove(session);
      session.transfers.closeAll(`link to ${session.name ?? certificateName} closed (${code})`);
      session.tunnels.closeAll(`link to ${session.name ?? certificateName} closed (${code})`);
      // Always recorded (the holder condition protects a newer connection), after the join by the serial chain.
      if (session.name && session.joined) {
        void this.presence
          .leave(session.name, session.holder, reason.toString() || `close ${code}`)
          .catch((error: Error) =>
            this.logger.error({ node: session.name, error: error.message }, 'could not record leave'),
          );
      }
    });
  }

  /** Before Prisma and Redis close: drop connections, record that this instance holds nothing, withdraw presence. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    this.stopRevocations?.();
    this.wss?.close();
    for (const session of this.registry.all()) session.close(CloseCode.shuttingDown, 'brain shutting down');
    await this.presence
      .releaseInstance(this.instanceId)
      .catch((error: Error) =>
        this.logger.error({ error: error.message }, 'could not release held nodes at shutdown'),
      );
    await this.liveness.stop();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
