import { Migration } from '@mikro-orm/migrations';

/** Failed sign-ins per e-mail address (hashed), for every address tried: the back-off delay's count (PostgreSQL). */
export class SigninAttempts0009Postgresql extends Migration {
  override name = '0009-signin-attempts';

  override up(): void {
    this.addSql('create table "signin_attempt" ("address_hash" varchar(64) not null, "failures" int not null, "expires_at" timestamptz not null, primary key ("address_hash"));');
    this.addSql('create index "signin_attempt_expires_at_index" on "signin_attempt" ("expires_at");');
  }
}
