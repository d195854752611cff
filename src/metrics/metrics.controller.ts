import { Public } from '../access/decorators';
import { Controller, Get, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { MetricsTokenGuard } from './metrics-token.guard';

@ApiTags('observability')
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  // Outside the user/API-key pipeline: Prometheus authenticates with the metrics token.
  @Public()
  @UseGuards(MetricsTokenGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description: 'Requires `Authorization: Bearer <METRICS_TOKEN>`.',
  })
  @ApiUnauthorizedResponse({ description: 'Missing or wrong metrics token' })
  @ApiOkResponse({
    description: 'text/plain; version=0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  override index(@Res({ passthrough: true }) response: Response): Promise<string> {
    return super.index(response);
  }
}
