import { uploadTarget } from '../../../src/platforms/teams/upload';

describe('uploadTarget: where an export file may be PUT', () => {
  test.each([
    'https://contoso-my.sharepoint.com/personal/coach/_api/upload?tempauth=x',
    'http://127.0.0.1:4000/session/1',
    'http://localhost:4000/session/1',
    'http://[::1]:4000/session/1',
  ])('allows %s', (url) => {
    expect(uploadTarget(url)?.href).toBe(new URL(url).href);
  });

  test.each([
    'http://contoso-my.sharepoint.com/upload',
    'http://127.0.0.2/upload',
    'http://localhost.contoso.example/upload',
    'ftp://127.0.0.1/upload',
    'file:///etc/passwd',
    'https://user:secret@contoso.example/upload',
    '/relative/upload',
    '',
  ])('refuses %s', (url) => {
    expect(uploadTarget(url)).toBeUndefined();
  });
});
