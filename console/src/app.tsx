import { Route, Switch } from 'wouter-preact';
import { LoginPage } from './auth/login-page';
import { useSession } from './auth/session';
import { useI18n } from './i18n/i18n';
import { Layout } from './layout/layout';
import { BlastDetailPage } from './pages/blasts/blast-detail-page';
import { BlastHistoryPage } from './pages/blasts/history-page';
import { NewBlastPage } from './pages/blasts/new-blast-page';
import { CustomersPage } from './pages/customers/customers-page';
import { SendersPage } from './pages/senders/senders-page';

/**
 * The console's pages. The service answers the page at each of these paths (CONSOLE_PAGES in
 * src/http/console.ts): a new top-level path must be added there too.
 */
export function App() {
  const session = useSession();
  if (!session) return <LoginPage />;
  return (
    <Layout>
      <Switch>
        <Route path="/" component={BlastHistoryPage} />
        <Route path="/login" component={BlastHistoryPage} />
        <Route path="/blasts/new" component={NewBlastPage} />
        <Route path="/blasts/:id">{(params) => <BlastDetailPage id={Number(params.id)} />}</Route>
        <Route path="/customers/*?" component={CustomersPage} />
        <Route path="/senders/*?" component={SendersPage} />
        <Route component={NotFound} />
      </Switch>
    </Layout>
  );
}

function NotFound() {
  const { t } = useI18n();
  return (
    <section class="card">
      <p>{t('common.notFound')}</p>
      <a href="/">{t('common.backHome')}</a>
    </section>
  );
}
