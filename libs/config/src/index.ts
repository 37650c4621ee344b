export { ConfigError } from './config-error';
export { applyEnvOverrides, type Env, type EnvOverrides } from './env-overrides';
export { formatIssues, type IssueOptions } from './issues';
export { booleanish, numeric } from './coerce';
export { parseConfig, type ParseOptions } from './parse-config';
export { readYamlDocument } from './yaml-document';
