import { NavLink, Outlet, useParams } from 'react-router';
import { text } from '../api/status';
import { signOut, useMe } from '../auth';

export function Layout() {
  const me = useMe();
  const { app } = useParams();
  return (
    <>
      <header className="top">
        <a href="#main" className="skip">
          Skip to content
        </a>
        <NavLink to="/applications" className="brand" end>
          Gantry
        </NavLink>
        {app && (
          <nav aria-label={`Application ${app}`}>
            <span className="app-name">{app}</span>
            <NavLink to={`/applications/${app}/pipelines`}>Pipelines</NavLink>
            <NavLink to={`/applications/${app}/clusters`}>Clusters</NavLink>
          </nav>
        )}
        <span className="spacer" />
        <span className="who" title={`roles: ${me.roles.join(', ') || 'none'}`}>
          {me.name}
        </span>
        {me.via !== 'auth-off' && (
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status.toLowerCase().replace('_', ' ')}</span>;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {error instanceof Error ? error.message : text(error)}
    </p>
  );
}

/**
 * Why the view's buttons are disabled, said once in words beside them: a disabled button's title
 * (its accessible description) is not seen on a phone, which has no hover.
 */
export function DeniedNote({ reason }: { reason: string | undefined }) {
  if (reason === undefined) return null;
  return (
    <p className="muted denied" role="note">
      Read only here: {reason}.
    </p>
  );
}
