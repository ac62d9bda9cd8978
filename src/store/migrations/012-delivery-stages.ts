import type { Migration } from './index';

/**
 * Where a send stands inside its claim, so a crash leaves only one HTTP call in doubt.
 * - deliveries.stage: 'claimed' (message being built, nothing sent), 'posting' (the text's HTTP call is in flight),
 *   'posted' (the text is on the platform, message_id holds its id; the chart is next), 'uploading' (the chart's
 *   upload is in flight). NULL on rows from before this migration: treated as in doubt.
 * - deliveries.in_doubt: the outcome could not be known (the platform cannot be asked, or never answered the
 *   question), so the row was settled by the sender's rule for its kind rather than by the platform's answer.
 */
export const deliveryStages: Migration = {
  version: 12,
  name: 'delivery stage within a claim, in-doubt marker',
  sql: `
    ALTER TABLE deliveries ADD COLUMN stage TEXT
      CHECK (stage IN ('claimed', 'posting', 'posted', 'uploading'));
    ALTER TABLE deliveries ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0;
  `,
};
