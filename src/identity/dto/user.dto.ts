import { PaginationQuery } from '../../common/pagination.query';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { User } from '../users.service';

export class CreateUserDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail()
  @Length(3, 320)
  email!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'must not be blank' })
  display_name!: string;

  @ApiPropertyOptional({ minLength: 12, maxLength: 256, description: 'Omit for SSO-only users' })
  @IsOptional()
  @IsString()
  @Length(12, 256)
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'must not be blank' })
  display_name?: string;

  @ApiPropertyOptional({ enum: ['active', 'disabled'] })
  @IsOptional()
  @IsIn(['active', 'disabled'])
  status?: 'active' | 'disabled';

  @ApiPropertyOptional({ minLength: 12, maxLength: 256 })
  @IsOptional()
  @IsString()
  @Length(12, 256)
  password?: string;
}

export class ListUsersQuery extends PaginationQuery {}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() display_name!: string;
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: string;
  @ApiProperty({ description: 'A lock from failed logins is in force' }) locked!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_login_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;

  static from(u: User): UserDto {
    return {
      id: u.id,
      tenant_id: u.tenantId,
      email: u.email,
      display_name: u.displayName,
      status: u.status,
      locked: !!u.lockedUntil && u.lockedUntil.getTime() > Date.now(),
      last_login_at: u.lastLoginAt?.toISOString() ?? null,
      created_at: u.createdAt.toISOString(),
    };
  }
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items!: UserDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
