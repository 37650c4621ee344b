export { StatusSampler, type SamplerOptions, type StatusSource } from './sampler';
export { notifySystemdReady, type NotifyOutcome, type SystemdNotifyDeps } from './systemd-notify';
export { askPakma, type PakmaAnswer, type PakmaRequest } from './pakma-client';
