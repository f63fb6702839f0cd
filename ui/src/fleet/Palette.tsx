import "./fleet.css";
import { useEffect, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { PaletteEntry } from "../api";
import { PartitionBadge } from "../components/PartitionBadge";
import { useDialog } from "../components/useDialog";
import { jumpToService } from "./jump";
import { usePaletteIndex } from "./queries";

const SHOWN = 50;

/** Entries whose service, cluster, account or region contain every word of `query`. */
export function searchPalette(entries: PaletteEntry[], query: string): PaletteEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w !== "");
  return entries.filter((e) => {
    const text = `${e.service} ${e.cluster} ${e.account} ${e.region} ${e.partition}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/** Ctrl+K (or ⌘K): find a service in any signed-in session and jump to it. */
export function Palette() {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, []);
  if (!open) return null;
  return (
    <PaletteDialog
      onClose={() => {
        setOpen(false);
      }}
    />
  );
}

function PaletteDialog({ onClose }: { onClose: () => void }) {
  const client = useQueryClient();
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState(0);
  const index = usePaletteIndex();
  const results = useMemo(() => searchPalette(index.data ?? [], query).slice(0, SHOWN), [index.data, query]);
  // Focus lands in the input (the dialog's first field); Escape closes from anywhere inside.
  const dialog = useDialog(onClose);
  const active = results[selected] === undefined ? undefined : `palette-${selected}`;
  useEffect(() => {
    if (active !== undefined) document.getElementById(active)?.scrollIntoView({ block: "nearest" });
  }, [active]);
  const choose = (entry: PaletteEntry | undefined) => {
    if (entry === undefined) return;
    onClose();
    void jumpToService(client, entry.sessionId, entry.region, entry.cluster, entry.service);
  };
  return (
    <div
      className="palette-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div ref={dialog} tabIndex={-1} className="palette" role="dialog" aria-modal="true" aria-labelledby="palette-title" data-testid="palette">
        <h2 id="palette-title" className="visually-hidden">
          Find a service
        </h2>
        <input
          type="search"
          role="combobox"
          value={query}
          placeholder="Find a service in any signed-in account…"
          aria-label="Find a service"
          aria-autocomplete="list"
          aria-expanded={results.length > 0}
          aria-controls="palette-results"
          aria-activedescendant={active}
          aria-describedby="palette-hint"
          autoComplete="off"
          spellCheck={false}
          data-testid="palette-input"
          onChange={(e) => {
            setQuery(e.target.value);
            setSelected(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setSelected((s) => Math.min(results.length - 1, s + 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setSelected((s) => Math.max(0, s - 1));
            } else if ((e.key === "Home" || e.key === "End") && e.ctrlKey) {
              // Plain Home/End move the caret in the text; with Ctrl they jump in the list.
              e.preventDefault();
              setSelected(e.key === "Home" ? 0 : Math.max(0, results.length - 1));
            } else if (e.key === "Enter") {
              e.preventDefault();
              choose(results[selected]);
            }
          }}
        />
        {/* Options are chosen through the input (aria-activedescendant), so they take no focus. */}
        <ul id="palette-results" role="listbox" aria-label="Services">
          {results.map((e, i) => (
            <li
              key={`${e.sessionId}|${e.cluster}|${e.service}`}
              id={`palette-${i}`}
              role="option"
              aria-selected={i === selected}
              className="palette-item"
              data-testid="palette-item"
              data-service={e.service}
              data-partition={e.partition}
              onMouseEnter={() => {
                setSelected(i);
              }}
              onClick={() => {
                choose(e);
              }}
            >
              <strong>{e.service}</strong>
              <span className="muted">{e.cluster}</span>
              <span className="where">
                <PartitionBadge partition={e.partition} testId="palette-partition" /> {e.account} · {e.region}
              </span>
            </li>
          ))}
        </ul>
        <div className="palette-hint" id="palette-hint" role="status">
          {index.isPending
            ? "Looking through your signed-in accounts…"
            : index.isError
              ? `Could not list services: ${index.error.message}`
              : results.length === 0
                ? "No service matches."
                : "↑ ↓ to choose, Enter to open, Esc to close"}
        </div>
      </div>
    </div>
  );
}
