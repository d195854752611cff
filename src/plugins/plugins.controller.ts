import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermission } from '../access/decorators';
import { PluginDto, PluginListDto } from './dto/plugin.dto';
import { PluginRegistry, type PluginView } from './plugin-registry.service';

/** The installation's plugins: what is loaded, how it is doing, and turning them on and off. */
@ApiTags('plugins')
@Controller('api/v1/plugins')
export class PluginsController {
  constructor(private readonly registry: PluginRegistry) {}

  @Get()
  @RequirePermission('plugin:read', 'plugin')
  @ApiOperation({
    summary: 'Every plugin with its status, source, permissions, hooks, tools and health',
  })
  @ApiOkResponse({ type: PluginListDto })
  async list(): Promise<PluginListDto> {
    return { items: await Promise.all(this.registry.list().map((p) => this.withHealth(p))) };
  }

  @Get(':name')
  @RequirePermission('plugin:read', 'plugin', 'name')
  @ApiOperation({ summary: 'One plugin' })
  @ApiOkResponse({ type: PluginDto })
  @ApiNotFoundResponse({ description: 'No plugin of that name' })
  async get(@Param('name') name: string): Promise<PluginDto> {
    return this.withHealth(this.registry.get(name));
  }

  @Post(':name/enable')
  @HttpCode(200)
  @RequirePermission('plugin:manage', 'plugin', 'name')
  @ApiOperation({ summary: 'Load a DISABLED plugin again (in every process)' })
  @ApiOkResponse({ type: PluginDto })
  @ApiForbiddenResponse({ description: 'The caller may not manage plugins' })
  @ApiNotFoundResponse({ description: 'No plugin of that name' })
  @ApiConflictResponse({ description: 'The plugin is not DISABLED' })
  async enable(@Param('name') name: string): Promise<PluginDto> {
    return this.withHealth(await this.registry.enable(name));
  }

  @Post(':name/disable')
  @HttpCode(200)
  @RequirePermission('plugin:manage', 'plugin', 'name')
  @ApiOperation({ summary: 'Unload a plugin and take back its tools and hooks (in every process)' })
  @ApiOkResponse({ type: PluginDto })
  @ApiForbiddenResponse({ description: 'The caller may not manage plugins' })
  @ApiNotFoundResponse({ description: 'No plugin of that name' })
  @ApiConflictResponse({ description: 'The plugin is not loaded' })
  async disable(@Param('name') name: string): Promise<PluginDto> {
    return this.withHealth(await this.registry.disable(name));
  }

  @Post(':name/reload')
  @HttpCode(200)
  @RequirePermission('plugin:manage', 'plugin', 'name')
  @ApiOperation({ summary: 'Unload a plugin and load its changed files (in every process)' })
  @ApiOkResponse({ type: PluginDto })
  @ApiForbiddenResponse({ description: 'The caller may not manage plugins' })
  @ApiNotFoundResponse({ description: 'No plugin of that name' })
  @ApiConflictResponse({ description: 'The plugin is DISABLED' })
  async reload(@Param('name') name: string): Promise<PluginDto> {
    return this.withHealth(await this.registry.reload(name));
  }

  private async withHealth(view: PluginView): Promise<PluginDto> {
    return PluginDto.from(view, await this.registry.healthOf(view.name));
  }
}
