/**
 * A button that asks before it acts: a Radix AlertDialog rendered in a portal at the end of the page, so no
 * table cell or scrolling container clips or aligns it. Focus moves to Cancel (the safe choice), stays inside
 * while it is open and returns to the button; Escape cancels. An error of the action shows inside the dialog.
 */
import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { useState, type ReactNode } from 'react';
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
    <AlertDialog.Root
      open={open}
      onOpenChange={(next) => {
        if (busy) return;
        setOpen(next);
        if (!next) setError(null);
      }}
    >
      <AlertDialog.Trigger asChild>
        <button type="button" className={className ?? (danger ? 'danger' : '')}>
          {children}
        </button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog">
          <AlertDialog.Title className="dialog-title">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="dialog-text">{message}</div>
          </AlertDialog.Description>
          {error !== null && (
            <p className="state error" role="alert">
              {errorText(error)}
            </p>
          )}
          <div className="dialog-actions">
            <AlertDialog.Cancel asChild>
              <button type="button" disabled={busy}>
                Cancel
              </button>
            </AlertDialog.Cancel>
            <button type="button" className={danger ? 'danger solid' : 'primary'} onClick={() => void confirm()} disabled={busy}>
              {busy ? 'Working…' : confirmLabel}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
