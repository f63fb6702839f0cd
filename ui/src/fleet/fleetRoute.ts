// The fleet page lives at #/fleet beside the session routes (it belongs to no one session).
import { useEffect, useState } from "react";

/** The fleet page's hash. */
export const FLEET_HASH = "#/fleet";

/** Goes to the fleet page. */
export function openFleet(): void {
  window.location.hash = FLEET_HASH;
}

/** Whether the fleet page is showing, following hash changes. */
export function useFleetRoute(): boolean {
  const [fleet, setFleet] = useState(() => window.location.hash === FLEET_HASH);
  useEffect(() => {
    const onChange = () => {
      setFleet(window.location.hash === FLEET_HASH);
    };
    window.addEventListener("hashchange", onChange);
    return () => {
      window.removeEventListener("hashchange", onChange);
    };
  }, []);
  return fleet;
}
