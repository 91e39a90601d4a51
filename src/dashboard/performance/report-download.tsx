import { useState } from 'preact/hooks';
import { API_BASE } from '../api-client.js';
import type { PeriodKind } from './report-types.js';

/**
 * Saves the period's HTML report (`GET /api/v1/report.html`). The token goes in a header, never a
 * URL, so the page fetches the document and hands it to the browser as a file; opened from disk it
 * needs nothing (inline style and SVG, no script).
 */
export function ReportDownload(props: { readonly period: PeriodKind; readonly token: string }) {
  const [state, setState] = useState<{ busy: boolean; message: string }>({ busy: false, message: '' });
  const download = async (): Promise<void> => {
    setState({ busy: true, message: 'Building the report…' });
    try {
      const response = await fetch(`${API_BASE}/report.html?period=${props.period}`, {
        cache: 'no-store',
        headers: { authorization: `Bearer ${props.token}` },
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => undefined)) as
          { error?: { message?: string } } | undefined;
        setState({ busy: false, message: `No report: ${body?.error?.message ?? response.statusText}` });
        return;
      }
      const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = name ?? `enigma-report-${props.period}.html`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ busy: false, message: `Saved ${link.download}` });
    } catch {
      setState({ busy: false, message: 'No report: the engine cannot be reached' });
    }
  };
  return (
    <div class="report-download">
      <button type="button" disabled={state.busy} onClick={() => void download()}>
        Download the HTML report ({props.period === 'day' ? 'today' : `this ${props.period}`})
      </button>
      <span class="hint" role="status" data-testid="report-download-status">
        {state.message}
      </span>
    </div>
  );
}
