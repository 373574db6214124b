import { Migration } from '@mikro-orm/migrations';

/** Claimed firings of scheduled jobs (PostgreSQL). */
export class Jobs0004Postgresql extends Migration {
  override name = '0004-jobs';

  override up(): void {
    this.addSql('create table "job_run" ("job" varchar(200) not null, "slot" varchar(40) not null, "instance" varchar(100) not null, "status" varchar(16) not null, "error" text null, "started_at" timestamptz not null, "finished_at" timestamptz null, primary key ("job", "slot"));');
    this.addSql('create index "job_run_started_at_index" on "job_run" ("started_at");');
  }
}
