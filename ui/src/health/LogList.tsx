import { useEffect, useRef, useState } from "react";
import type { LogLine } from "../api";

/** Pixel height of one line (fixed, so the window of visible rows is plain arithmetic). */
export const ROW_HEIGHT = 20;
/** Rows drawn above and below the visible ones, so fast scrolling shows no blank rows. */
const OVERSCAN = 20;

/** Which rows to draw for a scroll position. */
export function visibleRange(scrollTop: number, viewport: number, count: number): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  return [first, last];
}

/** The time of a line as the user reads it. */
function time(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { hour12: false });
}

/** A windowed list: only the rows in view are in the DOM, so 50,000 lines scroll smoothly. It
 * sticks to the bottom while `follow` is on and the user has not scrolled up. */
export function LogList({ lines, height = 480, follow = false }: { lines: LogLine[]; height?: number; follow?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const atBottom = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el !== null && follow && atBottom.current) {
      el.scrollTop = el.scrollHeight;
      setScrollTop(el.scrollTop);
    }
  }, [lines.length, follow]);
  const [first, last] = visibleRange(scrollTop, height, lines.length);
  return (
    <div
      ref={ref}
      className="log-list"
      style={{ height, overflowY: "auto", position: "relative" }}
      onScroll={(e) => {
        const el = e.currentTarget;
        setScrollTop(el.scrollTop);
        atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
      }}
      data-testid="log-list"
      data-count={lines.length}
      // Focusable so the lines (plain text, nothing to press) can be scrolled with the keyboard.
      tabIndex={0}
      role="log"
      aria-label={`Log lines (${lines.length.toLocaleString()})`}
    >
      <div style={{ height: lines.length * ROW_HEIGHT, position: "relative" }}>
        {lines.slice(first, last).map((l, i) => {
          const index = first + i;
          const level = /\b(ERROR|FATAL|Exception)\b|error/.test(l.message) ? "error" : /\bWARN/.test(l.message) ? "warn" : undefined;
          return (
            <div
              key={l.eventId ?? `${l.timestamp}:${index}`}
              className={`log-line${level === undefined ? "" : ` log-${level}`}`}
              style={{ position: "absolute", top: index * ROW_HEIGHT, height: ROW_HEIGHT, left: 0, right: 0 }}
              data-testid="log-line"
              title={l.stream ?? undefined}
            >
              <span className="log-time">{time(l.timestamp)}</span> <span className="log-text">{l.message}</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
