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
});
