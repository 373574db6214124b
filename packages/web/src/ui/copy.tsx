/**
 * A button that copies a text (a URL, a snippet, a secret) to the clipboard and says so. Outside a secure
 * context (plain http on a LAN address) the Clipboard API is missing: a hidden text area and the copy
 * command do it instead; when both fail, the text is selected for Ctrl+C.
 */
import { useEffect, useState } from 'react';

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through to the copy command */
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

export function CopyButton({ text, label = 'Copy', what }: { text: string; label?: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <span className="copy">
      <button type="button" className="small-button" aria-label={`Copy ${what}`} onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}>
        {label}
      </button>
      <span role="status" className="small muted">
        {state === 'copied' ? 'Copied.' : state === 'failed' ? 'Could not copy: select the text and press Ctrl+C.' : ''}
      </span>
    </span>
  );
}

/** A value in monospace with its copy button. */
export function CopyValue({ text, what, className }: { text: string; what: string; className?: string }) {
  return (
    <span className={`copy-value${className ? ` ${className}` : ''}`}>
      <code className="break">{text}</code>
      <CopyButton text={text} what={what} />
    </span>
  );
}
