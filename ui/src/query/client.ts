// The app's one QueryClient and its defaults.
import { QueryClient } from "@tanstack/react-query";
import { toApiError } from "../api";

/** One client for the app; retries only what the backend marks retryable. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (failures, error) => toApiError(error).retryable && failures < 2,
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
    },
  });
}
