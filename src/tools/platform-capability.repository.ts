import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { db, rowsOf } from '../database/query-builder';
import type { StatementCatalog } from '../database/statement-catalog';

/** What this process found it can do, e.g. whether code runs in a sandbox. */
export interface PlatformCapability {
  name: string;
  available: boolean;
  detail: string | null;
}

/** The tools' statements on `platform_capabilities`: platform-wide, not tenant-owned. */
const statements = {
  record: (capability: PlatformCapability) =>
    db
      .insertInto('platform_capabilities')
      .values({ ...capability, detected_at: db.fn('now') })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet((eb) => ({
          available: eb.ref('excluded.available'),
          detail: eb.ref('excluded.detail'),
          detected_at: db.fn('now'),
        })),
      ),
};

@Injectable()
export class PlatformCapabilityRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Saves the latest detection of a capability over the previous one. */
  async record(capability: PlatformCapability): Promise<void> {
    await rowsOf(this.dataSource, statements.record(capability));
  }
}

export const platformCapabilityStatements: StatementCatalog = {
  file: 'src/tools/queries/platform-capability.repository.sql',
  samples: () => [
    {
      name: 'record',
      statement: statements.record({
        name: 'code_sandbox',
        available: true,
        detail: 'bubblewrap 0.9',
      }),
    },
  ],
};
