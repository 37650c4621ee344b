import { ApiProperty, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'NodeLogs' })
export class NodeLogsDto {
  @ApiProperty({ example: 'pi-1', description: 'The node, or `brain`' }) node!: string;
  @ApiProperty({ description: 'The oldest day actually read: 0 = today, 1 = yesterday, …' })
  oldestDay!: number;
  @ApiProperty({
    type: [String],
    description: 'The last lines, oldest first (pino JSON lines, or whatever the files hold)',
  })
  lines!: string[];
}
