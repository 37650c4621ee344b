import { existsSync } from 'node:fs';

/** Octopoda's choice of shell: /bin/bash, else /bin/sh, else whatever `sh` the PATH finds. */
export function pickShell(exists: (path: string) => boolean = existsSync): string {
  if (exists('/bin/bash')) return '/bin/bash';
  if (exists('/bin/sh')) return '/bin/sh';
  return 'sh';
}

/** The file descriptor a gated process waits on before it runs anything. */
export const GATE_FD = 3;

/*
 * A gated process is spawned early and parked in the shell's `read` until the tentacle writes one line to fd 3
 * at the aligned instant: forking and exec'ing a shell takes milliseconds (and varies), a pipe write wakes a
 * waiting process in microseconds. Should the tentacle die first, the read sees end-of-file and nothing runs.
 */
const GATE = `IFS= read -r octopod_gate <&${GATE_FD} || exit 125; exec ${GATE_FD}<&-; unset octopod_gate;`;

/**
 * Arguments for running a command as Octopoda does (`<shell> -c <command>`). Gated, the command runs in the
 * parked shell through `eval` once released, with no positional parameters, as under `-c`.
 */
export function commandArgs(shell: string, command: string, gated: boolean): string[] {
  if (!gated) return ['-c', command];
  return ['-c', `${GATE} octopod_cmd=$1; set --; eval "unset octopod_cmd; $octopod_cmd"`, shell, command];
}

/**
 * Arguments for running a script file (`<shell> <script>`). Gated, the released shell execs a fresh shell on the
 * script so `$0` and the rest behave exactly as ungated (at the cost of one more exec after the instant).
 */
export function scriptArgs(shell: string, scriptPath: string, gated: boolean): string[] {
  if (!gated) return [scriptPath];
  return ['-c', `${GATE} exec "$0" "$1"`, shell, scriptPath];
}
