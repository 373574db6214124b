/**
 * A modal dialog (Radix Dialog, in a portal): focus moves in and stays until it closes, Escape and the ×
 * close it, focus returns to the button that opened it. For forms such as editing a site.
 */
import * as Dialog from '@radix-ui/react-dialog';
import { useState, type ReactNode } from 'react';

export function FormDialog({
  open,
  onOpenChange,
  trigger,
  title,
  description,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  trigger: ReactNode;
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Trigger asChild>{trigger}</Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content className="dialog wide" {...(description ? {} : { 'aria-describedby': undefined })}>
          <div className="dialog-head">
            <Dialog.Title className="dialog-title">{title}</Dialog.Title>
            <Dialog.Close asChild>
              <button type="button" className="link" aria-label="Close">
                ×
              </button>
            </Dialog.Close>
          </div>
          {description && <Dialog.Description className="muted">{description}</Dialog.Description>}
          {children}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/**
 * An Edit button (named "Edit <what>" for screen readers) opening a form dialog of that title; the form is
 * given `done` to close it: `<EditDialog what={site.name}>{(done) => <SiteForm site={site} onDone={done} />}</EditDialog>`.
 */
export function EditDialog({ what, description, children }: { what: string; description?: ReactNode; children: (done: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  const trigger = (
    <button type="button" aria-label={`Edit ${what}`}>
      Edit
    </button>
  );
  return (
    <FormDialog open={open} onOpenChange={setOpen} title={`Edit ${what}`} description={description} trigger={trigger}>
      {children(() => setOpen(false))}
    </FormDialog>
  );
}
