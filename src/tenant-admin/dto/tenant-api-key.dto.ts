import { STRICT_DATE } from '../../common/strict-date';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDateString, IsOptional, IsString, Length } from 'class-validator';

export class CreateTenantApiKeyDto {
  @ApiProperty({ example: 'Acme integration' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ type: [String], example: ['read:goals', 'write:goals'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  scopes!: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString(STRICT_DATE)
  expires_at?: string;
}
