import { OctlError, UsageError } from '../../errors';
import type { NodeApp, ScenarioApi } from '../scen/scen-api';

/** A nodeapp of a node: `<app>@<scenario>`. */
export interface NodeAppRef {
  app: string;
  scenario: string;
}

export const refText = (ref: NodeAppRef): string => `${ref.app}@${ref.scenario}`;

/** `<app>@<scenario>` (the last `@` splits, as on the brain). */
export function parseNodeAppRef(text: string): NodeAppRef {
  const at = text.lastIndexOf('@');
  const ref = { app: text.slice(0, at), scenario: text.slice(at + 1) };
  if (at <= 0 || !ref.scenario) throw new UsageError(`"${text}" is not <app>@<scenario>`);
  return ref;
}

export function checkNode(node: string): string {
  if (!node || node.startsWith('@')) {
    throw new UsageError(`napp wants one node name, got "${node}" (nodeapps live on one node)`);
  }
  return node;
}

/** The nodeapp as the node reports it; an error naming what the node has when it is not there. */
export async function findNodeApp(
  api: Pick<ScenarioApi, 'listNodeApps'>,
  node: string,
  ref: NodeAppRef,
): Promise<NodeApp> {
  const apps = await api.listNodeApps(node);
  const app = apps.find((a) => a.app === ref.app && a.scenario === ref.scenario);
  if (app) return app;
  const has = apps.length ? `it has: ${apps.map((a) => a.name).join(', ')}` : 'it has none';
  throw new OctlError(`node ${node} has no nodeapp ${refText(ref)} (${has})`);
}
