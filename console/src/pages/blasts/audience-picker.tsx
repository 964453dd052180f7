import { useEffect, useState } from 'preact/hooks';
import { api, need } from '../../api/client';
import type { Customer } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { describedBy, Field, FieldError } from '../../layout/field';
import type { Audience, BlastForm } from './blast-form';

const SEARCH_PAGE = 20;

interface Props {
  form: BlastForm;
  change(patch: Partial<BlastForm>): void;
  statuses: string[];
  attributeKeys: string[];
  errors: Record<string, string>;
}

/** Who gets the blast: everybody, ticked customers (searched), or a filter on status and attributes. */
export function AudiencePicker({ form, change, statuses, attributeKeys, errors }: Props) {
  const { t } = useI18n();
  const choices: [Audience, string][] = [
    ['all', t('new.audience.all')],
    ['filter', t('new.audience.filter')],
    ['selected', t('new.audience.selected')],
  ];
  return (
    <fieldset class="card">
      <legend>{t('new.audience')}</legend>
      <div class="choices" role="radiogroup">
        {choices.map(([value, label]) => (
          <label key={value} class="choice">
            <input type="radio" name="audience" value={value} checked={form.audience === value} onChange={() => change({ audience: value })} />
            {label}
          </label>
        ))}
      </div>
      <FieldError id="target_type" error={errors.target_type} />
      {form.audience === 'selected' && <CustomerSearch form={form} change={change} error={errors.customer_ids} />}
      {form.audience === 'filter' && <FilterFields form={form} change={change} statuses={statuses} attributeKeys={attributeKeys} errors={errors} />}
    </fieldset>
  );
}

function CustomerSearch({ form, change, error }: { form: BlastForm; change: Props['change']; error?: string }) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Customer[]>([]);
  const [names, setNames] = useState<Record<number, string>>({});
  useEffect(() => {
    let stale = false;
    // Each key press would otherwise be a request: wait for a pause in typing.
    const timer = setTimeout(async () => {
      const query = { per_page: SEARCH_PAGE, page: 1, ...(search.trim() ? { search: search.trim() } : {}) };
      const result = need(await api.GET('/api/v1/customers', { params: { query } }));
      if (!stale) setFound(result.data);
    }, 250);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [search]);
  const toggle = (customer: Customer, on: boolean) => {
    setNames((n) => ({ ...n, [customer.id]: customer.name }));
    change({ customerIds: on ? [...form.customerIds, customer.id] : form.customerIds.filter((id) => id !== customer.id) });
  };
  return (
    <div>
      <Field id="customer-search" label={t('new.search')} hint={t('new.searchHint')} error={error}>
        <input
          id="customer-search"
          type="search"
          value={search}
          onInput={(e) => setSearch(e.currentTarget.value)}
          aria-describedby={describedBy('customer-search', true, error)}
          aria-invalid={error ? true : undefined}
        />
      </Field>
      <p aria-live="polite" class="muted">
        {t('new.selectedCount', { count: form.customerIds.length })}
        {form.customerIds.length > 0 && `: ${form.customerIds.map((id) => names[id] ?? `#${id}`).join(', ')}`}
      </p>
      {found.length === 0 ? (
        <p class="muted">{t('new.noCustomers')}</p>
      ) : (
        <ul class="pick-list">
          {found.map((customer) => (
            <li key={customer.id}>
              <label class="choice">
                <input type="checkbox" checked={form.customerIds.includes(customer.id)} onChange={(e) => toggle(customer, e.currentTarget.checked)} />
                {customer.name} <span class="muted">{customer.phone ?? ''}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function FilterFields({ form, change, statuses, attributeKeys, errors }: Omit<Props, 'form'> & { form: BlastForm }) {
  const { t } = useI18n();
  const setAttribute = (index: number, patch: Partial<{ key: string; value: string }>) =>
    change({ attributes: form.attributes.map((a, i) => (i === index ? { ...a, ...patch } : a)) });
  const unused = attributeKeys.filter((key) => !form.attributes.some((a) => a.key === key));
  return (
    <div>
      <Field id="filter_status" label={t('new.filterStatus')} error={errors.filter_status}>
        <select id="filter_status" value={form.status} onChange={(e) => change({ status: e.currentTarget.value })} aria-invalid={errors.filter_status ? true : undefined}>
          <option value="">{t('new.anyStatus')}</option>
          {statuses.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </Field>
      {form.attributes.map((attribute, index) => (
        <div class="attribute-row" key={index}>
          <div>
            <label for={`attr-key-${index}`}>{t('new.attribute')}</label>
            <select id={`attr-key-${index}`} value={attribute.key} onChange={(e) => setAttribute(index, { key: e.currentTarget.value })}>
              {[attribute.key, ...unused].filter(Boolean).map((key) => (
                <option key={key} value={key}>
                  {key}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for={`attr-value-${index}`}>{t('new.attributeValue', { key: attribute.key })}</label>
            <input id={`attr-value-${index}`} value={attribute.value} onInput={(e) => setAttribute(index, { value: e.currentTarget.value })} />
          </div>
          <button type="button" class="link" onClick={() => change({ attributes: form.attributes.filter((_, i) => i !== index) })}>
            {t('new.removeAttribute', { key: attribute.key })}
          </button>
        </div>
      ))}
      {unused.length > 0 && (
        <button type="button" onClick={() => change({ attributes: [...form.attributes, { key: unused[0]!, value: '' }] })}>
          {t('new.addAttribute')}
        </button>
      )}
      <FieldError id="filter_params" error={errors.filter_params} />
    </div>
  );
}
