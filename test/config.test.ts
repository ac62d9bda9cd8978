import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('has defaults for everything and treats "" as unset', () => {
    const config = loadConfig({ TRELLIS_DB: '', PORT: '' });
    expect(config.dbFile).toBe('data/trellis.db');
    expect(config.port).toBe(3000);
    expect(config.slack).toBeUndefined();
    expect(config.teams).toBeUndefined();
    expect(config.minGroupSize).toBe(5);
    expect(loadConfig({ TRELLIS_MIN_GROUP_SIZE: '3' }).minGroupSize).toBe(3);
  });

  it('turns a platform on only with all its settings', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-123' }).slack).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 'secret-123',
    });
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(
      /needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/,
    );
    expect(loadConfig({ BOT_EMULATOR: '1' }).teams).toEqual({ mode: 'emulator' });
  });

  it('stops with a readable message naming each bad value', () => {
    const bad = () =>
      loadConfig({
        TRELLIS_TZ: 'Mars/Olympus',
        PORT: 'eighty',
        TRELLIS_MIN_GROUP_SIZE: '2',
        TRELLIS_ENCRYPTION_KEY: 'short',
      });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('TRELLIS_TZ: not an IANA time zone');
      expect(message).toContain('PORT');
      expect(message).toContain('TRELLIS_MIN_GROUP_SIZE: at least 3');
    }
    expect(() => loadConfig({ TRELLIS_ENCRYPTION_KEY: 'short' })).toThrow(/TRELLIS_ENCRYPTION_KEY: must be 32 bytes/);
  });

  it('turns on "Add to Slack" with all three OAuth settings, and names what is missing', () => {
    const oauth = {
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'client-secret-123',
      SLACK_STATE_SECRET: 'state-secret-0123456789',
      SLACK_SIGNING_SECRET: 'secret-123',
    };
    const config = loadConfig(oauth);
    expect(config.slack).toEqual({
      signingSecret: 'secret-123',
      oauth: { clientId: '1111.2222', clientSecret: 'client-secret-123', stateSecret: 'state-secret-0123456789' },
    });
    expect(config.uninstallRetentionDays).toBe(30);
    expect(loadConfig({ ...oauth, TRELLIS_UNINSTALL_RETENTION_DAYS: '7' }).uninstallRetentionDays).toBe(7);
    expect(() => loadConfig({ ...oauth, SLACK_STATE_SECRET: '' })).toThrow(
      /needs all three of SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET; SLACK_STATE_SECRET is not set/,
    );
    expect(() => loadConfig({ SLACK_CLIENT_ID: '1111.2222' })).toThrow(
      /SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are not set/,
    );
    expect(() => loadConfig({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(
      /SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: choose one/,
    );
    expect(() => loadConfig({ ...oauth, SLACK_SIGNING_SECRET: '' })).toThrow(/needs SLACK_SIGNING_SECRET/);
    expect(() => loadConfig({ ...oauth, SLACK_STATE_SECRET: 'short' })).toThrow(/SLACK_STATE_SECRET: at least 16/);
    expect(() => loadConfig({ TRELLIS_UNINSTALL_RETENTION_DAYS: 'soon' })).toThrow(/TRELLIS_UNINSTALL_RETENTION_DAYS/);
  });
});
