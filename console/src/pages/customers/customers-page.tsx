import { useState } from 'preact/hooks';
import { api, need } from '../../api/client';
import type { Customer } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { ConfirmDialog } from '../../layout/dialog';
import { LoadError, Loading, Pager } from '../../layout/feedback';
import { useAsync } from '../../use-async';
import { CustomerEditor } from './customer-editor';
import { CustomerImport } from './customer-import';

const PER_PAGE = 20;

type Open = { kind: 'add' } | { kind: 'edit'; customer: Customer } | { kind: 'delete'; customer: Customer } | { kind: 'import' } | undefined;

/** Customers: list with search, status filter and paging; add / edit / delete; opt-outs; CSV import. */
export function CustomersPage() {
  const { t, number } = useI18n();
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState({ search: '', status: '' });
  const [draft, setDraft] = useState(filter);
  const [open, setOpen] = useState<Open>();
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const list = useAsync(async () => {
    const query = { page, per_page: PER_PAGE, ...(filter.search && { search: filter.search }), ...(filter.status && { status: filter.status }) };
    return need(await api.GET('/api/v1/customers', { params: { query } }));
  }, [page, filter]);

  const replace = (saved: Customer) =>
    list.setData((current) => current && { ...current, data: current.data.map((row) => (row.id === saved.id ? saved : row)) });

  async function act(work: () => Promise<void>) {
    setBusy(true);
    setActionError(undefined);
    try {
      await work();
    } catch (error) {
      setActionError(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  const allowAgain = (customer: Customer) =>
    act(async () => {
      replace(need(await api.PATCH('/api/v1/customers/{id}', { params: { path: { id: customer.id } }, body: { opted_out: false } })).data);
      setNotice(t('customers.optOutCleared', { name: customer.name }));
    });

  const remove = (customer: Customer) =>
    act(async () => {
      need(await api.DELETE('/api/v1/customers/{id}', { params: { path: { id: customer.id } } }));
      setOpen(undefined);
      setNotice(t('customers.deleted', { name: customer.name }));
      list.reload();
    });

  const total = list.data?.meta.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  return (
    <section>
      <div class="page-head">
        <h1>{t('nav.customers')}</h1>
        <div class="actions">
          <button type="button" onClick={() => setOpen({ kind: 'import' })}>
            {t('import.open')}
          </button>
          <button type="button" class="primary" onClick={() => setOpen({ kind: 'add' })}>
            {t('customers.add')}
          </button>
        </div>
      </div>
      <form
        class="card filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setPage(1);
          setFilter({ search: draft.search.trim(), status: draft.status.trim() });
        }}
      >
        <div>
          <label for="customer-search">{t('customers.search')}</label>
          <input id="customer-search" type="search" value={draft.search} placeholder={t('customers.searchHint')} onInput={(e) => setDraft({ ...draft, search: e.currentTarget.value })} />
        </div>
        <div>
          <label for="customer-status-filter">{t('customers.statusFilter')}</label>
          <input id="customer-status-filter" value={draft.status} placeholder={t('customers.statusAny')} onInput={(e) => setDraft({ ...draft, status: e.currentTarget.value })} />
        </div>
        <button type="submit">{t('customers.filter')}</button>
      </form>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {actionError && <LoadError error={new Error(actionError)} />}
      {list.error && <LoadError error={list.error} retry={list.reload} />}
      {!list.data && !list.error && <Loading />}
      {list.data && (
        <>
          <p class="muted">{t('customers.count', { total: number(total) })}</p>
          {list.data.data.length === 0 ? (
            <p class="card">{filter.search || filter.status ? t('customers.noMatch') : t('customers.empty')}</p>
          ) : (
            <div class="table-wrap card flush">
              <table class="stack customers">
                <thead>
                  <tr>
                    <th scope="col">{t('customers.name')}</th>
                    <th scope="col">{t('customers.phone')}</th>
                    <th scope="col">{t('customers.status')}</th>
                    <th scope="col">{t('customers.attributes')}</th>
                    <th scope="col">{t('customers.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.data.map((customer) => (
                    <CustomerRow
                      key={customer.id}
                      customer={customer}
                      busy={busy}
                      onEdit={() => setOpen({ kind: 'edit', customer })}
                      onDelete={() => setOpen({ kind: 'delete', customer })}
                      onAllow={() => allowAgain(customer)}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <Pager page={page} pages={pages} go={setPage} />
      {(open?.kind === 'add' || open?.kind === 'edit') && (
        <CustomerEditor
          customer={open.kind === 'edit' ? open.customer : undefined}
          onClose={() => setOpen(undefined)}
          onSaved={(saved) => {
            setOpen(undefined);
            setNotice(t(open.kind === 'edit' ? 'customers.saved' : 'customers.created', { name: saved.name }));
            if (open.kind === 'edit') replace(saved);
            else list.reload();
          }}
        />
      )}
      {open?.kind === 'import' && (
        <CustomerImport
          // Closed during an upload, the batches stored so far stay: show them.
          onClose={() => {
            setOpen(undefined);
            list.reload();
          }}
          onImported={list.reload}
        />
      )}
      {open?.kind === 'delete' && (
        <ConfirmDialog
          title={t('customers.deleteTitle')}
          message={t('customers.deleteConfirm', { name: open.customer.name })}
          confirm={t('form.delete')}
          cancel={t('common.cancel')}
          busy={busy}
          onConfirm={() => remove(open.customer)}
          onClose={() => setOpen(undefined)}
        />
      )}
    </section>
  );
}

function CustomerRow({ customer, busy, onEdit, onDelete, onAllow }: { customer: Customer; busy: boolean; onEdit(): void; onDelete(): void; onAllow(): void }) {
  const { t, time } = useI18n();
  const attributes = Object.entries(customer.attributes);
  return (
    <tr data-customer-id={customer.id}>
      <td data-label={t('customers.name')}>
        <span class="strong">{customer.name}</span>
      </td>
      <td data-label={t('customers.phone')}>
        <div>
          {customer.whatsapp_number ? `+${customer.whatsapp_number}` : (customer.phone ?? t('common.none'))}
          {customer.phone_error && <p class="field-error">{customer.phone_error}</p>}
        </div>
      </td>
      <td data-label={t('customers.status')}>
        <div>
          <span class="badge">{customer.status}</span>
          {customer.opted_out && (
            <p class="opted-out">
              <span class="badge badge-failed">{t('customers.optedOut')}</span>{' '}
              <span class="hint">{t('customers.optedOutSince', { time: time(customer.opted_out_at), source: customer.opted_out_source ?? t('common.none') })}</span>{' '}
              <button type="button" class="link" disabled={busy} onClick={onAllow} aria-label={t('customers.allowAgainFor', { name: customer.name })}>
                {t('customers.allowAgain')}
              </button>
            </p>
          )}
        </div>
      </td>
      <td data-label={t('customers.attributes')}>
        {attributes.length === 0 ? (
          t('common.none')
        ) : (
          <ul class="attribute-list">
            {attributes.map(([key, value]) => (
              <li key={key}>
                <span class="muted">{key}:</span> {String(value)}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label={t('customers.actions')}>
        <div class="row-actions">
          <button type="button" onClick={onEdit} aria-label={t('customers.editFor', { name: customer.name })}>
            {t('form.edit')}
          </button>
          <button type="button" class="danger" onClick={onDelete} aria-label={t('customers.deleteFor', { name: customer.name })}>
            {t('form.delete')}
          </button>
        </div>
      </td>
    </tr>
  );
}
