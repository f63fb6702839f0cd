// A single-select listbox per the WAI-ARIA listbox pattern: one Tab stop (roving tabindex),
// arrows, Home/End and type-ahead move the selection, Enter/Space and clicks select.
import { useRef, type KeyboardEvent, type MouseEvent } from "react";

/** Typed letters within this many milliseconds form one type-ahead search. */
const TYPEAHEAD_MS = 600;

/** The index of the first item after `from` (wrapping) whose label starts with `prefix`. */
export function typeaheadIndex(labels: string[], prefix: string, from: number): number {
  // The same letter typed again and again cycles through the items starting with it.
  const p = (/^(.)\1+$/u.test(prefix) ? prefix.slice(0, 1) : prefix).toLowerCase();
  const n = labels.length;
  // A repeated single letter cycles through the items with that letter; a longer prefix may stay.
  const start = p.length === 1 ? from + 1 : Math.max(from, 0);
  for (let i = 0; i < n; i += 1) {
    const index = (start + i + n) % n;
    if (labels[index]?.toLowerCase().startsWith(p) === true) return index;
  }
  return -1;
}

export interface ListboxOptions<T> {
  items: T[];
  /** A stable key per item. */
  keyOf: (item: T) => string;
  /** The text type-ahead matches (what the option starts with on screen). */
  labelOf: (item: T) => string;
  /** The selected item's key, or null. */
  selected: string | null;
  /** Called by clicks, Enter/Space and keyboard moves. */
  onSelect: (item: T) => void;
}

/** Props for the listbox element and for each option; spread them onto the elements. */
export function useListbox<T>({ items, keyOf, labelOf, selected, onSelect }: ListboxOptions<T>) {
  const listRef = useRef<HTMLElement | null>(null);
  const typed = useRef({ text: "", at: 0 });
  const selectedIndex = items.findIndex((i) => keyOf(i) === selected);
  // The Tab stop: the selected option, else the first.
  const tabStop = selectedIndex >= 0 ? selectedIndex : 0;

  const moveTo = (index: number) => {
    const item = items[index];
    if (item === undefined) return;
    onSelect(item);
    listRef.current?.querySelectorAll<HTMLElement>('[role="option"]')[index]?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    const options = Array.from(e.currentTarget.querySelectorAll<HTMLElement>('[role="option"]'));
    const current = options.findIndex((o) => o === document.activeElement);
    const from = current >= 0 ? current : tabStop;
    const last = items.length - 1;
    let next: number | null = null;
    if (e.key === "ArrowDown") next = Math.min(last, from + 1);
    else if (e.key === "ArrowUp") next = Math.max(0, from - 1);
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = last;
    else if (e.key === "Enter" || e.key === " ") next = from;
    else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
      const now = Date.now();
      const labels = items.map(labelOf);
      let text = (now - typed.current.at < TYPEAHEAD_MS ? typed.current.text : "") + e.key;
      let found = typeaheadIndex(labels, text, from);
      // Nothing starts with the whole run of letters: start a new search with this one.
      if (found < 0 && text.length > 1) {
        text = e.key;
        found = typeaheadIndex(labels, text, from);
      }
      typed.current = { text, at: now };
      if (found >= 0) next = found;
    }
    if (next === null) return;
    e.preventDefault();
    moveTo(next);
  };

  return {
    listProps: {
      ref: (el: HTMLElement | null) => {
        listRef.current = el;
      },
      role: "listbox" as const,
      onKeyDown,
    },
    optionProps: (item: T, index: number) => ({
      role: "option" as const,
      "aria-selected": index === selectedIndex,
      tabIndex: index === tabStop ? 0 : -1,
      onClick: (e: MouseEvent<HTMLElement>) => {
        e.currentTarget.focus();
        onSelect(item);
      },
    }),
  };
}
