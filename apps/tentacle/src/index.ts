/** What other programs (benchmarks, tests) reuse from the tentacle; `main.ts` is the agent's entry point. */
export { ConfigError } from '@octopod/config';
export { configSchema, loadConfig, parseConfig, type TentacleConfig } from './config';
export { startTentacle, type TentacleDeps, type TentacleHandle } from './tentacle';
export { Link, type LinkEvents, type LinkOptions, type ReadyEvent, type DownEvent } from './link/link';
export { nameServerResolver, staticResolver, type NameServerLocation, type Resolver } from './link/resolver';
export { parseAddress, type BrainAddress } from './link/address';
export { StatusSampler, type StatusSource } from '@octopod/host';
export {
  startSwarm,
  simulatedName,
  type Swarm,
  type SwarmOptions,
  type SwarmReady,
  type SwarmStats,
} from './swarm/swarm';
