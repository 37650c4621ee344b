import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'GitSource' })
export class GitSourceDto {
  @ApiProperty({ example: 'http://git.lab:3000/alice/helloWorld.git' }) url!: string;
  @ApiProperty({ example: 'main', description: 'Branch, tag or commit' }) ref!: string;
}

@ApiSchema({ name: 'ApplyScenarioRequest' })
export class ApplyScenarioDto {
  @ApiPropertyOptional({
    description: 'sha256 of an uploaded tar of the scenario folder (PUT /api/v2/files/blobs)',
  })
  blob?: string;
  @ApiPropertyOptional({ type: GitSourceDto, description: 'Or: fetch the folder from a git repository' })
  git?: GitSourceDto;
  @ApiPropertyOptional({
    example: 'default',
    description: 'prepare, default (= prepare + start), start, stop, purge, commit, or a custom target',
  })
  target?: string;
  @ApiPropertyOptional({ description: 'Recorded with the version (required for commit)' }) message?: string;
  @ApiPropertyOptional({ description: 'Stop at the first failed step (default: go on, as Octopoda)' })
  stopOnError?: boolean;
}

@ApiSchema({ name: 'ResetRequest' })
export class ResetDto {
  @ApiProperty({ description: 'A version hash or a prefix of it (2-40 hex digits)' }) version!: string;
  @ApiProperty() message!: string;
}

@ApiSchema({ name: 'StepNode' })
export class StepNodeDto {
  @ApiProperty() node!: string;
  @ApiProperty({ description: 'The invocation state on that node' }) state!: string;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: Number, nullable: true }) exitCode!: number | null;
}

@ApiSchema({ name: 'ScenarioRunStep' })
export class ScenarioRunStepDto {
  @ApiProperty() index!: number;
  @ApiProperty({ description: 'Steps of one stage run in parallel' }) stage!: number;
  @ApiProperty({ enum: ['push', 'script', 'commit', 'reset', 'remove', 'record', 'forget'] }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) app!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The script target' }) target!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The step task (see /api/v2/tasks)' })
  taskId!: string | null;
  @ApiProperty({ enum: ['pending', 'running', 'success', 'failed', 'skipped'] }) state!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it failed, or the version it recorded' })
  detail!: string | null;
  @ApiProperty({ type: [StepNodeDto] }) nodes!: StepNodeDto[];
}

@ApiSchema({ name: 'ScenarioRun' })
export class ScenarioRunDto {
  @ApiProperty() id!: string;
  @ApiProperty() scenario!: string;
  @ApiProperty() target!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ enum: ['running', 'success', 'failed'] }) state!: string;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) endedAt!: string | null;
  @ApiProperty({ type: [ScenarioRunStepDto] }) steps!: ScenarioRunStepDto[];
}

@ApiSchema({ name: 'ScenarioVersion' })
export class ScenarioVersionDto {
  @ApiProperty({ description: "The brain's git commit of this version" }) hash!: string;
  @ApiProperty() message!: string;
  @ApiProperty() time!: string;
  @ApiProperty({
    description: 'Every nodeapp at this version: [{name, description, nodeApps: [{node, version}]}]',
    type: 'array',
    items: { type: 'object' },
  })
  snapshot!: unknown[];
}

@ApiSchema({ name: 'ScenarioNodeApp' })
export class ScenarioNodeAppDto {
  @ApiProperty() node!: string;
  @ApiProperty({ description: "The nodeapp's version as last reported (git HEAD on the node)" })
  version!: string;
}

@ApiSchema({ name: 'ScenarioApp' })
export class ScenarioAppDto {
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [ScenarioNodeAppDto] }) nodeApps!: ScenarioNodeAppDto[];
}

@ApiSchema({ name: 'Scenario' })
export class ScenarioDto {
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'The workgroup it was created in ("" = root)' }) workgroup!: string;
  @ApiProperty({ type: ScenarioVersionDto, nullable: true }) version!: ScenarioVersionDto | null;
  @ApiProperty({ type: [ScenarioAppDto] }) apps!: ScenarioAppDto[];
}

@ApiSchema({ name: 'NodeAppVersion' })
export class NodeAppVersionDto {
  @ApiProperty() hash!: string;
  @ApiProperty() message!: string;
  @ApiProperty() time!: string;
}

@ApiSchema({ name: 'NodeApp' })
export class NodeAppDto {
  @ApiProperty({ example: 'helloPrinter@helloWorld' }) name!: string;
  @ApiProperty() app!: string;
  @ApiProperty() scenario!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: "HEAD ('' before the first commit)" }) head!: string;
  @ApiProperty({ description: 'Uncommitted changes in its directory' }) dirty!: boolean;
  @ApiProperty({ type: [NodeAppVersionDto], description: 'Newest first (the latest 3 in listings)' })
  versions!: NodeAppVersionDto[];
}
