import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

const PATH_HELP =
  'Absolute workgroup path ("/g1/sub"); "" or "/" is the root. Must lie under your root group.';

export class WorkgroupQuery {
  @ApiPropertyOptional({ description: `${PATH_HELP} Default: your current group (x-workgroup-path).` })
  path?: string;
}

export class DeleteWorkgroupQuery {
  @ApiProperty({ description: `${PATH_HELP} Only a direct child of your root group.` })
  path!: string;
}

@ApiSchema({ name: 'Workgroup' })
export class WorkgroupDto {
  @ApiProperty({ example: '/g1', description: '"" is the root' }) path!: string;
  @ApiProperty({ type: [String], example: ['/g1/sub'], description: 'Full paths of the direct children' })
  children!: string[];
  @ApiProperty({ type: [String], example: ['pi-1', 'pi-2'] }) members!: string[];
  @ApiProperty({ description: 'False for a group made by adding members and never granted: no login' })
  hasPassword!: boolean;
}

export class ChangeWorkgroupMembersRequest {
  @ApiProperty({ example: '/g1', description: `${PATH_HELP} Only a direct child of your root group.` })
  path!: string;
  @ApiProperty({
    enum: ['add', 'remove'],
    description:
      'add: the group is created (without a password) when missing; the nodes must be in your current group. ' +
      'remove: from the group and every group below it; a group left empty is deleted with its subtree.',
  })
  action!: 'add' | 'remove';
  @ApiProperty({ type: [String], example: ['pi-1'], description: 'Node names (resolve @groups first)' })
  members!: string[];
}

@ApiSchema({ name: 'WorkgroupChange' })
export class WorkgroupChangeDto {
  @ApiProperty({ example: '/g1' }) path!: string;
  @ApiProperty({ type: [String], description: "The group's members afterwards (empty if it was deleted)" })
  members!: string[];
  @ApiProperty({ type: [String], description: 'Groups deleted by this change, with their subtrees' })
  deleted!: string[];
}

export class GrantWorkgroupRequest {
  @ApiProperty({
    example: '/g1',
    description: `${PATH_HELP} Only an existing direct child of your root group.`,
  })
  path!: string;
  @ApiProperty({ minLength: 6, description: 'At least 6 characters; stored hashed' })
  password!: string;
}
