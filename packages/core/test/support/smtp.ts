/**
 * Moved to `@dialbook/core/testing` (`TestSmtp`, `startSmtpCapture`, `SMTP_USER`, `SMTP_PASSWORD`).
 * This re-export only keeps packages/web/test/e2e.test.ts working until it imports from there;
 * delete it then.
 */
export { SMTP_PASSWORD, SMTP_USER, TestSmtp, type CapturedMail as Received } from '@dialbook/core/testing';
