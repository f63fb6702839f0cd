import "./fleet.css";
import { useEffect, useMemo, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { PaletteEntry } from "../api";
import { PartitionBadge } from "../components/PartitionBadge";
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
  const input = useRef<HTMLInputElement>(null);
  const index = usePaletteIndex();
  const results = useMemo(() => searchPalette(index.data ?? [], query).slice(0, SHOWN), [index.data, query]);
  useEffect(() => {
    input.current?.focus();
  }, []);
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
      <div className="palette" role="dialog" aria-modal="true" aria-label="Find a service" data-testid="palette">
        <input
          ref={input}
          type="search"
          value={query}
          placeholder="Find a service in any signed-in account…"
          aria-label="Find a service"
          aria-controls="palette-results"
          aria-activedescendant={results[selected] === undefined ? undefined : `palette-${selected}`}
          data-testid="palette-input"
          onChange={(e) => {
            setQuery(e.target.value);
            setSelected(0);
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") onClose();
            else if (e.key === "ArrowDown") {
              e.preventDefault();
              setSelected((s) => Math.min(results.length - 1, s + 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setSelected((s) => Math.max(0, s - 1));
            } else if (e.key === "Enter") {
              e.preventDefault();
              choose(results[selected]);
            }
          }}
        />
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
        <div className="palette-hint">
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
