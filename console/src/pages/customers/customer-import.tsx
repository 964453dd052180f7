import { useEffect, useRef, useState } from 'preact/hooks';
import { authHeaders, noticeUnauthorized, type ErrorBody } from '../../api/client';
import type { CustomerImportResult } from '../../api/types';
import { useI18n } from '../../i18n/i18n';
import { Dialog } from '../../layout/dialog';
import { describedBy, Field } from '../../layout/form-fields';

const IMPORT_PATH = '/api/v1/customers/import';

type Progress = { phase: 'uploading'; loaded: number; total: number } | { phase: 'processing' };

/**
 * POST /api/v1/customers/import with XMLHttpRequest, not the typed client: fetch cannot report
 * upload progress. The path and the answer's type still come from the generated schema.
 */
function uploadCsv(file: File, onProgress: (progress: Progress) => void, signal: AbortSignal): Promise<CustomerImportResult> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    // Closing the dialog stops the upload; rows already stored stay (each batch is its own transaction).
    signal.addEventListener('abort', () => request.abort());
    request.onabort = () => reject(new Error('aborted'));
    request.open('POST', IMPORT_PATH satisfies `/api/v1/customers/import`);
    for (const [name, value] of Object.entries(authHeaders())) request.setRequestHeader(name, value);
    request.responseType = 'json';
    request.upload.onprogress = (event) => onProgress({ phase: 'uploading', loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    // The file is sent; the server now reads it into the database in batches.
    request.upload.onload = () => onProgress({ phase: 'processing' });
    request.onload = () => {
      noticeUnauthorized(new Response(null, { status: request.status }));
      const body = request.response as CustomerImportResult | Partial<ErrorBody> | null;
      if (request.status === 200 && body && body.success) resolve(body as CustomerImportResult);
      else reject(new Error((body && typeof body.message === 'string' && body.message) || `${request.status} ${request.statusText}`));
    };
    request.onerror = () => reject(new Error('network error'));
    const form = new FormData();
    form.append('file', file);
    request.send(form);
  });
}

/** CSV import: pick a file, watch the upload, then read what was created, updated and rejected. */
export function CustomerImport({ onImported, onClose }: { onImported(): void; onClose(): void }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<Progress>();
  const [result, setResult] = useState<CustomerImportResult>();
  const [failure, setFailure] = useState<string>();
  const upload = useRef<AbortController>();
  useEffect(() => () => upload.current?.abort(), []);

  async function start(event: Event) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    setResult(undefined);
    setFailure(undefined);
    if (!file) {
      setFailure(t('import.pickFile'));
      return;
    }
    setProgress({ phase: 'uploading', loaded: 0, total: file.size });
    try {
      upload.current = new AbortController();
      const signal = upload.current.signal;
      const answer = await uploadCsv(file, setProgress, signal);
      if (signal.aborted) return;
      setResult(answer);
      onImported();
    } catch (error) {
      if (upload.current?.signal.aborted) return;
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setProgress(undefined);
    }
  }

  const percent = progress?.phase === 'uploading' && progress.total > 0 ? Math.round((progress.loaded / progress.total) * 100) : undefined;
  return (
    <Dialog title={t('import.title')} onClose={onClose}>
      <form onSubmit={start} noValidate>
        <Field inputId="import-file" label={t('import.file')} hint={t('import.hint')} messages={failure ? [failure] : []}>
          <input {...describedBy('import-file', failure ? [failure] : [], true)} ref={input} type="file" accept=".csv,text/csv" disabled={!!progress} />
        </Field>
        {progress && (
          <div class="import-progress">
            <label for="import-progress">{progress.phase === 'uploading' ? t('import.uploading', { percent: percent ?? 0 }) : t('import.processing')}</label>
            {/* Without a value the bar is indeterminate: the server is still storing rows. */}
            {percent === undefined ? <progress id="import-progress" key="busy" /> : <progress id="import-progress" key="upload" max={100} value={percent} />}
          </div>
        )}
        {result && <ImportResult result={result} />}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            {result ? t('form.close') : t('common.cancel')}
          </button>
          <button type="submit" class="primary" disabled={!!progress}>
            {t('import.start')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ImportResult({ result }: { result: CustomerImportResult }) {
  const { t, number } = useI18n();
  return (
    <div class="import-result" role="status">
      <p class="notice">{t('import.done', { created: number(result.created), updated: number(result.updated), rejected: number(result.rejected) })}</p>
      {result.rejected_rows.length > 0 && (
        <>
          <h3>{t('import.rejectedTitle')}</h3>
          <table class="rejected">
            <thead>
              <tr>
                <th scope="col">{t('import.line')}</th>
                <th scope="col">{t('import.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {result.rejected_rows.map((row) => (
                <tr key={row.line}>
                  <td>{row.line}</td>
                  <td>{row.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.rejected_rows_truncated && <p class="hint">{t('import.truncated', { shown: result.rejected_rows.length })}</p>}
        </>
      )}
    </div>
  );
}
