import { useEffect, useMemo, useState } from 'preact/hooks';
import { ConnectionBadge, ConnectionBanner } from './connection-status.js';
import { EmergencyStop } from './emergency-stop.js';
import { LiveStream } from './live-stream.js';
import { Login } from './login.js';
import { Overview } from './overview/overview.js';
import { PerformanceView } from './performance/performance-view.js';
import { RiskView } from './risk/risk-view.js';
import { ROUTES, useRoute } from './router.js';
import { forgetSession, savedToken } from './session.js';
import { SystemView } from './system/system-view.js';
import { Trading } from './trading/trading.js';
import { useLive } from './use-live.js';

/** Signed in: the header (link state, emergency stop for admins), the banner, and the view of the URL. */
function Dashboard(props: { readonly token: string; readonly onSignOut: (notice?: string) => void }) {
  const stream = useMemo(() => new LiveStream(props.token), [props.token]);
  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, [stream]);
  const live = useLive(stream);
  const route = useRoute();

  useEffect(() => {
    if (live.connection === 'signed-out')
      props.onSignOut('The engine no longer accepts this token: sign in again.');
  }, [live.connection]);

  // Only admins may halt and resume (the API's rule); viewers and traders see no control here.
  const canHalt = live.role === 'admin';
  return (
    <>
      <header class="top">
        <div class="brand">
          <strong>Enigma-Apex</strong>
          <ConnectionBadge live={live} />
        </div>
        <nav aria-label="Views">
          {ROUTES.map((r) => (
            <a key={r.path} href={`#/${r.path}`} aria-current={route === r.path ? 'page' : undefined}>
              {r.title}
            </a>
          ))}
        </nav>
        <div class="who">
          <span data-testid="who">
            {live.name ?? 'signed in'}
            {live.role ? ` (${live.role})` : ''}
          </span>
          <button type="button" class="link" onClick={() => props.onSignOut()}>
            Sign out
          </button>
        </div>
        {canHalt && (
          <EmergencyStop token={props.token} anyHalted={live.accounts.some((a) => a.state === 'HALTED')} />
        )}
      </header>
      <ConnectionBanner live={live} />
      <main
        id="main"
        class={live.connection === 'live' ? 'is-live' : 'is-stale'}
        data-live={String(live.connection === 'live')}
      >
        {route === 'overview' ? (
          <Overview live={live} />
        ) : route === 'trading' ? (
          <Trading token={props.token} role={live.role} />
        ) : route === 'risk' ? (
          <RiskView live={live} stream={stream} token={props.token} />
        ) : route === 'system' ? (
          <SystemView live={live} stream={stream} token={props.token} />
        ) : route === 'performance' ? (
          <PerformanceView live={live} stream={stream} token={props.token} />
        ) : (
          <section>
            <h2>No view '{route}'</h2>
            <p>
              The views are{' '}
              {ROUTES.map((r, i) => (
                <span key={r.path}>
                  {i === 0 ? '' : i === ROUTES.length - 1 ? ' and ' : ', '}
                  <a href={`#/${r.path}`}>{r.title}</a>
                </span>
              ))}
              .
            </p>
          </section>
        )}
      </main>
    </>
  );
}

export function App() {
  const [token, setToken] = useState(savedToken);
  const [notice, setNotice] = useState<string | null>(null);
  if (token === null) {
    return (
      <Login
        notice={notice}
        onSignedIn={(value) => {
          setNotice(null);
          setToken(value);
        }}
      />
    );
  }
  return (
    <Dashboard
      token={token}
      onSignOut={(message) => {
        forgetSession();
        setNotice(message ?? null);
        setToken(null);
      }}
    />
  );
}
