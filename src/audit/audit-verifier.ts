import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_SIGNING_KEY } from './audit-signing-key.provider';
import { checkpointSignatureValid, entryHash, GENESIS_HASH } from './audit-chain';
import type { AuditEntry } from './audit-event';
import { AuditEventRepository, type AuditEventRow } from './audit-event.repository';

const PAGE = 1000;

export interface ChainReport {
  tenant_id: string;
  valid: boolean;
  /** Entries checked. */
  entries: number;
  /** Where the chain starts: 0, or the checkpoint retention left. */
  starts_after: number;
  first_broken?: {
    /** The entry whose stored hash or link does not match (absent when the checkpoint is bad). */
    id?: string;
    seq: number;
    reason:
      | 'hash-mismatch'
      | 'link-broken'
      | 'missing-entries'
      | 'checkpoint-signature'
      | 'checkpoint-unverifiable';
  };
}

export function asEntry(row: AuditEventRow): AuditEntry {
  return {
    ...row,
    seq: Number(row.seq),
    occurred_at: new Date(row.occurred_at).toISOString(),
    changes: row.changes as unknown as AuditEntry['changes'],
    details: row.details as unknown as AuditEntry['details'],
  } as AuditEntry;
}

/**
 * Walks a tenant's chain from its last checkpoint (whose signature it checks) and reports
 * the first entry that was changed (its hash no longer matches its content), removed (a
 * gap in the positions) or re-linked (its previous hash is not the one before it).
 */
@Injectable()
export class AuditVerifier {
  constructor(
    private readonly events: AuditEventRepository,
    @Inject(AUDIT_SIGNING_KEY) private readonly key: Buffer | null,
  ) {}

  async verify(tenantId: string): Promise<ChainReport> {
    const checkpoint = await this.events.lastCheckpoint(tenantId);
    let expectedSeq = 1;
    let prev = GENESIS_HASH;
    const report: ChainReport = { tenant_id: tenantId, valid: true, entries: 0, starts_after: 0 };
    if (checkpoint) {
      const seq = Number(checkpoint.seq);
      report.starts_after = seq;
      const signed = { tenantId, seq, hash: checkpoint.hash };
      if (!this.key)
        return {
          ...report,
          valid: false,
          first_broken: { seq, reason: 'checkpoint-unverifiable' },
        };
      if (!checkpointSignatureValid(this.key, signed, checkpoint.signature))
        return { ...report, valid: false, first_broken: { seq, reason: 'checkpoint-signature' } };
      expectedSeq = seq + 1;
      prev = checkpoint.hash;
    }
    let after = expectedSeq - 1;
    for (;;) {
      const page = await this.events.chainPage(tenantId, after, PAGE);
      for (const row of page) {
        const entry = asEntry(row);
        const broken = this.check(entry, expectedSeq, prev);
        if (broken)
          return {
            ...report,
            valid: false,
            first_broken: { id: entry.id, seq: entry.seq, reason: broken },
          };
        report.entries++;
        prev = entry.hash;
        expectedSeq = entry.seq + 1;
      }
      if (page.length < PAGE) return report;
      after = Number(page[page.length - 1].seq);
    }
  }

  private check(
    entry: AuditEntry,
    expectedSeq: number,
    prev: string,
  ): NonNullable<ChainReport['first_broken']>['reason'] | undefined {
    if (entry.seq !== expectedSeq) return 'missing-entries';
    if (entryHash(entry) !== entry.hash) return 'hash-mismatch';
    if (entry.prev_hash !== prev) return 'link-broken';
    return undefined;
  }
}
