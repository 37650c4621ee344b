import { goDateTime, goDurationMs } from '../../format/go-format';
import { renderTable } from '../../output/table';
import { oneLine } from '../task/task-text';
import type { Scenario, ScenarioRun, ScenarioVersion } from './scen-api';

/** Hashes in tables: enough of them for `reset -v` (any prefix of 2 or more digits works). */
const SHORT_HASH = 12;

export const short = (hash: string): string => (hash ? hash.slice(0, SHORT_HASH) : '-');
export const when = (iso: string | null): string => (iso ? goDateTime(new Date(iso)) : '-');

export function scenariosTable(scenarios: readonly Scenario[]): string {
  if (scenarios.length === 0) return 'no scenarios (octl scen apply <scenDir> prepares one)';
  const rows = scenarios.map((s) => [
    s.name,
    s.version ? short(s.version.hash) : '-',
    when(s.version?.time ?? null),
    String(s.apps.length),
    oneLine(s.description, 60),
  ]);
  return renderTable(['NAME', 'VERSION', 'UPDATED', 'APPS', 'DESCRIPTION'], rows);
}

export function scenarioText(s: Scenario): string {
  const version = s.version
    ? `${s.version.hash} (${when(s.version.time)}) ${oneLine(s.version.message, 60)}`
    : 'none yet';
  const rows = s.apps.flatMap((app) =>
    app.nodeApps.length === 0
      ? [[app.name, '-', '-']]
      : app.nodeApps.map((n) => [app.name, n.node, short(n.version)]),
  );
  return [
    `scenario ${s.name}: ${oneLine(s.description, 80)}`,
    `workgroup: ${s.workgroup || '/'}`,
    `version: ${version}`,
    '',
    renderTable(['APP', 'NODE', 'NODEAPP VERSION'], rows),
  ].join('\n');
}

/** Scenario and nodeapp versions alike: hash, time, message; newest first. */
export function versionsTable(
  versions: readonly Pick<ScenarioVersion, 'hash' | 'time' | 'message'>[],
): string {
  if (versions.length === 0) return 'no versions';
  const rows = versions.map((v) => [short(v.hash), when(v.time), oneLine(v.message, 60)]);
  return renderTable(['VERSION', 'TIME', 'MESSAGE'], rows);
}

function took(run: ScenarioRun): string {
  if (!run.endedAt) return '-';
  return goDurationMs(Math.max(0, Date.parse(run.endedAt) - Date.parse(run.createdAt)));
}

export function runsTable(runs: readonly ScenarioRun[]): string {
  if (runs.length === 0) return 'no runs';
  const rows = runs.map((r) => [
    r.id,
    r.scenario,
    r.target,
    r.state,
    when(r.createdAt),
    took(r),
    oneLine(r.error ?? '', 60),
  ]);
  return renderTable(['ID', 'SCENARIO', 'TARGET', 'STATE', 'CREATED', 'TOOK', 'ERROR'], rows);
}
