// Modal dialog behaviour shared by every role="dialog": focus moves in on open, Tab and Shift+Tab
// stay inside, Escape closes, and focus goes back to the opener on close.
import { useEffect, useRef, useState } from "react";

const FOCUSABLE = [
  "a[href]",
  "button:not([disabled])",
  'input:not([disabled]):not([type="hidden"])',
  "select:not([disabled])",
  "textarea:not([disabled])",
  "details > summary:first-of-type",
  '[tabindex]:not([tabindex="-1"])',
].join(", ");
const FIELDS = 'input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled])';

/** Marks the button Escape presses: the dialog's Close or Cancel (only while it is enabled). */
export const DIALOG_CLOSE = { "data-dialog-close": "" } as const;

/** Open dialogs, the topmost last: only it answers the keyboard. */
const openDialogs: HTMLElement[] = [];

/** Is `el` inside the folded part of a closed <details> (its summary stays reachable)? */
function folded(el: HTMLElement): boolean {
  for (let d = el.parentElement?.closest("details"); d != null; d = d.parentElement?.closest("details")) {
    if (!d.open && !(d.querySelector(":scope > summary")?.contains(el) ?? false)) return true;
  }
  return false;
}

/** The elements Tab reaches inside `root`, in document order. */
export function tabbables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => el.closest("[hidden], [inert]") === null && !folded(el),
  );
}

/**
 * Returns the ref for the element with role="dialog" (give it tabIndex={-1}). Escape calls
 * `onEscape` when given, else clicks the enabled button marked with {@link DIALOG_CLOSE}, so it
 * does exactly what that button does, and nothing while there is none.
 */
export function useDialog(onEscape?: () => void) {
  const ref = useRef<HTMLDivElement>(null);
  // Read during the first render, before any effect inside the dialog can move the focus.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  const escape = useRef(onEscape);
  useEffect(() => {
    escape.current = onEscape;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    openDialogs.push(dialog);
    if (!dialog.contains(document.activeElement)) (dialog.querySelector<HTMLElement>(FIELDS) ?? dialog).focus();

    const onKey = (e: KeyboardEvent) => {
      if (openDialogs.at(-1) !== dialog || e.defaultPrevented) return;
      if (e.key === "Escape") {
        e.preventDefault();
        if (escape.current !== undefined) escape.current();
        else dialog.querySelector<HTMLButtonElement>("[data-dialog-close]:not(:disabled)")?.click();
        return;
      }
      if (e.key !== "Tab") return;
      const items = tabbables(dialog);
      const first = items[0];
      const last = items.at(-1);
      const active = document.activeElement;
      if (first === undefined || last === undefined) {
        e.preventDefault();
        dialog.focus();
      } else if (!dialog.contains(active)) {
        // Focus was lost (the focused button went away with a step): bring it back in.
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
      } else if (e.shiftKey && (active === first || active === dialog)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("keydown", onKey);
      openDialogs.splice(openDialogs.indexOf(dialog), 1);
      if (opener?.isConnected === true) opener.focus();
    };
  }, [opener]);

  return ref;
}
