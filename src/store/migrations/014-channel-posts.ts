import type { Migration } from './index';

/**
 * Which channel each of Trellis's channel posts belongs to, so stopping a channel can remove them. A Slack digest
 * and its chart are posted in the channel itself; a Teams digest starts a thread whose conversation id is the
 * channel id followed by ";messageid=…", so the channel is recorded apart from the conversation.
 * A Teams channel's conversation reference no longer keeps the user who last typed there (a deleted coach stayed
 * named in it): stored ones lose it too.
 */
export const channelPosts: Migration = {
  version: 14,
  name: 'platform messages name the channel of a channel post',
  sql: `
    ALTER TABLE platform_messages ADD COLUMN channel TEXT;
    UPDATE platform_messages SET channel = CASE
        WHEN instr(conversation, ';messageid=') > 0 THEN substr(conversation, 1, instr(conversation, ';messageid=') - 1)
        ELSE conversation END
      WHERE user_id IS NULL AND (kind = 'channel' OR (kind = 'file' AND status = 'posted'));
    UPDATE conversation_references SET reference = json_remove(reference, '$.user') WHERE scope = 'channel';
    CREATE INDEX platform_messages_by_channel ON platform_messages (platform, channel) WHERE channel IS NOT NULL;
  `,
};
