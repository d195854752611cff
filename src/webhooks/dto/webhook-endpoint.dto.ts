import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Length,
  MaxLength,
} from 'class-validator';
import { IsAnyUuid } from '../../common/is-any-uuid';
import { PaginationQuery } from '../../common/pagination.query';
import type { EndpointStats } from '../webhook-endpoints.service';
import type { WebhookEndpointRow } from '../webhook-endpoint.repository';
import { MAX_EVENT_PATTERNS } from '../webhook-input';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhook-url';

export const WEBHOOK_STATUSES = ['ACTIVE', 'PAUSED', 'DISABLED', 'FAILED'] as const;

const EVENTS_DESCRIPTION =
  'Event types (goal.completed), category wildcards (goal.*) or * for every event; ' +
  'GET /api/v1/webhooks/event-types lists them.';
const FILTERS_DESCRIPTION =
  "Only events whose data has each field equal to the value given (or to one of a list's " +
  'values, or containing it when the field is a list), e.g. {"goal_id": "…"}.';
const URL_DESCRIPTION =
  'https (http only for hosts in WEBHOOK_ALLOW_HOSTS); private, loopback, link-local and ' +
  'metadata addresses are refused, also when a name resolves to one.';

/** The settings creation and change share (all optional on a change). */
class WebhookSettingsDto {
  @ApiPropertyOptional({ maxLength: 2000, nullable: true, type: String })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { goal_id: '0193e0a4-0000-7000-8000-000000000001' },
    description: FILTERS_DESCRIPTION,
  })
  @IsOptional()
  @IsObject()
  filters?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    default: false,
    description: 'Also send the Standard Webhooks headers (webhook-id, -timestamp, -signature).',
  })
  @IsOptional()
  @IsBoolean()
  standard_webhooks?: boolean;
}

export class CreateWebhookDto extends WebhookSettingsDto {
  @ApiProperty({ example: 'Goal notifications', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({
    example: 'https://hooks.example.com/agent-village',
    maxLength: MAX_WEBHOOK_URL_LENGTH,
    description: URL_DESCRIPTION,
  })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url!: string;

  @ApiProperty({
    type: [String],
    example: ['goal.completed', 'goal.failed'],
    maxItems: MAX_EVENT_PATTERNS,
    description: EVENTS_DESCRIPTION,
  })
  @IsArray()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  events!: string[];
}

export class UpdateWebhookDto extends WebhookSettingsDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ maxLength: MAX_WEBHOOK_URL_LENGTH, description: URL_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_EVENT_PATTERNS,
    description: EVENTS_DESCRIPTION,
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  events?: string[];
}

export class ListWebhooksQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: WEBHOOK_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_STATUSES)
  status?: (typeof WEBHOOK_STATUSES)[number];
}

export class ListAllWebhooksQuery extends ListWebhooksQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsAnyUuid()
  tenant_id?: string;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) owner_id!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  filters!: Record<string, unknown> | null;
  @ApiProperty({ enum: WEBHOOK_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Why the endpoint is not ACTIVE' })
  status_reason!: string | null;
  @ApiProperty() standard_webhooks!: boolean;
  @ApiProperty({ description: 'Deliveries in a row that used up every attempt' })
  consecutive_failures!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  previous_secret_expires_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_delivery_at!:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_success_at!:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_failure_at!:
    string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;

  static from(r: WebhookEndpointRow): WebhookDto {
    const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
    const previousUntil = iso(r.previous_secret_expires_at);
    return {
      id: r.id,
      tenant_id: r.tenant_id,
      owner_id: r.owner_id,
      name: r.name,
      description: r.description,
      url: r.url,
      events: r.events,
      filters: r.filters as Record<string, unknown> | null,
      status: r.status,
      status_reason: r.status_reason,
      standard_webhooks: r.standard_webhooks,
      consecutive_failures: r.consecutive_failures,
      previous_secret_expires_at:
        previousUntil && new Date(previousUntil).getTime() > Date.now() ? previousUntil : null,
      last_delivery_at: iso(r.last_delivery_at),
      last_success_at: iso(r.last_success_at),
      last_failure_at: iso(r.last_failure_at),
      created_at: iso(r.created_at)!,
      updated_at: iso(r.updated_at)!,
    };
  }
}

export class WebhookWithSecretDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwJkjJbPpTR4Y=',
    description: 'The signing secret: shown in this answer only.',
  })
  secret!: string;
}

export class WebhookPageDto {
  @ApiProperty({ type: [WebhookDto] }) items!: WebhookDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class WebhookEventTypesDto {
  @ApiProperty({ type: [String] }) event_types!: string[];
  @ApiProperty({ type: [String], description: 'Usable as `<category>.*`' }) categories!: string[];
}

export class WebhookStatsDto {
  @ApiProperty() total!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty() pending!: number;
  @ApiProperty() retrying!: number;
  @ApiProperty() expired!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'delivered / (delivered + expired)' })
  success_rate!: number | null;
  @ApiProperty({ nullable: true, type: Number }) average_response_ms!: number | null;
  @ApiProperty() consecutive_failures!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_delivery_at!:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_success_at!:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_failure_at!:
    string | null;

  static from(s: EndpointStats): WebhookStatsDto {
    const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
    return {
      ...s,
      last_delivery_at: iso(s.last_delivery_at),
      last_success_at: iso(s.last_success_at),
      last_failure_at: iso(s.last_failure_at),
    };
  }
}
