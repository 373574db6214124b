import { Migration } from '@mikro-orm/migrations';

/** Failed sign-ins per e-mail address (hashed), for every address tried: the back-off delay's count (SQLite). */
export class SigninAttempts0009Sqlite extends Migration {
  override name = '0009-signin-attempts';

  override up(): void {
    this.addSql('create table `signin_attempt` (`address_hash` text not null primary key, `failures` integer not null, `expires_at` datetime not null);');
    this.addSql('create index `signin_attempt_expires_at_index` on `signin_attempt` (`expires_at`);');
  }
}
