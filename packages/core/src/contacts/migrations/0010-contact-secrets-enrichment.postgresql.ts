import { Migration } from '@mikro-orm/migrations';

/** Secret contact attributes (encrypted values) and the contacts enrichers still have to do (PostgreSQL). */
export class ContactSecretsEnrichment0010Postgresql extends Migration {
  override name = '0010-contact-secrets-enrichment';

  override up(): void {
    this.addSql('create table "contact_secret" ("contact_id" uuid not null constraint "contact_secret_contact_id_foreign" references "contact" ("id") on delete cascade, "key" varchar(128) not null, "site_id" uuid not null, "value" text not null, "updated_at" timestamptz not null, constraint "contact_secret_pkey" primary key ("contact_id", "key"));');
    this.addSql('create table "contact_enrichment" ("contact_id" uuid not null constraint "contact_enrichment_contact_id_foreign" references "contact" ("id") on delete cascade, "enricher" varchar(128) not null, "site_id" uuid not null, "attempts" int not null, "reason" varchar(500) not null, "since" timestamptz not null, "next_at" timestamptz not null, constraint "contact_enrichment_pkey" primary key ("contact_id", "enricher"));');
    this.addSql('create index "contact_enrichment_enricher_next_at_index" on "contact_enrichment" ("enricher", "next_at");');
  }
}
