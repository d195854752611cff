import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ enum: ['embedded', 'production'] }) mode!: 'embedded' | 'production';
  @ApiProperty({ example: 42 }) uptime_s!: number;
}

export class DependencyCheckDto {
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty() latency_ms!: number;
  @ApiPropertyOptional({ description: 'Why the dependency is down' }) error?: string;
  @ApiPropertyOptional({
    description: 'Goals of this process waiting for the database to come back (not failed)',
  })
  goals_waiting?: number;
}

export class CodeSandboxStatusDto {
  @ApiProperty() available!: boolean;
  @ApiProperty({ description: 'What the probe found, or why code execution is disabled' })
  detail!: string;
}

export class CapabilitiesDto {
  @ApiProperty({ type: CodeSandboxStatusDto }) code_sandbox!: CodeSandboxStatusDto;
}

export class ChannelFallbackDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() at!: string;
}

export class StructuredOutputStatusDto {
  @ApiProperty() mode!: string;
  @ApiProperty() channel!: string;
  @ApiProperty({ description: 'What structured calls send to the model' }) sends!: string;
  @ApiProperty({ type: [ChannelFallbackDto] }) fallbacks!: ChannelFallbackDto[];
}

export class ModelAvailabilityDto {
  @ApiProperty() available!: boolean;
  @ApiPropertyOptional({ description: 'When the current outage began (ISO time)' })
  unavailable_since?: string;
  @ApiPropertyOptional() reason?: string;
}

export class LlmReadinessDto {
  @ApiProperty({ example: 'offline' }) provider!: string;
  @ApiPropertyOptional() model?: string;
  @ApiPropertyOptional({ type: ModelAvailabilityDto }) availability?: ModelAvailabilityDto;
  @ApiPropertyOptional({ type: StructuredOutputStatusDto })
  structured_output?: StructuredOutputStatusDto;
}

@ApiExtraModels(DependencyCheckDto)
export class ReadinessDto {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status!: 'ready' | 'not_ready';
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(DependencyCheckDto) },
    description: 'database, and redis when configured',
  })
  checks!: Record<string, DependencyCheckDto>;
  @ApiProperty({ type: CapabilitiesDto }) capabilities!: CapabilitiesDto;
  @ApiProperty({ type: LlmReadinessDto }) llm!: LlmReadinessDto;
}
