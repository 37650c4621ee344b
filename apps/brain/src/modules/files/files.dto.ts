import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'Blob' })
export class BlobDto {
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' })
  sha256!: string;
  @ApiProperty() size!: number;
}

@ApiSchema({ name: 'PushFileRequest' })
export class PushFileDto {
  @ApiProperty({ description: 'sha256 of an uploaded blob (PUT /api/v2/files/blobs)' }) blob!: string;
  @ApiProperty({ description: 'For `file`: its name in the target directory', example: 'big.bin' })
  name!: string;
  @ApiProperty({ enum: ['file', 'tar'], description: '`tar`: its top-level entries land in `path`' })
  format!: 'file' | 'tar';
  @ApiProperty({
    description: 'Target directory: @fstore/@workspace/@root/@log/@pakma, ~, relative = under the store',
  })
  path!: string;
  @ApiPropertyOptional({ description: 'Create the target directory when missing (default true)' })
  force?: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Permission bits of a `file`' })
  mode?: number | null;
  @ApiProperty({ type: [String], example: ['pi-1', '@lab'] }) targets!: string[];
  @ApiPropertyOptional() deliveryTimeoutSeconds?: number;
  @ApiPropertyOptional() maxConcurrency?: number;
  @ApiPropertyOptional() maxErrors?: number;
}

@ApiSchema({ name: 'PullFileRequest' })
export class PullFileDto {
  @ApiProperty({ example: 'pi-1' }) node!: string;
  @ApiProperty({ example: '@log' }) path!: string;
}

@ApiSchema({ name: 'FileEntry' })
export class FileEntryDto {
  @ApiProperty({ description: 'Relative to the listed path, `/`-separated' }) name!: string;
  @ApiProperty({ enum: ['file', 'dir', 'symlink'] }) type!: 'file' | 'dir' | 'symlink';
  @ApiProperty() size!: number;
  @ApiProperty() mode!: number;
  @ApiProperty() mtimeMs!: number;
}

@ApiSchema({ name: 'FileTree' })
export class FileTreeDto {
  @ApiProperty() node!: string;
  @ApiProperty({ description: 'The resolved absolute path' }) path!: string;
  @ApiProperty({ type: [FileEntryDto] }) entries!: FileEntryDto[];
}
