import { Migration } from '@mikro-orm/migrations';

/** Sites: the IANA time zone their calls are counted in (stats per day, week and hour), `UTC` until set (PostgreSQL). */
export class SiteTimeZone0015Postgresql extends Migration {
  override name = '0015-site-time-zone';

  override up(): void {
    this.addSql('alter table "site" add column "time_zone" varchar(64) not null default \'UTC\';');
  }
}
