import type { QueryClient } from "@tanstack/react-query";
import { setSessionRegion, type SessionInfo } from "../api";
import { queryKeys } from "../query/keys";
import { navigate } from "../route";

/** Opens a service in a session, first moving the session to the service's region if needed. */
export async function jumpToService(
  client: QueryClient,
  sessionId: string,
  region: string,
  cluster: string,
  service: string,
): Promise<void> {
  const sessions = client.getQueryData<SessionInfo[]>(queryKeys.sessions());
  const session = sessions?.find((s) => s.id === sessionId);
  if (session !== undefined && session.region !== region) {
    await setSessionRegion(sessionId, region);
    await client.invalidateQueries({ queryKey: queryKeys.sessions() });
  }
  navigate({ view: "service", sessionId, cluster, service });
}
