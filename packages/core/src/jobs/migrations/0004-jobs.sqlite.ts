import { Migration } from '@mikro-orm/migrations';

/** Claimed firings of scheduled jobs (SQLite). */
export class Jobs0004Sqlite extends Migration {
  override name = '0004-jobs';

  override up(): void {
    this.addSql('create table `job_run` (`job` text not null, `slot` text not null, `instance` text not null, `status` text not null, `error` text null, `started_at` datetime not null, `finished_at` datetime null, primary key (`job`, `slot`));');
    this.addSql('create index `job_run_started_at_index` on `job_run` (`started_at`);');
  }
}
