import type { Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { GeoLocator } from './geo-locator';

export type { GeoLocator };
export const GEO_LOCATOR = Symbol('GEO_LOCATOR');

/** The GeoLite2-format database named by GEOIP_DATABASE_PATH, opened once; none by default. */
export const geoLocatorProvider: Provider = {
  provide: GEO_LOCATOR,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => GeoLocator.open(config.GEOIP_DATABASE_PATH),
};
