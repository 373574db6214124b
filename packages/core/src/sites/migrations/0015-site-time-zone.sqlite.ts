import { Migration } from '@mikro-orm/migrations';

/** Sites: the IANA time zone their calls are counted in (stats per day, week and hour), `UTC` until set (SQLite). */
export class SiteTimeZone0015Sqlite extends Migration {
  override name = '0015-site-time-zone';

  override up(): void {
    this.addSql("alter table `site` add column `time_zone` text not null default 'UTC';");
  }
}
