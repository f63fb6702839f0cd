// Queries of the fleet page, the pins, the Ctrl+K palette and a service's kept history.
import { useQuery } from "@tanstack/react-query";
import * as api from "../api";
import { queryKeys } from "../query/keys";

/** Every pin with health, counts and sparklines, worst first. */
export function useFleetView() {
  return useQuery({ queryKey: queryKeys.fleet.view(), queryFn: api.fleetView, refetchInterval: 30_000 });
}

/** Pinned services. */
export function usePins() {
  return useQuery({ queryKey: queryKeys.fleet.pins(), queryFn: api.listPins });
}

/** Services of every open session, for the palette. */
export function usePaletteIndex() {
  return useQuery({ queryKey: queryKeys.fleet.palette(), queryFn: api.paletteIndex, staleTime: 60_000 });
}

/** What the app kept about a service; each read also records what AWS shows now. */
export function useServiceHistory(session: api.SessionInfo, cluster: string, service: string) {
  return useQuery({
    queryKey: queryKeys.fleet.history(session, cluster, service),
    queryFn: () => api.serviceHistory(session.id, cluster, service),
    refetchInterval: 60_000,
  });
}
