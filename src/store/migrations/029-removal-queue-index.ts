import type { Migration } from './index';

/**
 * The removal queue's index (`platform_messages_ready`, migration 10) holds only rows on their way off the platform
 * (queued, removing, failed). Every message Trellis posts is recorded as 'posted' and most stay so until a delete,
 * stop or retention queues them; their entries were never read (the queries of the queue name a status other than
 * 'posted'), yet each reply's record paid for one more B-tree insert and one more page in its COMMIT. The queries
 * that use the index say `status <> 'posted'` so SQLite knows the partial index covers them
 * (src/store/platform-messages.ts).
 */
export const removalQueueIndex: Migration = {
  version: 29,
  name: 'the removal queue index leaves out posted messages',
  sql: `
    DROP INDEX platform_messages_ready;
    CREATE INDEX platform_messages_ready ON platform_messages (platform, status, next_attempt_at)
      WHERE status <> 'posted';
  `,
};
