// Names for parts of the generated task types that octl and tests spell out.
import type { GeneratedApi, Invocation } from './generated/api';

export type InvocationState = Invocation['state'];

/** Query of `listTasks` (`GET /api/v2/tasks`): limit, before (a createdAt, from `nextBefore`), node, state. */
export type ListTasksQuery = NonNullable<Parameters<GeneratedApi['listTasks']>[0]>;
