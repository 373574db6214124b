import { Migration } from '@mikro-orm/migrations';

/** Indexes for the audit log's filters: by action (newest first) and by target (PostgreSQL). */
export class AuditIndexes0007Postgresql extends Migration {
  override name = '0007-audit-indexes';

  override up(): void {
    this.addSql('create index "audit_event_action_at_index" on "audit_event" ("action", "at");');
    this.addSql('create index "audit_event_target_id_index" on "audit_event" ("target_id");');
  }
}
