import { useState } from 'preact/hooks';
import { api, ApiError, need } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { LanguageSwitch } from '../layout/language-switch';
import { sessionEndReason, startSession } from './session';

/** Email and password against POST /api/v1/auth/login; the token goes to sessionStorage only. */
export function LoginPage() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(sessionEndReason() === 'expired' ? t('auth.expired') : undefined);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const answer = need(await api.POST('/api/v1/auth/login', { body: { email, password } }));
      startSession({ token: answer.token, expiresAt: answer.expires_at, email: answer.admin.email });
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="card login-card" onSubmit={submit}>
        <div class="login-head">
          <h1>{t('auth.title')}</h1>
          <LanguageSwitch />
        </div>
        {error && (
          <p class="alert" role="alert">
            {error}
          </p>
        )}
        <label for="login-email">{t('auth.email')}</label>
        <input id="login-email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="login-password">{t('auth.password')}</label>
        <input
          id="login-password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('auth.busy') : t('auth.submit')}
        </button>
      </form>
    </main>
  );
}
