import { STRICT_DATE } from '../../common/strict-date';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsDateString,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import type { RoleDefinition } from '../permissions';
import type { RoleAssignment } from '../rbac.service';

const ROLE_NAME = /^[a-z][a-z0-9_-]{1,62}$/;

export class CreateRoleDto {
  @ApiProperty({ example: 'auditor' })
  @IsString()
  @Matches(ROLE_NAME, { message: 'must be 2-63 lower-case letters, digits, _ or -' })
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string;

  @ApiProperty({ type: [String], example: ['audit:read'] })
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  permissions!: string[];

  @ApiPropertyOptional({ type: [String], example: ['viewer'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  inherits?: string[];
}

export class UpdateRoleDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  permissions?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  inherits?: string[];
}

export class RoleDto {
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String], description: 'Granted directly' }) permissions!: string[];
  @ApiProperty({ type: [String] }) inherits!: string[];
  @ApiProperty() built_in!: boolean;

  static from(r: RoleDefinition): RoleDto {
    return {
      name: r.name,
      description: r.description,
      permissions: [...r.permissions],
      inherits: [...r.inherits],
      built_in: r.builtIn,
    };
  }
}

export class RoleListDto {
  @ApiProperty({ type: [RoleDto] }) items!: RoleDto[];
}

export class PermissionListDto {
  @ApiProperty({ type: [String] }) permissions!: string[];
  @ApiProperty({ type: [String], description: 'Scopes an API key may carry' }) scopes!: string[];
}

export class CreateAssignmentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  user_id!: string;

  @ApiProperty({ example: 'operator' })
  @IsString()
  @Length(1, 63)
  role!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString(STRICT_DATE)
  valid_from?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString(STRICT_DATE)
  valid_until?: string;
}

export class ListAssignmentsQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  user_id?: string;
}

export class AssignmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) user_id!: string;
  @ApiProperty() role!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) valid_from!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) valid_until!: string | null;
  @ApiProperty({ nullable: true, type: String }) created_by!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;

  static from(a: RoleAssignment): AssignmentDto {
    return {
      id: a.id,
      user_id: a.userId,
      role: a.role,
      valid_from: a.validFrom?.toISOString() ?? null,
      valid_until: a.validUntil?.toISOString() ?? null,
      created_by: a.createdBy,
      created_at: a.createdAt.toISOString(),
    };
  }
}

export class AssignmentListDto {
  @ApiProperty({ type: [AssignmentDto] }) items!: AssignmentDto[];
}
