/** The targets every application must define (Octopoda's checkConfig). */
export const REQUIRED_TARGETS = ['prepare', 'start', 'stop', 'purge'] as const;

export interface ScriptEntry {
  target: string;
  /** Path of the script file relative to the scenario folder. */
  file: string;
  order: number;
}

export interface AppSpec {
  name: string;
  description: string;
  /** Relative to the scenario folder, `/`-separated, '' for the folder itself. */
  scriptpath: string;
  sourcepath: string;
  /** As written (`node`, `@alias`). */
  nodeEntries: string[];
  /** Aliases expanded. */
  nodes: string[];
  scripts: ScriptEntry[];
  /** Octopod extension: apps that must have run a target before this one runs it. */
  dependsOn: string[];
  /** Octopod extension: extra environment for this app's scripts. */
  env: Record<string, string>;
}

export interface ScenarioSpec {
  /** The scenario folder, absolute. */
  dir: string;
  name: string;
  description: string;
  applications: AppSpec[];
}
