// A stored Place (JSON text beside the IP) back into the API's shape; anything unreadable is no place.
import type { Place } from '../../shared/api.js';

export function placeFrom(json: string | null): Place | null {
  if (!json) return null;
  try {
    const p = JSON.parse(json) as Place;
    return typeof p?.country === 'string' ? p : null;
  } catch {
    return null;
  }
}
