export { startStreams } from './start.js';
export { renderStreamMetrics, type StreamStatus, streamStatus } from './status.js';
