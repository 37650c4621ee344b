export { StatusSampler, type SamplerOptions, type StatusSource } from './sampler';
