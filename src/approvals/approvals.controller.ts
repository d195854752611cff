import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermission } from '../access/decorators';
import { currentContext, currentTenantId } from '../common/request-context';
import { ApprovalsService } from './approvals.service';
import {
  ApprovalDecisionDto,
  ApprovalDecisionResultDto,
  ApprovalListDto,
} from './dto/approval.dto';

const uuid = new UuidParamPipe();

@ApiTags('approvals')
@Controller('api/v1/goals')
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @Post(':id/approve')
  @RequirePermission('goal:approve', 'goal', 'id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve or reject the action a task is waiting on',
    description:
      'Approval resumes the goal once none of its actions is pending; rejection sends it to replanning (or fails it when replans are used up). The deciding principal is recorded.',
  })
  @ApiOkResponse({ type: ApprovalDecisionResultDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid fields' })
  @ApiNotFoundResponse({ description: 'No such goal, or no approval requested for the task' })
  @ApiConflictResponse({
    description: 'Already decided, expired, or the goal is not awaiting approval',
  })
  approve(
    @Param('id', uuid) id: string,
    @Body() body: ApprovalDecisionDto,
  ): Promise<ApprovalDecisionResultDto> {
    const principal = currentContext()?.principal ?? {
      kind: 'anonymous' as const,
      id: 'anonymous',
    };
    return this.approvals.decide(currentTenantId(), id, body, principal);
  }

  @Get(':id/approvals')
  @RequirePermission('goal:read', 'goal', 'id')
  @ApiOperation({ summary: "The goal's approval requests and decisions (who decided, when, why)" })
  @ApiOkResponse({ type: ApprovalListDto })
  @ApiNotFoundResponse({ description: 'No such goal' })
  list(@Param('id', uuid) id: string): Promise<ApprovalListDto> {
    return this.approvals.list(currentTenantId(), id);
  }
}
