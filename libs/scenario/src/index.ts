export { expandNodes, readAliases, type Aliases } from './aliases';
export { formatIssue, ScenarioError, type ScenarioIssue } from './issues';
export { ALIAS_FILE, DEPLOYMENT_FILE, loadScenario, type LoadOptions, type NodeCheck } from './load';
export { REQUIRED_TARGETS, type AppSpec, type ScenarioSpec, type ScriptEntry } from './model';
export { findCycle, planTarget, type PlannedStep } from './plan';
export { git, GitError, AUTHOR } from './git/git';
export { VersionedRepo, VersionNotFoundError, type Committed, type RepoVersion } from './git/versioned-repo';
