import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { toApiError } from "../api";

/** What to tell the user while a retryable failure is being retried, or null when nothing is. */
export function retryingMessage(codes: string[]): string | null {
  if (codes.length === 0) return null;
  if (codes.some((c) => c === "Throttling" || c === "ThrottlingException")) {
    return "AWS is throttling requests — retrying…";
  }
  if (codes.includes("Unreachable")) return "Could not reach AWS — retrying…";
  return "AWS answered with a temporary error — retrying…";
}

/**
 * A quiet banner while any query is retrying after a retryable failure (throttling, network), so
 * the user knows the app is working on it; it disappears as soon as the retry succeeds.
 */
export function RetryNotice() {
  const client = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    const cache = client.getQueryCache();
    const update = () => {
      const codes = cache
        .getAll()
        .filter((q) => q.state.fetchStatus === "fetching" && q.state.fetchFailureCount > 0)
        .map((q) => toApiError(q.state.fetchFailureReason))
        .filter((e) => e.retryable)
        .map((e) => e.code);
      setMessage(retryingMessage(codes));
    };
    update();
    // The cache also notifies while another component renders (a query is created then): the
    // state is updated after that render, not during it.
    let live = true;
    const unsubscribe = cache.subscribe(() => {
      queueMicrotask(() => {
        if (live) update();
      });
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client]);
  if (message === null) return null;
  return (
    <div className="retry-notice" role="status" data-testid="retry-notice">
      {message}
    </div>
  );
}
