// The entry hosts load: defines <activity-log> once, however many times the script is included.
import { ActivityLog } from './activity-log.component.js';

export type { Mode, View } from './activity-log.component.js';
export type * from './types.js';
export { ActivityLog };

if (!customElements.get('activity-log')) customElements.define('activity-log', ActivityLog);
