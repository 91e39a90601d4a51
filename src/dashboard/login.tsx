import { useState } from 'preact/hooks';
import { ApiError, checkToken } from './api-client.js';
import { saveToken } from './session.js';

function explain(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'The engine does not accept this token.';
    if (error.status === 429)
      return 'Too many failed attempts from this address: wait a little and try again.';
    return `The engine refused: ${error.message} (${error.code}).`;
  }
  return 'The engine cannot be reached. Is it running with --listen?';
}

/** Asks for a token, checks it against the engine, and keeps it in this tab's session storage. */
export function Login(props: {
  readonly notice?: string | null;
  readonly onSignedIn: (token: string) => void;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const value = token.trim();
    if (value === '') return;
    setBusy(true);
    setError(null);
    try {
      await checkToken(value);
      saveToken(value);
      props.onSignedIn(value);
    } catch (failure) {
      setError(explain(failure));
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <h1>Enigma-Apex</h1>
      <form onSubmit={(event) => void submit(event)} aria-describedby="login-help">
        <label for="token">Access token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(event) => setToken((event.target as HTMLInputElement).value)}
          required
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p id="login-help" class="hint">
          A token from <code>enigma token create --role viewer|trader|admin --name &lt;name&gt;</code>. It
          stays in this tab only.
        </p>
        {(error ?? props.notice) && (
          <p class="error" role="alert">
            {error ?? props.notice}
          </p>
        )}
      </form>
    </main>
  );
}
