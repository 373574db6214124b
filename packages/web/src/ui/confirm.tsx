/** A button that asks before it acts, in a modal `<dialog>` (focus moves into it; Escape cancels). */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { errorText } from './states';

export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel,
  danger,
  onConfirm,
  className,
}: {
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className={className ?? (danger ? 'danger' : '')} onClick={() => setOpen(true)}>
        {children}
      </button>
      <dialog ref={ref} onClose={() => setOpen(false)} aria-labelledby={title.replace(/\W+/g, '-')}>
        {open && (
          <div className="dialog-body">
            <h2 id={title.replace(/\W+/g, '-')}>{title}</h2>
            <div>{message}</div>
            {error !== null && (
              <p className="state error" role="alert">
                {errorText(error)}
              </p>
            )}
            <div className="actions">
              <button type="button" onClick={() => setOpen(false)} disabled={busy}>
                Cancel
              </button>
              <button type="button" className={danger ? 'danger' : 'primary'} onClick={() => void confirm()} disabled={busy} autoFocus>
                {busy ? 'Working…' : confirmLabel}
              </button>
            </div>
          </div>
        )}
      </dialog>
    </>
  );
}
