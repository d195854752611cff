import { Global, Module } from '@nestjs/common';
import { AppConfig, loadConfigFromProcess } from './app-config';

export const APP_CONFIG = Symbol('APP_CONFIG');
/** Which entry started this process: the API (`npm start`) or a worker (`npm run worker`). */
export const PROCESS_ROLE = Symbol('PROCESS_ROLE');
export type ProcessRole = 'api' | 'worker';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig = loadConfigFromProcess(), role: ProcessRole = 'api') {
    return {
      module: ConfigModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: PROCESS_ROLE, useValue: role },
      ],
      exports: [APP_CONFIG, PROCESS_ROLE],
    };
  }
}
