import type { TaskWithInvocations } from '../../tasks/tasks.repository';
import type { FilesService } from '../../files/files.service';
import type { TasksService } from '../../tasks/tasks.service';
import type { StepSpec } from './run-plan';

export interface StepContext {
  scenario: string;
  app: string;
  taskId: string;
  createdBy: string | null;
  scopePath: string;
}

type TaskStepSpec = Exclude<StepSpec, { kind: 'record' } | { kind: 'forget' }>;

export function isTaskStep(spec: StepSpec): spec is TaskStepSpec {
  return spec.kind !== 'record' && spec.kind !== 'forget';
}

/** Starts the task of a step under the step's own task id (the caller makes sure it does not exist yet). */
export function startStepTask(
  services: { tasks: TasksService; files: FilesService },
  spec: TaskStepSpec,
  ctx: StepContext,
): Promise<TaskWithInvocations> {
  const app = { app: ctx.app, scenario: ctx.scenario };
  const common = { id: ctx.taskId, targets: spec.nodes, createdBy: ctx.createdBy, scopePath: ctx.scopePath };
  const ref = `${ctx.app}@${ctx.scenario}`;
  switch (spec.kind) {
    case 'push':
      return services.files.push({
        ...common,
        blob: spec.blob,
        name: `${ref}.tar`,
        format: 'tar',
        path: '',
        force: true,
        mode: null,
        nodeapp: { ...app, message: spec.message },
        options: {},
      });
    case 'script':
      return services.tasks.create({
        ...common,
        script: { name: spec.file.split('/').at(-1) ?? spec.file, contentBase64: spec.contentBase64 },
        options: { app, env: spec.env },
      });
    case 'commit':
      return services.tasks.create({
        ...common,
        command: `commit ${ref}`,
        nodeapp: { op: 'commit', message: spec.message, always: true },
        options: { app },
      });
    case 'reset':
      return services.tasks.create({
        ...common,
        command: `reset ${ref} to ${spec.version}`,
        nodeapp: { op: 'reset', version: spec.version, message: spec.message },
        options: { app },
      });
    case 'remove':
      return services.tasks.create({
        ...common,
        command: `remove ${ref}`,
        nodeapp: { op: 'remove' },
        options: { app },
      });
  }
}

/** A step's task ended: did every node succeed, and if not, who failed and why (in a line). */
export function taskOutcome(task: TaskWithInvocations): { ok: boolean; detail: string | null } {
  const failed = task.invocations.filter((i) => i.state !== 'success');
  if (failed.length === 0) return { ok: true, detail: null };
  const why = failed.map((i) => `${i.node}: ${i.error ?? (i.stderr.trim().split('\n').at(-1) || i.state)}`);
  return { ok: false, detail: why.join('; ') };
}
