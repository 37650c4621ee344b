import { z } from 'zod';

/** What a tunnel may reach on a node. Only its sshd today; the tentacle's config says where that listens. */
export const tunnelServices = ['ssh'] as const;

/** Brain → tentacle: open a TCP stream to a local service; answered by `tunnel.opened` or an `error`. */
export const tunnelOpenSchema = z.object({
  tunnelId: z.uuid(),
  service: z.enum(tunnelServices),
});

/** Tentacle → brain: the stream is connected; bytes may flow. */
export const tunnelOpenedSchema = z.object({ tunnelId: z.uuid() });

/**
 * Either way: the receiver wrote `bytes` more of this tunnel's bytes to its socket, so the sender may send that
 * many more (per-tunnel flow control: one slow ssh session never stalls the link).
 */
export const tunnelAckSchema = z.object({
  tunnelId: z.uuid(),
  bytes: z.number().int().positive(),
});

/** Either way: this end's stream ended (or failed: `reason`); the other end closes its side. */
export const tunnelCloseSchema = z.object({
  tunnelId: z.uuid(),
  reason: z.string().max(512).optional(),
});

export type TunnelService = (typeof tunnelServices)[number];
export type TunnelOpen = z.infer<typeof tunnelOpenSchema>;
export type TunnelAck = z.infer<typeof tunnelAckSchema>;
export type TunnelClose = z.infer<typeof tunnelCloseSchema>;
