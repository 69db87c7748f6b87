import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, api, session, unwrap, type Me } from './api/client';

const MeContext = createContext<Me | undefined>(undefined);

type Action = 'READ' | 'WRITE' | 'EXECUTE';

/** Mirrors core's `allows` (WRITE and EXECUTE include READ), so buttons say why before the API would refuse. */
function allows(me: Me, kind: 'application' | 'account', name: string, action: Action): boolean {
  if (me.admin) return true;
  return me.grants.some(
    (grant) =>
      grant.kind === kind &&
      (grant.name === '*' || grant.name === name) &&
      (grant.actions.includes(action) || (action === 'READ' && grant.actions.length > 0)),
  );
}

export function useMe(): Me {
  const me = useContext(MeContext);
  if (me === undefined) throw new Error('useMe outside the signed-in app');
  return me;
}

/** undefined when the caller may act on the application, else the reason a button is disabled. */
export function useDenied(application: string, action: Action): string | undefined {
  const me = useMe();
  return allows(me, 'application', application, action) ? undefined : `${me.name} lacks ${action} on application ${application}`;
}

const oidcLogin = () => document.querySelector('meta[name="gantry-oidc-login"]')?.getAttribute('content') === 'on';

/**
 * Asks GET /api/v1/me who the caller is: a browser that already sends credentials (an OIDC session
 * cookie, a token from earlier in this tab) goes straight in; only a 401 shows the sign-in.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => unwrap(await api.GET('/api/v1/me')),
    retry: (count, error) => !(error instanceof ApiError && error.status === 401) && count < 2,
    staleTime: 60_000,
  });
  if (me.isPending) return <p className="centered" role="status">Loading…</p>;
  if (me.error instanceof ApiError && me.error.status === 401) return <SignIn reason={session.token() ? me.error.message : undefined} />;
  if (me.error) return <p className="centered error" role="alert">Gantry did not answer: {me.error.message}</p>;
  return <MeContext.Provider value={me.data}>{children}</MeContext.Provider>;
}

function SignIn({ reason }: { reason: string | undefined }) {
  const client = useQueryClient();
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    session.signIn(token.trim());
    void client.resetQueries();
  };
  return (
    <main className="sign-in">
      <h1>Sign in to Gantry</h1>
      <form onSubmit={submit} aria-label="Sign in with an API token">
        <label htmlFor="token">API token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          placeholder="gantry_…"
          required
        />
        {reason && (
          <p className="error" role="alert">
            {reason}
          </p>
        )}
        <button type="submit" className="primary">
          Sign in
        </button>
        <p className="hint">
          The token is kept for this tab only. An admin creates one with <code>POST /api/v1/tokens</code>; the first start writes one to{' '}
          <code>.gantry/data/admin-token</code>.
        </p>
      </form>
      {oidcLogin() && (
        <p>
          {/* Back to this very page once signed in: a shared link survives the sign-in. */}
          <a className="button" href={`/auth/login?returnTo=${encodeURIComponent(window.location.pathname + window.location.search)}`}>
            Sign in with single sign-on (OIDC)
          </a>
        </p>
      )}
    </main>
  );
}

export function signOut(): void {
  session.signOut();
  void fetch('/auth/session', { method: 'DELETE' }).finally(() => window.location.assign('/'));
}
