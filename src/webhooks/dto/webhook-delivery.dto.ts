import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQuery } from '../../common/pagination.query';
import type { WebhookAttemptRow, WebhookDeliveryRow } from '../webhook-delivery.repository';

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'RETRYING', 'EXPIRED'] as const;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export class ListDeliveriesQuery extends PaginationQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];

  @ApiPropertyOptional({ example: 'goal.completed' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  event_type?: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'Sent as X-Webhook-Delivery-ID on every attempt' })
  id!: string;
  @ApiProperty({ format: 'uuid' }) endpoint_id!: string;
  @ApiProperty({ example: 'evt_1042' }) event_id!: string;
  @ApiProperty({ example: 'goal.completed' }) event_type!: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: string;
  @ApiProperty() attempts!: number;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the next attempt is due (PENDING or RETRYING)',
  })
  next_attempt_at!: string | null;
  @ApiProperty({ nullable: true, type: Number }) last_response_status!: number | null;
  @ApiProperty({ nullable: true, type: String }) last_error!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_attempt_at!:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) delivered_at!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The delivery this one sends again',
  })
  redelivery_of!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;

  static from(r: WebhookDeliveryRow): WebhookDeliveryDto {
    const pending = r.status === 'PENDING' || r.status === 'RETRYING';
    return {
      id: r.id,
      endpoint_id: r.endpoint_id,
      event_id: r.event_id,
      event_type: r.event_type,
      status: r.status,
      attempts: r.attempts,
      next_attempt_at: pending ? iso(r.next_attempt_at) : null,
      last_response_status: r.last_response_status,
      last_error: r.last_error,
      last_attempt_at: iso(r.last_attempt_at),
      delivered_at: iso(r.delivered_at),
      redelivery_of: r.redelivery_of,
      created_at: iso(r.created_at)!,
    };
  }
}

export class WebhookAttemptDto {
  @ApiProperty() attempt!: number;
  @ApiProperty({ format: 'date-time' }) started_at!: string;
  @ApiProperty() duration_ms!: number;
  @ApiProperty({ nullable: true, type: Number }) response_status!: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'The first 1024 characters' })
  response_body!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;

  static from(a: WebhookAttemptRow): WebhookAttemptDto {
    return {
      attempt: a.attempt,
      started_at: iso(a.started_at)!,
      duration_ms: a.duration_ms,
      response_status: a.response_status,
      response_body: a.response_body,
      error: a.error,
    };
  }
}

export class WebhookDeliveryDetailDto extends WebhookDeliveryDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The body sent: event_id, event_type, timestamp, data, tenant_id',
  })
  payload!: Record<string, unknown>;
  @ApiProperty({ type: [WebhookAttemptDto] }) attempt_log!: WebhookAttemptDto[];
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) items!: WebhookDeliveryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}
