import type { components } from '../../../libs/sdk/src/generated/openapi';

/** Response and body shapes by their schema name in the OpenAPI spec. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export type Me = Schema<'MeDto'>;
export type DashboardConfig = Schema<'DashboardConfigDto'>;
