import type { ComponentChildren } from 'preact';
import { Link, useRoute } from 'wouter-preact';
import { endSession, useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import { LanguageSwitch } from './language-switch';

const SECTIONS: [href: string, label: MessageKey][] = [
  ['/', 'nav.blasts'],
  ['/customers', 'nav.customers'],
  ['/senders', 'nav.senders'],
];

function NavLink({ href, label }: { href: string; label: string }) {
  // Blasts own `/` and `/blasts/...`; the others their own prefix.
  const [onHome] = useRoute('/');
  const [inSection] = useRoute(href === '/' ? '/blasts/*?' : `${href}/*?`);
  const current = inSection || (href === '/' && onHome);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {label}
    </Link>
  );
}

/** The frame of every page: the name, the sections, the language and the admin's log-out. */
export function Layout({ children }: { children: ComponentChildren }) {
  const { t } = useI18n();
  const session = useSession();
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <Link href="/" class="brand">
          {t('app.name')}
        </Link>
        <nav aria-label={t('nav.menu')}>
          {SECTIONS.map(([href, label]) => (
            <NavLink key={href} href={href} label={t(label)} />
          ))}
        </nav>
        <div class="top-tools">
          <LanguageSwitch />
          <button type="button" class="link" title={session ? t('auth.signedInAs', { email: session.email }) : undefined} onClick={() => endSession()}>
            {t('auth.logout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
