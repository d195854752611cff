import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PLUGIN_TYPES } from '../../plugin-contract/plugin-contract';
import {
  PLUGIN_STATUSES,
  type PluginHealthReport,
  type PluginView,
} from '../plugin-registry.service';

class PluginHookDto {
  @ApiProperty({ example: 'tool.before_call' }) hook!: string;
  @ApiProperty({ example: 'NORMAL' }) priority!: string;
}

class PluginFailureDto {
  @ApiProperty() at!: string;
  @ApiProperty({ example: 'tool' }) where!: string;
  @ApiProperty() reason!: string;
}

export class PluginHealthDto {
  @ApiProperty({
    description: "The plugin's own health() (within its time limit) and its failures",
  })
  ok!: boolean;
  @ApiPropertyOptional() detail?: string;
  @ApiProperty({ description: 'Failing too often in a row marks the plugin DEGRADED' })
  degraded!: boolean;
  @ApiProperty() consecutive_failures!: number;
  @ApiProperty() failures_total!: number;
  @ApiPropertyOptional({ type: PluginFailureDto }) last_failure?: PluginFailureDto;
}

export class PluginDto {
  @ApiProperty({ example: 'echo-tool' }) name!: string;
  @ApiPropertyOptional({ example: '1.0.0' }) version?: string;
  @ApiPropertyOptional({ enum: PLUGIN_TYPES }) type?: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ enum: PLUGIN_STATUSES }) status!: string;
  @ApiProperty({
    description: 'The path or package it was loaded from',
    example: 'examples/plugins/echo-tool',
  })
  source!: string;
  @ApiProperty({ enum: ['PLUGINS', 'PLUGINS_DIR', 'package'] }) origin!: string;
  @ApiProperty({ type: [String], example: ['tools:register'] }) permissions!: string[];
  @ApiProperty({ type: [PluginHookDto] }) hooks!: PluginHookDto[];
  @ApiProperty({ type: [String], example: ['lookup_word'] }) tools!: string[];
  @ApiProperty({ type: PluginHealthDto }) health!: PluginHealthDto;
  @ApiPropertyOptional() loaded_at?: string;
  @ApiPropertyOptional({ description: 'Why it last failed to load' }) last_error?: string;

  static from(view: PluginView, health: PluginHealthReport): PluginDto {
    return { ...view, health: { ...health } };
  }
}

export class PluginListDto {
  @ApiProperty({ type: [PluginDto] }) items!: PluginDto[];
}
