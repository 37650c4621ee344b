import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { pakmaCommandSchema } from '@octopod/protocol';
import { AccessLevel } from '../../core/auth/access.decorator';
import { NodeScope } from '../../core/auth/node-scope.decorator';
import { V1Reply } from '../../core/http/api-error';
import { BRAIN_NODE, PakmaService, type PakmaOutcome } from '../pakma/pakma.service';
import type { ExecutionResult } from './execution-result';
import { formField, parseTargetNodes, v1Result } from './v1.mappers';
import { V1ScopeService } from './v1-scope.service';

const refuse = (rmsg: string) => new V1Reply(400, v1Result(rmsg));

/** Octopoda's ExecutionResult of one node's pakma answer: its raw JSON as the Result. */
function toResult(outcome: PakmaOutcome): ExecutionResult {
  const base = { Name: outcome.node, ProcessErrorMsg: '', ResultCompatible: '' };
  if (!outcome.reached)
    return { ...base, Code: 1, CommunicationErrorMsg: `Send pakma request: ${outcome.body}`, Result: '' };
  const result = outcome.status === 0 ? JSON.stringify(v1Result('Pakma request error')) : outcome.body;
  return { ...base, Code: 0, CommunicationErrorMsg: '', Result: result };
}

/**
 * Octopoda's `POST /pakma` (reference spec §13): one pakma command to `brain` and/or nodes, each answered with its
 * pakma's raw JSON. Octopoda did not check the scope here; Octopod does, and only the root may name `brain`.
 */
@ApiExcludeController()
@AccessLevel('octopoda')
@Controller('api/v1')
export class PakmaV1Controller {
  constructor(
    private readonly pakma: PakmaService,
    private readonly scope: V1ScopeService,
  ) {}

  @Post('pakma')
  @HttpCode(200)
  @NodeScope({
    kind: 'names',
    from: [{ in: 'body', field: 'targetNodes', format: 'json' }],
    refuse: () => refuse('ERROR: some nodes are invalid or out of scope.'),
  })
  async command(@Body() form: unknown): Promise<ExecutionResult[]> {
    const limit = formField(form, 'limit');
    const parsed = pakmaCommandSchema.safeParse({
      command: formField(form, 'command'),
      ...(formField(form, 'version') ? { version: formField(form, 'version') } : {}),
      ...(formField(form, 'time') ? { time: formField(form, 'time') } : {}),
      ...(limit ? { limit: Number(limit) } : {}),
    });
    if (!parsed.success)
      throw refuse(`ERROR: arguments: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    if ((parsed.data.command === 'install' || parsed.data.command === 'upgrade') && !parsed.data.version)
      throw refuse('ERROR: arguments: install and upgrade need a version');
    const names = parseTargetNodes(formField(form, 'targetNodes'));
    if (!names || names.length === 0) throw refuse('ERROR: targetNodes');
    const nodes = names.filter((name) => name !== BRAIN_NODE);
    if (nodes.length > 0 && !(await this.scope.allKnown(nodes)))
      throw refuse('ERROR: some nodes are invalid or out of scope.');
    return (await this.pakma.command(names, parsed.data)).map(toResult);
  }
}
