import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import {
  RATE_LIMIT_SCOPES,
  RATE_LIMIT_STRATEGIES,
  type RateLimitRuleDefinition,
  type RateLimitScope,
  type RateLimitStrategy,
} from '../../common/rate-limit-rule';
import type { StoredRateLimitRule } from '../rules/rate-limit-rules.service';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

export class CreateRateLimitRuleDto {
  @ApiProperty({ example: 'goals-per-ip' })
  @Matches(/^[a-z0-9][a-z0-9._-]{0,63}$/i, {
    message: 'must be letters, digits, . _ - (64 at most)',
  })
  name!: string;

  @ApiProperty({ example: '/api/v1/goals/*', description: '`*` one path segment, `**` any number' })
  @Matches(/^\/\S{0,499}$/, { message: 'must be a path pattern starting with /' })
  path!: string;

  @ApiPropertyOptional({ type: [String], example: ['POST'], description: 'Empty: every method' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(METHODS.length)
  @IsIn(METHODS, { each: true })
  methods?: string[];

  @ApiProperty({ enum: RATE_LIMIT_STRATEGIES })
  @IsIn(RATE_LIMIT_STRATEGIES)
  strategy!: RateLimitStrategy;

  @ApiProperty({ enum: RATE_LIMIT_SCOPES })
  @IsIn(RATE_LIMIT_SCOPES)
  scope!: RateLimitScope;

  @ApiProperty({ minimum: 1, example: 100 })
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  limit!: number;

  @ApiProperty({ minimum: 1, example: 60 })
  @IsInt()
  @Min(1)
  @Max(86_400 * 31)
  window_s!: number;

  @ApiPropertyOptional({ description: 'CUSTOM scope: the header whose value keys the counter' })
  @ValidateIf((o: CreateRateLimitRuleDto) => o.scope === 'CUSTOM' || o.key_header !== undefined)
  @Matches(/^[a-z0-9-]{1,100}$/i, { message: 'must be a header name' })
  key_header?: string;
}

export class UpdateRateLimitRuleDto extends PartialType(CreateRateLimitRuleDto) {}

export const ruleFromDto = (
  dto: Partial<CreateRateLimitRuleDto>,
): Partial<RateLimitRuleDefinition> => ({
  name: dto.name,
  path: dto.path,
  methods: dto.methods,
  strategy: dto.strategy,
  scope: dto.scope,
  limit: dto.limit,
  windowS: dto.window_s,
  keyHeader: dto.key_header?.toLowerCase(),
});

export class RateLimitRuleDto {
  @ApiProperty({ type: String, nullable: true, description: 'null for rules from settings' }) id!:
    string | null;
  @ApiProperty({ enum: ['settings', 'admin'] }) source!: 'settings' | 'admin';
  @ApiProperty() name!: string;
  @ApiProperty() path!: string;
  @ApiProperty({ type: [String] }) methods!: string[];
  @ApiProperty({ enum: RATE_LIMIT_STRATEGIES }) strategy!: RateLimitStrategy;
  @ApiProperty({ enum: RATE_LIMIT_SCOPES }) scope!: RateLimitScope;
  @ApiProperty() limit!: number;
  @ApiProperty() window_s!: number;
  @ApiPropertyOptional() key_header?: string;
  @ApiPropertyOptional({ format: 'date-time' }) updated_at?: string;

  static from(rule: RateLimitRuleDefinition | StoredRateLimitRule): RateLimitRuleDto {
    const stored = 'id' in rule ? rule : undefined;
    return {
      id: stored?.id ?? null,
      source: stored ? 'admin' : 'settings',
      name: rule.name,
      path: rule.path,
      methods: rule.methods,
      strategy: rule.strategy,
      scope: rule.scope,
      limit: rule.limit,
      window_s: rule.windowS,
      ...(rule.keyHeader ? { key_header: rule.keyHeader } : {}),
      ...(stored ? { updated_at: stored.updatedAt.toISOString() } : {}),
    };
  }
}

export class RateLimitRuleListDto {
  @ApiProperty({ type: [RateLimitRuleDto] }) rules!: RateLimitRuleDto[];
}
