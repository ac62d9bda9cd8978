import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_PROMPTS_DIR, loadCatalog } from '../src/catalog';
import { tempDir } from './helpers/temp-db';

describe('loading the prompt files', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
    for (const f of fs.readdirSync(DEFAULT_PROMPTS_DIR)) fs.copyFileSync(path.join(DEFAULT_PROMPTS_DIR, f), t.file(f));
  });
  afterEach(() => t.cleanup());

  const edit = (name: string, change: (data: { prompts: Record<string, unknown>[] }) => void) => {
    const data = JSON.parse(fs.readFileSync(t.file(name), 'utf8'));
    change(data);
    fs.writeFileSync(t.file(name), JSON.stringify(data));
  };

  it('loads the shipped catalogue', () => {
    const catalog = loadCatalog(t.dir);
    expect(catalog.tips.length).toBe(18);
    expect(catalog.deeperQuestions.length).toBe(18);
    expect(catalog.groupQuestions.length).toBeGreaterThanOrEqual(6);
  });

  it('names the file, the prompt id and the field of a broken entry', () => {
    edit('empathy.json', (d) => {
      d.prompts[2].level = 'expert';
    });
    expect(() => loadCatalog(t.dir)).toThrow(/empathy\.json: entry "empathy-03": field "level"/);
  });

  it('refuses a prompt with no tip it can point to, a duplicate id, and bad JSON', () => {
    edit('context.json', (d) => {
      d.prompts[0].tip = 'mind-reading';
    });
    expect(() => loadCatalog(t.dir)).toThrow(/context\.json: entry "context-01": field "tip"/);
    edit('context.json', (d) => {
      d.prompts[0].tip = 'listening';
      d.prompts[1].id = d.prompts[0].id;
    });
    expect(() => loadCatalog(t.dir)).toThrow(/"context-01" appears twice/);
    fs.writeFileSync(t.file('respect.json'), '{ "prompts": [');
    expect(() => loadCatalog(t.dir)).toThrow(/respect\.json: not valid JSON/);
  });
});
