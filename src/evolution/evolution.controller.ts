import { RequirePermission } from '../access/decorators';
import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { currentTenantId } from '../common/request-context';
import { Evolver } from './evolver.service';

class EvolutionReportDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Success rate, tokens and time by pattern',
  })
  by_pattern!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  by_complexity!: unknown[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'By task type (capability)',
  })
  by_capability!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  by_agent!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  top_failure_reasons!: unknown[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      'Prompt and workflow variants: status (testing, champion, retired), trials, success rate, reason',
  })
  variants!: unknown[];
}

class EvolutionRunDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Variants promoted or retired, with the reason',
  })
  decisions!: unknown[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'New variants put under test',
  })
  proposals!: unknown[];
  @ApiProperty({ type: EvolutionReportDto }) report!: EvolutionReportDto;
}

@ApiTags('evolution')
@Controller('api/v1/evolution')
export class EvolutionController {
  constructor(private readonly evolver: Evolver) {}

  @Get('report')
  @RequirePermission('agent:read', 'agent')
  @ApiOperation({
    summary: 'What fails and where tokens and time go; the variants under test and their fate',
  })
  @ApiOkResponse({ type: EvolutionReportDto })
  report(): Promise<EvolutionReportDto> {
    return this.evolver.report(currentTenantId());
  }

  @Post('run')
  @RequirePermission('agent:update', 'agent')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Decide finished experiments (promote winners, retire losers) and propose new variants',
  })
  @ApiOkResponse({ type: EvolutionRunDto })
  run(): Promise<EvolutionRunDto> {
    return this.evolver.run(currentTenantId());
  }
}
