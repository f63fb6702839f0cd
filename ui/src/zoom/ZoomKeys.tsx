// Ctrl + / Ctrl − / Ctrl 0 enlarge, shrink and reset the whole window (the webview's own zoom, so
// the layout reflows as in a browser); the core remembers the level for the next start.
import { useEffect, useRef, useState } from "react";
import * as api from "../api";

/** The zoom change a key press asks for, or null when it is not a zoom key. */
export function zoomChangeOf(e: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey">): api.ZoomChange | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  if (e.key === "+" || e.key === "=") return "in";
  if (e.key === "-" || e.key === "_") return "out";
  if (e.key === "0") return "reset";
  return null;
}

/** How long the "Zoom 150 %" notice stays after a change. */
const NOTICE_MS = 2_500;

/** Listens for the zoom keys and says the new level in a polite live region. */
export function ZoomKeys() {
  const [notice, setNotice] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    const show = (text: string) => {
      setNotice(text);
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => { setNotice(null); }, NOTICE_MS);
    };
    const mark = (percent: number) => {
      document.documentElement.dataset.zoom = String(percent);
    };
    api.getZoom().then(mark, () => { mark(100); });
    const onKey = (e: KeyboardEvent) => {
      const change = zoomChangeOf(e);
      if (change === null) return;
      e.preventDefault();
      api.changeZoom(change).then(
        (percent) => {
          mark(percent);
          show(`Zoom ${percent} %`);
        },
        (error: unknown) => { show(`Zoom not changed: ${api.toApiError(error).message}`); },
      );
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.clearTimeout(timer.current);
    };
  }, []);

  return (
    <div className="zoom-notice" role="status" aria-live="polite" data-testid="zoom-notice" hidden={notice === null}>
      {notice}
    </div>
  );
}
