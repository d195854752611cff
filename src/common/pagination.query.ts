import { QueryInteger } from './query-number';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The largest offset a list accepts: the int4 range, far past any real list. */
export const MAX_OFFSET = 2_147_483_647;
/** Log ids are bigserial; integers beyond this are not exact in JSON or JavaScript. */
export const MAX_LOG_ID = Number.MAX_SAFE_INTEGER;

/** `?limit=&offset=` of every paginated list (limit 1-100, default 20). */
export class PaginationQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(MAX_OFFSET)
  offset?: number;
}

/** `?after=&limit=` of logs read from a position (events, ledger): resume from the last id seen. */
export class AfterIdQuery {
  @ApiPropertyOptional({
    description: 'Return entries with an id greater than this (the last one you saw)',
    minimum: 0,
    maximum: MAX_LOG_ID,
    default: 0,
  })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(MAX_LOG_ID)
  after?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 500 })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
