/** Who is signed in: the session from `GET /auth/session`, sign-in, sign-up, sign-out. */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, ok, setCsrfToken, setUnauthorizedHandler, type Schemas, type User } from './api/client';

type Session = Schemas['Session'];
interface AuthValue {
  /** undefined while the session is being read, null when signed out. */
  user: User | null | undefined;
  /** Set when reading the session failed for another reason than "not signed in". */
  error: ApiError | null;
  signIn(email: string, password: string): Promise<void>;
  completeSignup(token: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  isAtLeast(role: User['role']): boolean;
}

const AuthContext = createContext<AuthValue | null>(null);
/**
 * Remembers (not secret: the session cookie is HttpOnly) that this browser signed in, so a signed-out visit
 * shows the sign-in form without first asking the API and getting a 401.
 */
const MARKER = 'dialbook.signedIn';
const marked = () => {
  try {
    return window.localStorage.getItem(MARKER) === '1';
  } catch {
    return true;
  }
};
const mark = (on: boolean) => {
  try {
    if (on) window.localStorage.setItem(MARKER, '1');
    else window.localStorage.removeItem(MARKER);
  } catch {
    /* storage disabled: the session check simply always runs */
  }
};
const RANK: Record<User['role'], number> = { user: 0, staff: 1, admin: 2 };

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(() => (marked() ? undefined : null));
  const [error, setError] = useState<ApiError | null>(null);
  const queries = useQueryClient();

  const accept = useCallback((s: Session) => {
    setCsrfToken(s.csrfToken);
    mark(true);
    setUser(s.user);
    setError(null);
  }, []);
  const drop = useCallback(() => {
    setCsrfToken(null);
    mark(false);
    setUser(null);
    queries.clear();
  }, [queries]);

  useEffect(() => {
    let live = true;
    setUnauthorizedHandler(drop);
    if (!marked()) return () => setUnauthorizedHandler(null);
    ok(api.GET('/auth/session'))
      .then((s) => live && accept(s))
      .catch((err: unknown) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 401) drop();
        else setError(err instanceof ApiError ? err : new ApiError(0, null));
      });
    return () => {
      live = false;
      setUnauthorizedHandler(null);
    };
  }, [accept, drop]);

  const value = useMemo<AuthValue>(
    () => ({
      user,
      error,
      signIn: async (email, password) => accept(await ok(api.POST('/auth/signin', { body: { email, password } }))),
      completeSignup: async (token, password) => accept(await ok(api.POST('/auth/signup', { body: { token, password } }))),
      signOut: async () => {
        await ok(api.POST('/auth/signout')).catch(() => undefined);
        drop();
      },
      isAtLeast: (role) => !!user && RANK[user.role] >= RANK[role],
    }),
    [user, error, accept, drop],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}
