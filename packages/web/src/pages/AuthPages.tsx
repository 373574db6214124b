/** Signed-out pages: sign in, set a password from the sign-up link, ask for and complete a password reset. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, ok } from '../api/client';
import { useAuth } from '../auth';
import { Link, useRouter, useSearchParams } from '../router';
import { TextField } from '../ui/forms';
import { ErrorMessage } from '../ui/states';

function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand">Dialbook</p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

export function SignInPage() {
  const { signIn } = useAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? new Error('Wrong e-mail or password (after repeated failures the account is locked for 15 minutes).') : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthCard title="Sign in">
      <form onSubmit={(e) => void submit(e)}>
        <TextField label="E-mail" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        <TextField label="Password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorMessage error={error} />
        <button className="primary wide" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
    </AuthCard>
  );
}

/** The new password twice; the API checks the rules (at least 10 characters) and its message is shown at the field. */
function PasswordForm({ submitLabel, onSubmit }: { submitLabel: string; onSubmit: (password: string) => Promise<void> }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setFieldError(undefined);
    if (password !== again) {
      setFieldError('The two passwords differ: type the same password twice.');
      return;
    }
    setBusy(true);
    try {
      await onSubmit(password);
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldErrors() : {};
      if (fields.password) setFieldError(fields.password);
      else setError(err instanceof ApiError && err.status === 410 ? new Error('This link is invalid, used or expired. Ask for a new one.') : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <TextField label="New password" type="password" autoComplete="new-password" required autoFocus value={password} error={fieldError} hint="At least 10 characters." onChange={(e) => setPassword(e.target.value)} />
      <TextField label="New password again" type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} />
      <ErrorMessage error={error} />
      <button className="primary wide" type="submit" disabled={busy}>
        {busy ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}

export function SignUpPage() {
  const { completeSignup } = useAuth();
  const { navigate } = useRouter();
  const [params] = useSearchParams();
  const token = params.get('token');
  if (!token) return <AuthCard title="Set your password"><ErrorMessage error={new Error('This page needs the link from your invitation mail (it carries a token).')} /></AuthCard>;
  return (
    <AuthCard title="Welcome — set your password">
      <p>Choose the password for your new Dialbook account. The link works once, for 12 hours.</p>
      <PasswordForm
        submitLabel="Set password and sign in"
        onSubmit={async (password) => {
          await completeSignup(token, password);
          navigate('/contacts', { replace: true });
        }}
      />
    </AuthCard>
  );
}

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await ok(api.POST('/auth/password-reset', { body: { email } }));
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthCard title="Reset your password">
      {sent ? (
        <p role="status">If {email} has an account, a link to set a new password is on its way. It works once, for 60 minutes.</p>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          <TextField label="E-mail" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
          <ErrorMessage error={error} />
          <button className="primary wide" type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Send reset link'}
          </button>
        </form>
      )}
      <p>
        <Link to="/">Back to sign-in</Link>
      </p>
    </AuthCard>
  );
}

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const [done, setDone] = useState(false);
  if (!token) return <AuthCard title="Reset your password"><ErrorMessage error={new Error('This page needs the link from the reset mail (it carries a token).')} /></AuthCard>;
  return (
    <AuthCard title="Choose a new password">
      {done ? (
        <>
          <p role="status">Your password is changed. Other sessions and API tokens of your account have ended.</p>
          <p>
            <Link to="/">Sign in</Link>
          </p>
        </>
      ) : (
        <PasswordForm
          submitLabel="Change password"
          onSubmit={async (password) => {
            await ok(api.POST('/auth/password-reset/complete', { body: { token, password } }));
            setDone(true);
          }}
        />
      )}
    </AuthCard>
  );
}
