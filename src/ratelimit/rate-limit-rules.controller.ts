import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ValidationFailed } from '#common';
import type { AccessContext } from '../access/access-context';
import { Caller, RequireAdmin, RequireElevated } from '../access/decorators';
import type { RateLimitRuleDefinition } from '../common/rate-limit-rule';
import {
  CreateRateLimitRuleDto,
  RateLimitRuleDto,
  RateLimitRuleListDto,
  ruleFromDto,
  UpdateRateLimitRuleDto,
} from './dto/rate-limit-rule.dto';
import { RateLimitRules } from './rules/rate-limit-rules.service';

const uuid = new UuidParamPipe();

/**
 * Platform-wide rules, for platform administrators; rules from settings are listed but
 * changed only in settings.
 */
@ApiTags('rate-limits')
@Controller('api/v1/rate-limits/rules')
export class RateLimitRulesController {
  constructor(private readonly rules: RateLimitRules) {}

  @Get()
  @RequireAdmin('system')
  @ApiOperation({ summary: 'Rules in force: from settings and from this API' })
  @ApiOkResponse({ type: RateLimitRuleListDto })
  async list(): Promise<RateLimitRuleListDto> {
    const stored = await this.rules.list();
    return {
      rules: [...this.rules.settingsRules(), ...stored].map((r) => RateLimitRuleDto.from(r)),
    };
  }

  @Get(':id')
  @RequireAdmin('system')
  @ApiOperation({ summary: 'One rate-limit rule' })
  @ApiOkResponse({ type: RateLimitRuleDto })
  async get(@Param('id', uuid) id: string): Promise<RateLimitRuleDto> {
    return RateLimitRuleDto.from(await this.rules.get(id));
  }

  @Post()
  @RequireAdmin('system')
  @RequireElevated()
  @ApiOperation({ summary: 'Add a rule; every API process applies it within the refresh interval' })
  @ApiCreatedResponse({ type: RateLimitRuleDto })
  async create(
    @Caller() caller: AccessContext,
    @Body() body: CreateRateLimitRuleDto,
  ): Promise<RateLimitRuleDto> {
    const rule = ruleFromDto({ methods: [], ...body }) as RateLimitRuleDefinition;
    return RateLimitRuleDto.from(await this.rules.create(rule, caller.userId));
  }

  @Patch(':id')
  @RequireAdmin('system')
  @RequireElevated()
  @ApiOperation({ summary: 'Change a rate-limit rule' })
  @ApiOkResponse({ type: RateLimitRuleDto })
  async update(
    @Param('id', uuid) id: string,
    @Body() body: UpdateRateLimitRuleDto,
  ): Promise<RateLimitRuleDto> {
    const change = ruleFromDto(body);
    if (change.scope === 'CUSTOM' && !change.keyHeader)
      throw new ValidationFailed([
        { field: 'key_header', message: 'a CUSTOM rule needs key_header' },
      ]);
    return RateLimitRuleDto.from(await this.rules.update(id, change));
  }

  @Delete(':id')
  @RequireAdmin('system')
  @RequireElevated()
  @ApiOperation({ summary: 'Delete a rate-limit rule' })
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Param('id', uuid) id: string): Promise<void> {
    await this.rules.remove(id);
  }
}
