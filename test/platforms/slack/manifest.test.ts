import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { SLACK_EVENTS_PATH } from '../../../src/platforms/slack/app';

/** The manifest an admin pastes must ask for what the app uses: the command, events, scopes, interactivity, Home. */
describe('manifest.yml', () => {
  const text = fs.readFileSync(path.join(__dirname, '../../../manifest.yml'), 'utf8');
  const section = (name: string) => {
    const m = new RegExp(`^(\\s*)${name}:\\n((?:\\1\\s+.*\\n?)+)`, 'm').exec(text);
    return m ? m[2] : '';
  };

  test('declares /selfcheck on the events path', () => {
    expect(text).toMatch(new RegExp(`- command: /selfcheck\\n\\s+url: https://\\S+${SLACK_EVENTS_PATH}\\n`));
  });

  test('subscribes to the events the listeners handle', () => {
    const events = section('bot_events')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim().replace(/^- /, ''))
      .filter(Boolean);
    expect(events.sort()).toEqual(['app_home_opened', 'message.im']);
  });

  test('asks for exactly the bot scopes the Web API calls need', () => {
    const scopes = section('bot')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim().replace(/^- /, ''))
      .filter(Boolean);
    expect(scopes.sort()).toEqual([
      'channels:history',
      'chat:write',
      'commands',
      'files:write',
      'groups:history',
      'im:history',
      'im:write',
      'users:read',
      'users:read.email',
    ]);
  });

  test('turns on interactivity, the Home tab and the Messages tab, with Socket Mode off by default', () => {
    expect(section('interactivity')).toMatch(/is_enabled: true\n\s+request_url: https:\/\/\S+\/slack\/events/);
    expect(section('app_home')).toMatch(
      /home_tab_enabled: true[\s\S]*messages_tab_enabled: true[\s\S]*messages_tab_read_only_enabled: false/,
    );
    expect(text).toMatch(/socket_mode_enabled: false/);
  });
});
