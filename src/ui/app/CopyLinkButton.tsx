import { useEffect, useState, type ReactElement } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies the page's address, which the URL sync keeps naming the view and the selection.
 * The link holds names and offsets only: a file of the user's own stays on their machine,
 * and whoever opens the link is asked for it.
 */
export function CopyLinkButton(): ReactElement {
  const [state, setState] = useState<CopyState>('idle');
  useEffect(() => {
    if (state === 'idle') return undefined;
    const t = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(t);
  }, [state]);

  const copy = async (): Promise<void> => {
    const link = window.location.href;
    try {
      await navigator.clipboard.writeText(link);
      setState('copied');
    } catch {
      setState(copyWithSelection(link) ? 'copied' : 'failed');
    }
  };

  return (
    <span className="copy-link">
      <button type="button" className="btn" title="Copy a link to this view and selection" onClick={() => void copy()} data-testid="copy-link">
        Copy link
      </button>
      <span className="copy-link-status" aria-live="polite">
        {state === 'copied' ? 'Link copied' : state === 'failed' ? 'Copy failed: use the address bar' : ''}
      </span>
    </span>
  );
}

/** Where the Clipboard API is refused (no permission, not a secure context): the old way. */
function copyWithSelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
