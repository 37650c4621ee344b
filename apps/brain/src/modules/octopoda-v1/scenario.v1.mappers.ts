import { nodeAppNameSchema, type NodeAppVersionInfo } from '@octopod/protocol';
import type { ScenarioVersion } from '../../generated/prisma/client';
import type { NodeAppView } from '../scenarios/nodeapps.service';
import type { Snapshot } from '../scenarios/snapshot';
import type { ExecutionResult } from './execution-result';
import { goDateTime } from './go-time';
import { goAtoi, nilIfEmpty } from './v1.mappers';

/** Octopoda's version (protocols/san/version.go): Time as `YYYY-MM-DD hh:mm:ss`, brain local time. */
export interface V1Version {
  Time: string;
  Hash: string;
  Msg: string;
}

/** Octopoda's ScenarioDigest; a scenario without a version has Go's zero values (the epoch as Timestamp). */
export interface V1ScenarioDigest {
  Name: string;
  Description: string;
  Version: string;
  Timestamp: string;
  Message: string;
}

export interface V1ScenarioInfo extends V1ScenarioDigest {
  Apps: Array<{ Name: string; Description: string; NodeApps: string[] }> | null;
}

/** Octopoda's AppDigest (a node's nodeapp and its current version); `Discription` is Octopoda's spelling. */
export interface V1NodeAppDigest {
  Name: string;
  Discription: string;
  CurVersion: V1Version;
}

export interface V1NodeAppInfo {
  Name: string;
  Discription: string;
  Versions: V1Version[] | null;
}

const ZERO_VERSION: V1Version = { Time: goDateTime(0), Hash: '', Msg: '' };

export function toV1ScenarioVersion(version: ScenarioVersion): V1Version {
  return { Time: goDateTime(version.createdAt.getTime()), Hash: version.hash, Msg: version.message };
}

export function toV1NodeAppVersion(version: NodeAppVersionInfo): V1Version {
  return { Time: goDateTime(version.time), Hash: version.hash, Msg: version.message };
}

export function toV1ScenarioDigest(
  scenario: { name: string; description: string },
  latest: ScenarioVersion | undefined,
): V1ScenarioDigest {
  return {
    Name: scenario.name,
    Description: scenario.description,
    Version: latest?.hash ?? '',
    Timestamp: goDateTime(latest?.createdAt.getTime() ?? 0),
    Message: latest?.message ?? '',
  };
}

/** As Octopoda shows a scenario: its latest version, apps and nodeapps as that version recorded them. */
export function toV1ScenarioInfo(
  scenario: { name: string; description: string },
  latest: ScenarioVersion | undefined,
): V1ScenarioInfo {
  const snapshot = (latest?.snapshot ?? null) as Snapshot | null;
  return {
    ...toV1ScenarioDigest(scenario, latest),
    Apps:
      snapshot?.map((app) => ({
        Name: app.name,
        Description: app.description,
        NodeApps: app.nodeApps.map(({ node, version }) => `(${node} - ${version})`),
      })) ?? null,
  };
}

export function toV1NodeAppDigest(app: NodeAppView): V1NodeAppDigest {
  const [current] = app.versions;
  return {
    Name: `${app.app}@${app.scenario}`,
    Discription: app.description,
    CurVersion: current ? toV1NodeAppVersion(current) : ZERO_VERSION,
  };
}

export function toV1NodeAppInfo(app: NodeAppView): V1NodeAppInfo {
  return {
    Name: `${app.app}@${app.scenario}`,
    Discription: app.description,
    Versions: nilIfEmpty(app.versions.map(toV1NodeAppVersion)),
  };
}

/** Octopoda names a nodeapp's entry in a scenario's delete and reset answers `node:app@scenario`. */
export function nodeAppResultName(node: string, app: string, scenario: string): string {
  return `${node}:${app}@${scenario}`;
}

/** A scenario reset's entry: Octopoda put the tentacle's Rmsg in `Result` (`OK`, or why not). */
export function asResetResult(entry: ExecutionResult): ExecutionResult {
  const why = entry.ProcessErrorMsg || entry.CommunicationErrorMsg;
  return { ...entry, Result: entry.Code === 0 ? 'OK' : why };
}

/** Names a nodeapp can have (app and scenario are the directory `<app>@<scenario>` on the node). */
export function isNodeAppName(name: string): boolean {
  return nodeAppNameSchema.safeParse(name).success;
}

/** A record step's detail is the new version's hash, or says why none was made. */
export function isVersionHash(detail: string | null): boolean {
  return detail !== null && /^[0-9a-f]{40}$/.test(detail);
}

/** Octopoda's `offset` (default 0) and `limit` (default 5) query values; the bad one's text when not a number. */
export function pageQuery(
  offset: string | undefined,
  limit: string | undefined,
): { offset: number; limit: number } | { bad: string } {
  const page = { offset: 0, limit: 5 };
  for (const [key, text] of [
    ['offset', offset],
    ['limit', limit],
  ] as const) {
    if (!text) continue;
    const value = goAtoi(text);
    if (value === null) return { bad: `${key}=${text}` };
    page[key] = value;
  }
  return page;
}
