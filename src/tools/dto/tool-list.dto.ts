import { ApiProperty } from '@nestjs/swagger';

export class ToolDescriptionDto {
  @ApiProperty({ example: 'web_search' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "JSON Schema of the tool's arguments",
  })
  parameters!: Record<string, unknown>;
  @ApiProperty({ example: 'read_only', description: 'Permission level the tool needs' })
  permission!: string;
  @ApiProperty({ example: 'low' }) risk!: string;
  @ApiProperty({ description: 'A call waits for a human approval first' })
  requires_approval!: boolean;
  @ApiProperty() has_side_effects!: boolean;
}

export class ToolListDto {
  @ApiProperty({ type: [ToolDescriptionDto] }) items!: ToolDescriptionDto[];
}
