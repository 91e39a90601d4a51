export { BAR_SNAPSHOT_ROWS, engineSnapshots, SNAPSHOT_ROWS } from './engine-snapshots.js';
export { attachStream, STREAM_PATH, STREAM_PROTOCOL_VERSION, STREAM_TOPICS } from './stream-server.js';
export type { StreamHandle, StreamOptions, StreamSnapshots, StreamStats } from './stream-server.js';
export { STREAM_CLOSE_CODES, STREAM_FINAL_CLOSE_CODES } from './stream-close-codes.js';
export { isStreamTopic, STREAM_TOPIC_NAMES, VALID_TOPICS_TEXT } from './stream-topics.js';
