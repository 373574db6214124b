/**
 * A labelled, searchable combobox (downshift's `useCombobox`: WAI-ARIA combobox with a listbox, arrow keys,
 * Enter, Escape, screen-reader announcements). Typing filters the options by label, value and keywords,
 * ignoring case and accents. Nothing is guessed: an option is taken when it is picked, when it is the only
 * match and Enter is pressed, or when the text is exactly its label or value (the value in its own case: "DE",
 * not "De"). With `allowCustom` (filters),
 * the typed text itself is taken on Enter or when leaving the field.
 */
import { useCombobox } from 'downshift';
import { useId, useMemo, useState, type ReactNode } from 'react';

export interface ComboOption {
  value: string;
  label: string;
  /** Shown at the right of the option (a count, a code). */
  hint?: string;
  /** Also searched (another language's name, a code). */
  keywords?: string;
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().trim();

/** Options matching `text`: exact label/value first, then those starting with it, then those containing it. */
export function filterOptions(options: ComboOption[], text: string): ComboOption[] {
  const t = fold(text);
  if (!t) return options;
  const scored: [number, ComboOption][] = [];
  for (const o of options) {
    const label = fold(o.label);
    const value = fold(o.value);
    const rank = label === t || value === t ? 0 : label.startsWith(t) ? 1 : label.includes(t) || value.startsWith(t) || fold(o.keywords ?? '').includes(t) ? 2 : -1;
    if (rank >= 0) scored.push([rank, o]);
  }
  return scored.sort((a, b) => a[0] - b[0]).map(([, o]) => o);
}

/**
 * The option `text` names exactly: its label (ignoring case and accents), or its value — ignoring case only
 * when `anyCase` (Enter), so that leaving a field with "Ge" typed is not taken for the code GE.
 */
export const exactOption = (options: ComboOption[], text: string, anyCase = false): ComboOption | undefined => {
  const t = fold(text);
  if (!t) return undefined;
  return options.find((o) => fold(o.label) === t) ?? options.find((o) => (anyCase ? fold(o.value) === t : o.value === text.trim()));
};

export function Combobox({
  label,
  options,
  value,
  onChange,
  onTextChange,
  allowCustom = false,
  placeholder,
  error,
  hint,
  noMatch = 'Nothing matches.',
  className,
}: {
  label: string;
  options: ComboOption[];
  /** The chosen value, or null. */
  value: string | null;
  onChange: (value: string | null) => void;
  /** What is typed (to tell "nothing chosen" from "typed something that is not an option"). */
  onTextChange?: (text: string) => void;
  allowCustom?: boolean;
  placeholder?: string | undefined;
  error?: string | undefined;
  hint?: ReactNode;
  noMatch?: string;
  className?: string;
}) {
  const id = useId();
  const textOf = (v: string | null) => (v === null ? '' : (options.find((o) => o.value === v)?.label ?? v));
  const [text, setText] = useState(() => textOf(value));
  // Follow the value when it changes from outside (a cleared filter, a reset form, options that arrived later).
  const [shown, setShown] = useState<{ value: string | null; label: string }>({ value, label: textOf(value) });
  if (shown.value !== value || shown.label !== textOf(value)) {
    setShown({ value, label: textOf(value) });
    setText(textOf(value));
  }
  const items = useMemo(() => filterOptions(options, text === textOf(value) ? '' : text), [options, text, value]); // eslint-disable-line react-hooks/exhaustive-deps
  const selectedItem = options.find((o) => o.value === value) ?? null;
  const updateText = (t: string) => {
    setText(t);
    onTextChange?.(t);
  };
  /** Tell the parent; the text stays as it is (the parent's new value is ours, not a change from outside). */
  const emit = (next: string | null) => {
    if (next === value) return;
    setShown({ value: next, label: textOf(next) });
    onChange(next);
  };
  const commit = (option: ComboOption | null | undefined, typed: string) => {
    if (option) {
      updateText(option.label);
      emit(option.value);
      return;
    }
    const t = typed.trim();
    if (!t) emit(null);
    else if (allowCustom) emit(t);
    else if (selectedItem && t !== selectedItem.label) emit(null); // typed over a choice: no longer that country
  };
  const cb = useCombobox<ComboOption>({
    items,
    selectedItem,
    inputValue: text,
    inputId: `${id}-input`,
    labelId: `${id}-label`,
    menuId: `${id}-menu`,
    itemToString: (o) => o?.label ?? '',
    itemToKey: (o: ComboOption | null) => o?.value,
    onInputValueChange: ({ inputValue, type }) => {
      if (type !== useCombobox.stateChangeTypes.ControlledPropUpdatedSelectedItem) updateText(inputValue);
    },
    onSelectedItemChange: ({ selectedItem: picked }) => commit(picked, picked?.label ?? ''),
  });
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field combo${error ? ' invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label {...cb.getLabelProps()}>{label}</label>
      <div className="combo-box">
        <input
          {...cb.getInputProps({
            placeholder,
            'aria-invalid': !!error,
            'aria-describedby': describedBy,
            onKeyDown: (e) => {
              if (e.key !== 'Enter' || e.nativeEvent.isComposing) return;
              // Enter takes the highlighted option; without one the only match, an exact one, or (filters) the text itself.
              const highlighted = cb.isOpen && cb.highlightedIndex >= 0 ? items[cb.highlightedIndex] : undefined;
              const pick = highlighted ?? (items.length === 1 && text.trim() ? items[0] : exactOption(options, text, true));
              const open = cb.isOpen;
              if (pick || allowCustom || !text.trim()) {
                commit(pick, text);
                cb.closeMenu();
              }
              // Enter in a field with its list open, or with text that is no option, does not submit the form.
              if (open || (!pick && !allowCustom && text.trim())) e.preventDefault();
              (e.nativeEvent as KeyboardEvent & { preventDownshiftDefault?: boolean }).preventDownshiftDefault = true;
            },
            onBlur: () => commit(exactOption(options, text), text),
          })}
        />
        <button type="button" className="combo-toggle" {...cb.getToggleButtonProps({ 'aria-label': `Show ${label.toLowerCase()} options` })}>
          <span aria-hidden="true">▾</span>
        </button>
        <ul {...cb.getMenuProps()} className={`combo-menu${cb.isOpen ? ' open' : ''}`}>
          {cb.isOpen && items.length === 0 && <li className="combo-empty">{allowCustom && text.trim() ? `No known value matches: Enter filters by "${text.trim()}".` : noMatch}</li>}
          {cb.isOpen &&
            items.slice(0, 300).map((o, index) => (
              <li key={o.value} className={`${cb.highlightedIndex === index ? 'active' : ''}${o.value === value ? ' selected' : ''}`} {...cb.getItemProps({ item: o, index })}>
                <span>{o.label}</span>
                {o.hint && <span className="muted small">{o.hint}</span>}
              </li>
            ))}
        </ul>
      </div>
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}
