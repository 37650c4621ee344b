export * from './tunnel-messages';
export { TUNNEL_HEADER_BYTES, decodeTunnelFrame, tunnelHeader } from './tunnel-frame';
export {
  DEFAULT_TUNNEL_WINDOW_BYTES,
  MAX_TUNNEL_FRAME_PAYLOAD,
  TunnelEnd,
  type TunnelEndOptions,
  type TunnelLink,
} from './tunnel-end';
export { TunnelTable } from './tunnel-table';
