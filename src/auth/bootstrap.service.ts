import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { writeFileSync, chmodSync } from 'node:fs';
import { createPrivateDir } from '#common';
import { join } from 'node:path';
import { ApiKeysService } from '../apikeys/api-keys.service';
import { DEFAULT_TENANT_ID } from '../common/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../identity/users.service';
import { logFor } from '../observability/logger';
import { effectivePermissions } from '../rbac/permissions';
import { RbacService } from '../rbac/rbac.service';

const log = logFor('Bootstrap');

export interface BootstrapResult {
  created: boolean;
  adminEmail?: string;
  apiKey?: string;
  password?: string;
}

/**
 * First start: the default tenant (from the first migration) gets an admin user with the
 * system_admin role and an admin API key. The key and any generated password are printed
 * once; in embedded mode the key is also written to DATA_DIR/admin-api-key (0600).
 * Idempotent: once a system administrator exists it does nothing.
 */
@Injectable()
export class BootstrapService {
  constructor(
    private readonly users: UsersService,
    private readonly rbac: RbacService,
    private readonly keys: ApiKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(): Promise<BootstrapResult> {
    if (await this.rbac.isHeldByAnyone(DEFAULT_TENANT_ID, 'system_admin'))
      return { created: false };

    const email = this.config.BOOTSTRAP_ADMIN_EMAIL;
    const generatedPassword = this.config.BOOTSTRAP_ADMIN_PASSWORD
      ? undefined
      : randomBytes(18).toString('base64url');
    const user =
      (await this.users.findByEmail(DEFAULT_TENANT_ID, email)) ??
      (await this.users.create(DEFAULT_TENANT_ID, {
        email,
        displayName: 'Administrator',
        password: this.config.BOOTSTRAP_ADMIN_PASSWORD ?? generatedPassword,
      }));
    const all = effectivePermissions(['system_admin']);
    const { plaintext } = await this.keys.create(DEFAULT_TENANT_ID, user.id, {
      name: 'bootstrap admin key',
      type: 'admin',
      scopes: ['admin:full'],
      // The owner becomes a system administrator just below (assigned last, see there).
      creatorPermissions: all,
      plaintext: this.config.BOOTSTRAP_ADMIN_API_KEY,
    });
    // Assigned last: an interrupted bootstrap is retried on the next start.
    await this.rbac.assign(
      DEFAULT_TENANT_ID,
      { userId: user.id, role: 'system_admin' },
      all,
      'bootstrap',
    );

    if (this.config.mode === 'embedded') {
      createPrivateDir(this.config.DATA_DIR);
      const file = join(this.config.DATA_DIR, 'admin-api-key');
      writeFileSync(file, `${plaintext}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    // Printed deliberately, once: this is how the operator receives the credentials.
    const lines = [
      `First start: created the administrator ${email} in the default tenant.`,
      this.config.BOOTSTRAP_ADMIN_API_KEY
        ? 'Admin API key: the value of BOOTSTRAP_ADMIN_API_KEY.'
        : `Admin API key (shown once): ${plaintext}`,
      ...(generatedPassword ? [`Admin password (shown once): ${generatedPassword}`] : []),
      ...(this.config.mode === 'embedded'
        ? [`The key is also stored in ${join(this.config.DATA_DIR, 'admin-api-key')} (mode 0600).`]
        : []),
    ];
    log.warn(lines.join(' '));
    return { created: true, adminEmail: email, apiKey: plaintext, password: generatedPassword };
  }
}
