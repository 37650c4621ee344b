import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

/** How long a ticket may wait for its WebSocket. */
export const TICKET_TTL_MS = 30_000;

interface Ticket {
  node: string;
  actor: string;
  expiresAt: number;
}

/**
 * One-time tickets for `octl ssh proxy`: an authenticated, scope-checked `POST …/ssh/tunnel` issues one, and the
 * WebSocket that presents it (once, within 30 s) is relayed to that node's sshd. Kept in this instance's memory:
 * the WebSocket must reach the instance that issued it.
 */
@Injectable()
export class TunnelTickets {
  private readonly tickets = new Map<string, Ticket>();

  issue(node: string, actor: string, now = Date.now()): { ticket: string; expiresAt: Date } {
    this.sweep(now);
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = now + TICKET_TTL_MS;
    this.tickets.set(ticket, { node, actor, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** The ticket's node and caller, once; undefined when unknown, used or expired. */
  take(ticket: string, now = Date.now()): { node: string; actor: string } | undefined {
    const found = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return found && found.expiresAt > now ? { node: found.node, actor: found.actor } : undefined;
  }

  private sweep(now: number): void {
    for (const [ticket, { expiresAt }] of this.tickets) if (expiresAt <= now) this.tickets.delete(ticket);
  }
}
