import { SetMetadata } from '@nestjs/common';

/** Where a route finds the node names it acts on. */
export interface NameSource {
  in: 'query' | 'body' | 'param';
  field: string;
  /**
   * `list` (default): a string or an array of strings; `json`: a JSON array in a string (Octopoda's `targetNodes`);
   * `targets`: names and `@group` references, resolved against the caller's current workgroup.
   */
  format?: 'list' | 'json' | 'targets';
}

/**
 * Which nodes a route may see or touch, declared on every route of both faces (the ScopeGuard refuses a route
 * without one, and the route-matrix test fails on it):
 * - `none`: the route touches no node (health, workgroup tree management, tokens);
 * - `filtered`: the handler shows only nodes in the caller's scope (listings, history);
 * - `names`: every node name found at `from` must be in the caller's scope, else the request is refused as naming
 *   invalid nodes; `brain` passes when `allowBrain`;
 * - `task`: the task named by this path/query field must have only nodes in the caller's scope;
 * - `root`: only callers whose current workgroup is the root (fleet administration: enrolment, revocation).
 */
export type NodeScopeSpec =
  | { kind: 'none' }
  | { kind: 'filtered' }
  | { kind: 'names'; from: NameSource[]; allowBrain?: boolean; refuse?: Refusal }
  | { kind: 'task'; from: NameSource; refuse?: Refusal }
  | { kind: 'root' };

/**
 * What the route answers when the scope refuses (its face's own shape: Octopoda's bodies on /api/v1); the default
 * is /api/v2's 422 `unknown_targets` naming them — out of scope looks exactly like unknown.
 */
export type Refusal = (outside: string[]) => Error;

export const NODE_SCOPE_KEY = 'octopod:node-scope';
export const NodeScope = (spec: NodeScopeSpec) => SetMetadata(NODE_SCOPE_KEY, spec);
