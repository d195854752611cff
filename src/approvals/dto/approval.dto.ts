import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class ApprovalDecisionDto {
  @ApiProperty({ description: 'The task whose pending action is decided', format: 'uuid' })
  @IsUUID()
  task_id!: string;

  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'])
  decision!: 'approve' | 'reject';

  @ApiPropertyOptional({ description: 'Why; shown to the planner on rejection', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class ApprovalDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) goal_id!: string;
  @ApiProperty({ format: 'uuid' }) task_id!: string;
  @ApiProperty() task_key!: string;
  @ApiProperty({ description: 'The tool the action calls' }) tool!: string;
  @ApiProperty({
    description: 'The arguments of the call',
    type: 'object',
    additionalProperties: true,
  })
  args!: unknown;
  @ApiProperty({
    type: [String],
    description: 'Why the policy asks: deploy, delete, payment, admin, code_execution, tool_policy',
  })
  categories!: string[];
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ['pending', 'approved', 'rejected', 'expired', 'superseded'] })
  status!: string;
  @ApiProperty() requested_at!: string;
  @ApiProperty() expires_at!: string;
  @ApiProperty({ nullable: true, type: String }) decided_at!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The principal who decided' })
  decided_by!: string | null;
  @ApiProperty({ nullable: true, type: String }) decided_by_kind!: string | null;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
}

export class ApprovalListDto {
  @ApiProperty({ type: [ApprovalDto] }) items!: ApprovalDto[];
}

export class ApprovalDecisionResultDto {
  @ApiProperty({ type: ApprovalDto }) approval!: ApprovalDto;
  @ApiProperty({ description: 'The goal state after the decision' }) goal_state!: string;
  @ApiProperty({ description: 'The goal status after the decision' }) goal_status!: string;
}
