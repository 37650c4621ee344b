/** The environment of a command or script: Octopoda's variables (spec §7) on top of the tentacle's own. */

export interface OctopodaPaths {
  nodeName: string;
  workspaceRoot: string;
  store: string;
  /** Log directory; '' when the tentacle logs to stdout only. */
  logPath: string;
  pakmaRoot: string;
}

export interface ScriptPlace {
  /** Directory of the script file. */
  dir: string;
  /**
   * The script's name as given (sanitised), which Octopoda sets as OCTOPODA_FILENAME; the file on disk carries
   * the invocation id in front so that concurrent runs of one name never share a file.
   */
  name: string;
  /** The file whose contents become the script's result. */
  outputPath: string;
}

/**
 * Octopoda's shipped config writes every directory with a trailing slash and its scripts concatenate
 * (`$OCTOPODA_WORKSPACE$file`); our config holds resolved paths, so the slash is added back here.
 */
export function asDir(path: string): string {
  return path === '' || path.endsWith('/') ? path : `${path}/`;
}

/** The nodeapp a scenario's script runs in. */
export interface AppPlace {
  app: string;
  scenario: string;
  /** The nodeapp's directory, the process's working directory. */
  dir: string;
}

/**
 * `OCTOPODA_*` as Octopoda sets them: `NONE` for the script fields of a plain command. In a nodeapp, also its
 * app and scenario (which Octopoda 1.8.4 left empty) and the nodeapp's directory as the current one.
 */
export function octopodaVariables(
  paths: OctopodaPaths,
  script?: ScriptPlace,
  app?: AppPlace,
): Record<string, string> {
  return {
    OCTOPODA_NODENAME: paths.nodeName,
    OCTOPODA_CURRENTDIR: asDir(app ? app.dir : script ? script.dir : paths.workspaceRoot),
    OCTOPODA_FILENAME: script ? script.name : 'NONE',
    OCTOPODA_OUTPUT: script ? script.outputPath : 'NONE',
    // Octopoda hard-codes this one.
    OCTOPODA_ROOT: '/root/',
    OCTOPODA_WORKSPACE: asDir(paths.workspaceRoot),
    OCTOPODA_FSTORE: asDir(paths.store),
    OCTOPODA_LOG: asDir(paths.logPath),
    OCTOPODA_PAKMA: asDir(paths.pakmaRoot),
    ...(app ? { OCTOPODA_APP: app.app, OCTOPODA_SCENARIO: app.scenario } : {}),
  };
}

/**
 * Later layers win: the tentacle's environment, then Octopoda's variables, then the configured `env` pairs,
 * then the task's own `env`.
 */
export function buildEnvironment(
  base: NodeJS.ProcessEnv,
  octopoda: Record<string, string>,
  configured: readonly { key: string; value: string }[],
  task: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  Object.assign(env, octopoda);
  for (const { key, value } of configured) env[key] = value;
  Object.assign(env, task);
  return env;
}
