// Filter boxes and lists that remember their state while the window is open.
import { useReducer } from "react";

// Filter text and last-opened row per list survive navigation within the window's life, so going
// back to a list returns the user to the same place.
const sticky = new Map<string, string>();

/** useState whose value outlives the component, keyed by `key`. */
export function useStickyState(key: string, initial = ""): [string, (value: string) => void] {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const value = sticky.get(key) ?? initial;
  const set = (next: string) => {
    sticky.set(key, next);
    rerender();
  };
  return [value, set];
}

/** Remembers which row of a list was opened last. */
export function rememberSelection(listKey: string, rowKey: string): void {
  sticky.set(`selected:${listKey}`, rowKey);
}

/** The row of a list that was opened last, if any. */
export function lastSelection(listKey: string): string | undefined {
  return sticky.get(`selected:${listKey}`);
}
