import { useState } from 'preact/hooks';
import { api, need } from '../../api/client';
import type { Sender } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { ConfirmDialog, Dialog } from '../../layout/dialog';
import { LoadError, Loading } from '../../layout/feedback';
import { useAsync } from '../../use-async';
import { SenderEditor } from './sender-editor';
import { SenderCard, senderLabel } from './sender-card';

type Open = { kind: 'add' } | { kind: 'edit' | 'pause' | 'delete'; sender: Sender } | undefined;

/** Senders: each number's state, today's count against its cap, pacing; add / edit / pause / resume / delete. */
export function SendersPage() {
  const { t } = useI18n();
  const [open, setOpen] = useState<Open>();
  const [notice, setNotice] = useState<string>();
  const [actionError, setActionError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const senders = useAsync(async () => need(await api.GET('/api/v1/senders')).data, []);
  const providers = useAsync(async () => need(await api.GET('/api/v1/senders/providers')).data, []);

  const replace = (saved: Sender) => senders.setData((current) => current?.map((row) => (row.id === saved.id ? saved : row)));
  const label = (sender: Sender) => senderLabel(sender, t);

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

  const patchState = (sender: Sender, body: { state: 'active' } | { state: 'paused'; paused_reason?: string }) =>
    act(async () => {
      replace(need(await api.PATCH('/api/v1/senders/{id}', { params: { path: { id: sender.id } }, body })).data);
      setOpen(undefined);
      setNotice(t(body.state === 'active' ? 'senders.resumed' : 'senders.paused', { name: label(sender) }));
    });

  const remove = (sender: Sender) =>
    act(async () => {
      need(await api.DELETE('/api/v1/senders/{id}', { params: { path: { id: sender.id } } }));
      setOpen(undefined);
      setNotice(t('senders.deleted', { name: label(sender) }));
      senders.setData((current) => current?.filter((row) => row.id !== sender.id));
    });

  const error = senders.error ?? providers.error;
  return (
    <section>
      <div class="page-head">
        <h1>{t('nav.senders')}</h1>
        <button type="button" class="primary" disabled={!providers.data} onClick={() => setOpen({ kind: 'add' })}>
          {t('senders.add')}
        </button>
      </div>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {actionError && <LoadError error={new Error(actionError)} />}
      {error && (
        <LoadError
          error={error}
          retry={() => {
            senders.reload();
            providers.reload();
          }}
        />
      )}
      {!senders.data && !error && <Loading />}
      {senders.data?.length === 0 && <p class="card">{t('senders.empty')}</p>}
      {senders.data && senders.data.length > 0 && (
        <ul class="sender-list">
          {senders.data.map((sender) => (
            <SenderCard
              key={sender.id}
              sender={sender}
              busy={busy}
              onEdit={() => setOpen({ kind: 'edit', sender })}
              onPause={() => setOpen({ kind: 'pause', sender })}
              onResume={() => patchState(sender, { state: 'active' })}
              onDelete={() => setOpen({ kind: 'delete', sender })}
            />
          ))}
        </ul>
      )}
      {(open?.kind === 'add' || open?.kind === 'edit') && providers.data && (
        <SenderEditor
          sender={open.kind === 'edit' ? open.sender : undefined}
          providers={providers.data}
          onClose={() => setOpen(undefined)}
          onSaved={(saved) => {
            setOpen(undefined);
            setNotice(t(open.kind === 'edit' ? 'senders.saved' : 'senders.created', { name: label(saved) }));
            if (open.kind === 'edit') replace(saved);
            else senders.setData((current) => [...(current ?? []), saved]);
          }}
        />
      )}
      {open?.kind === 'pause' && <PauseDialog sender={open.sender} busy={busy} onClose={() => setOpen(undefined)} onPause={(reason) => patchState(open.sender, { state: 'paused', ...(reason && { paused_reason: reason }) })} />}
      {open?.kind === 'delete' && (
        <ConfirmDialog
          title={t('senders.deleteTitle')}
          message={t('senders.deleteConfirm', { name: label(open.sender) })}
          confirm={t('form.delete')}
          cancel={t('common.cancel')}
          busy={busy}
          onConfirm={() => remove(open.sender)}
          onClose={() => setOpen(undefined)}
        />
      )}
    </section>
  );
}

/** Pausing asks why: the reason is shown on the card until someone resumes it. */
function PauseDialog({ sender, busy, onPause, onClose }: { sender: Sender; busy: boolean; onPause(reason: string): void; onClose(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  return (
    <Dialog title={t('senders.pauseTitle', { name: senderLabel(sender, t) })} onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onPause(reason.trim());
        }}
      >
        <label for="pause-reason">{t('senders.pauseReason')}</label>
        <input id="pause-reason" value={reason} maxLength={500} autoComplete="off" onInput={(e) => setReason(e.currentTarget.value)} aria-describedby="pause-reason-hint" />
        <p class="hint" id="pause-reason-hint">
          {t('senders.pauseReasonHint')}
        </p>
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {t('senders.pause')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
